// conc time — Go's time.Now, time.Sleep, time.After, time.Timer and time.Ticker.
//
//   conc::Timer timeout(std::chrono::milliseconds(55));   // time.NewTimer(55 * time.Millisecond)
//   conc::Ticker tick(std::chrono::milliseconds(10));     // time.NewTicker(10 * time.Millisecond)
//   conc::select(conc::case_recv(tick.c(), [&] { ... }),
//                conc::case_recv(timeout.c(), [&] { ... }));
//
// All library time goes through one clock: the steady clock, or virtual time while a
// conc::testing::FakeClock is alive (then nothing due later than now() fires until the test
// advances the clock; a timer of zero or negative duration fires at once). Timers,
// tickers, sleep, after and context deadlines all obey it, so tests of timing are instant and
// deterministic.
//
// Timers and tickers follow Go >= 1.23: a value is sent on c() at the time the timer was due
// (not when it was noticed); after stop() or reset() returns, c() never yields a value from
// before the call. A fire whose value has not been received still counts as pending: stop() and
// reset() then return true and the stale value is discarded.
#pragma once

#include <chrono>
#include <memory>

#include "conc/chan.hpp"

namespace conc {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

// The library clock's current time. Never blocks, never throws.
TimePoint now() noexcept;

// Blocks the calling thread for d of library time (returns at once when d <= 0). Under a
// FakeClock it returns when the test has advanced the clock by d. Not interruptible: to wait
// for "d or cancellation", select on after(d) and ctx.done().
void sleep(Duration d);

// Go's time.After: a channel that receives the time it fires at, once, d from now (at once when
// d <= 0; never for durations too large to represent). Never blocks.
RecvChan<TimePoint> after(Duration d);

namespace internal {
struct TimerCore;
}

// Go's time.Timer: fires once, d after it is created or reset. Not copyable; stops on destruction.
// Thread-safe: stop() and reset() may race each other and the fire.
class Timer {
 public:
  explicit Timer(Duration d);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // The channel the fire time is delivered on (never closed). Never blocks.
  RecvChan<TimePoint> c() const;

  // Prevents the timer from firing. Returns true when this call stopped it (it was pending, or
  // had fired with its value not yet received: that value is discarded); false when the value
  // was already received or the timer was already stopped. Never blocks for long, never throws.
  bool stop();

  // Stops the timer, then arms it to fire d from now. Returns what stop() would have returned.
  bool reset(Duration d);

 private:
  std::shared_ptr<internal::TimerCore> core_;
};

// Go's time.Ticker: sends the time on c() every period. The channel holds one tick: a slow
// receiver misses the ticks in between (they are dropped), and the next tick stays on the
// period's grid. Not copyable; stops on destruction.
class Ticker {
 public:
  // Throws std::logic_error("non-positive interval for Ticker") when d <= 0.
  explicit Ticker(Duration d);
  ~Ticker();
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

  // The channel ticks are delivered on (never closed). Never blocks.
  RecvChan<TimePoint> c() const;

  // No tick is sent after stop() returns, and an unreceived tick is discarded. Never throws.
  void stop();

  // Stops the ticker and restarts it with period d: the next tick comes d from now.
  // Throws std::logic_error("non-positive interval for Ticker") when d <= 0.
  void reset(Duration d);

 private:
  std::shared_ptr<internal::TimerCore> core_;
};

}  // namespace conc
