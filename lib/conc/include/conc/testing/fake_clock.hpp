// conc::testing::FakeClock — virtual time for deterministic tests of timing code.
//
//   conc::testing::FakeClock clock;                 // from here on, now() stands still
//   conc::Timer timer(std::chrono::milliseconds(55));
//   clock.advance(std::chrono::milliseconds(55));   // the timer fires, inside advance()
//   EXPECT_TRUE(timer.c().recv());
//
// While a FakeClock is alive, conc::now() returns virtual time, and timers, tickers, sleep,
// after and context deadlines fire only when the test advances the clock, so a test of
// "timeout after 100 ms" takes no time and has one possible outcome. It is Go's fake clocks
// (clockwork, benbjohnson/clock) built into the library's one clock.
#pragma once

#include "conc/time.hpp"

namespace conc::testing {

class FakeClock {
 public:
  // Switches the library to virtual time, starting at the current real time. Throws
  // std::logic_error if another FakeClock is alive (there is one clock).
  FakeClock();
  // Switches back to real time. What is still scheduled fires when real time reaches it.
  ~FakeClock();
  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;

  // Moves now() forward by d. Before it returns, everything that became due fires on the calling
  // thread, in time order, with now() set to each one's due time: timer and ticker values are
  // sent (or dropped, for a ticker whose channel is full), sleepers are woken, deadlines cancel
  // their contexts. advance(Duration::zero()) fires what is already due. Never blocks on the
  // woken threads: it does not wait for them to run. Call it from one thread at a time.
  void advance(Duration d);

  // The virtual time (the same as conc::now() while this clock is alive).
  TimePoint now() const noexcept;
};

}  // namespace conc::testing
