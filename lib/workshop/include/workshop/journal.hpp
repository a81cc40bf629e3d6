// workshop/journal.hpp — what happened during the running test, told by the test itself.
//
// Concurrency suites record events from their instrumented fakes ("SBG started", "SBG saw
// cancellation"); when the test fails, or blocks and the watchdog stops it, the test main prints
// the journal under the failure, oldest event first, so the student sees what ran concurrently:
//
//   workshop::record("find started datacenter=" + name);
//
// The journal restarts empty when each test starts. Events carry the time since the start of the
// test and the thread that recorded them ("test" for the thread running the test body, then
// "thread 1", "thread 2", ... in order of their first event in that test). A timeline renderer
// reads journal().
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace workshop {

struct Event {
  std::chrono::steady_clock::duration at;  // since the running test started
  std::string thread;                      // "test", or "thread N" (see above)
  std::string what;                        // the text given to record()
};

// Appends `what` to the running test's journal. Thread-safe; takes a short internal lock and never
// blocks for long; throws only std::bad_alloc. Recording between tests (from a thread a previous
// test left running) lands in the next test's journal.
void record(std::string what);

// A copy of the running test's journal, oldest event first. Never blocks for long.
std::vector<Event> journal();

}  // namespace workshop
