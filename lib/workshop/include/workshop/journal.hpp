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
// "thread 1", "thread 2", ... in order of their first event in that test).
//
// Work that has a start and an end on a lane of its own (a datacenter's find) is recorded with
// record_begin()/record_end(): those events also draw the timeline (timeline.hpp) printed under
// the journal, one lane per datacenter, so that the student sees what overlapped what.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "workshop/timeline.hpp"

namespace workshop {

struct Event {
  std::chrono::steady_clock::duration at;  // since the running test started
  std::string thread;                      // "test", or "thread N" (see above)
  std::string what;                        // the text given to record()
  std::optional<TimelineEvent> span;       // for record_begin/record_end: the timeline's event
};

// Appends `what` to the running test's journal. Thread-safe; takes a short internal lock and never
// blocks for long; throws only std::bad_alloc. Recording between tests (from a thread a previous
// test left running) lands in the next test's journal.
void record(std::string what);

// Records that `lane` ("SBG") starts `label` ("started"): the journal line is "SBG started", plus
// " (detail)" when detail is not empty; the timeline opens a span on that lane. Thread-safe, as
// record(); throws only std::bad_alloc.
void record_begin(std::string lane, std::string label, std::string detail = {});

// Records that `lane`'s open span ends with `outcome` ("answered", "cancelled"): the journal line
// is "SBG cancelled" (plus " (detail)"); the timeline ends the span, drawn as completed or stopped.
void record_end(std::string lane, std::string outcome, Ending ending = Ending::completed,
                std::string detail = {});

// A copy of the running test's journal, oldest event first. Never blocks for long.
std::vector<Event> journal();

}  // namespace workshop
