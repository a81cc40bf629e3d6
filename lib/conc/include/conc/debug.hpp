// conc::debug — what every thread is blocked on, right now.
//
// Each blocking operation of the library (channel send and receive, select, WaitGroup::wait,
// sleep, the waits in ErrGroup and the semaphore) records what it waits for while it is parked.
// A watchdog (the workshop's test main) prints this when a test hangs, so a student reads
// "goroutine 3: blocked in channel receive (chan 0x.. cap 0 len 0)" instead of a frozen terminal.
// Recording costs nothing on the fast path: it happens only when a thread is about to park.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace conc::debug {

struct BlockedThread {
  std::string thread;     // "goroutine 7" for threads started by conc::go, else "thread <id>"
  std::string operation;  // what it waits for, e.g. "channel receive (chan 0x.. cap 0 len 0)"
  std::chrono::steady_clock::duration blocked_for;  // real time spent blocked so far
};

// A snapshot of the threads parked in a library operation. Never blocks for long (it takes the
// registry's lock); never throws but for std::bad_alloc.
std::vector<BlockedThread> blocked_threads();

// The snapshot as text, one line per blocked thread, or "no thread is blocked in conc" when none.
std::string describe_blocked();

}  // namespace conc::debug
