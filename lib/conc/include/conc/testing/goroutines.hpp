// conc::testing::wait_goroutines — a leak check, like Go's goleak.
#pragma once

#include <cstddef>

#include "conc/time.hpp"

namespace conc::testing {

// Blocks until at most `at_most` goroutines (conc::goroutines()) are running, or `timeout` of
// real time passed (the FakeClock does not apply: goroutines wind down in real time). Returns
// true when the count got there, false on time-out: some goroutine is still running (leaked,
// or blocked on a channel nobody will ever use). Never throws.
//
// Typical use: `EXPECT_TRUE(wait_goroutines(0, std::chrono::seconds(5)))` at the end of a test:
// a goroutine may still be returning just after it signalled it was done, so the check waits
// for it rather than racing it.
bool wait_goroutines(std::size_t at_most, Duration timeout);

// Blocks until at least `count` threads are parked in a conc operation (channel send or
// receive, select, WaitGroup::wait, sleep, ...: what conc::debug::blocked_threads() lists), or
// `timeout` of real time passed. Returns whether they got there. Never throws.
//
// It is how a test orders events without sleeping: start a goroutine that must block, wait
// until it has, then act (close the channel, advance the FakeClock) and assert what follows.
bool wait_blocked(std::size_t count, Duration timeout);

}  // namespace conc::testing
