// Tests of <conc/time.hpp> (now, sleep, after, Timer, Ticker) and of the FakeClock they run on.
//
// Rules T1..T11 are in shared/notes/go-semantics.md (A3), the contract in design.md section 4.
// Every test but the RealClock ones runs on virtual time: nothing due later than now() fires
// until the test calls clock.advance(), so each test has exactly one possible outcome and takes
// no real time.
#include "conc/time.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <latch>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/chan.hpp"
#include "conc/debug.hpp"
#include "conc/go.hpp"
#include "conc/select.hpp"
#include "conc/testing/fake_clock.hpp"
#include "conc/testing/goroutines.hpp"

namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

// Only a safety net for waits on other threads, never the thing a test measures.
constexpr auto kSafety = std::chrono::seconds(10);

// A duration that does not overflow when added to now(), yet is far beyond any timer in a test.
constexpr auto kCentury = std::chrono::hours(24 * 365 * 100);

// Go: select { case t := <-c: ...; default: }. The value c holds right now, or nullopt when
// nothing is ready. Never blocks. (Timer and ticker channels are never closed, so a ready
// receive always carries a value.)
std::optional<conc::TimePoint> poll(const conc::RecvChan<conc::TimePoint>& c) {
  std::optional<conc::TimePoint> got;
  conc::select(conc::case_recv(c, [&](std::optional<conc::TimePoint> t) { got = t; }),
               conc::case_default());
  return got;
}

// Virtual time for one test. Times are checked as offsets from `start`, so that a failure prints
// "10ms" rather than a raw time point.
class FakeTime : public ::testing::Test {
 protected:
  conc::testing::FakeClock clock;
  const conc::TimePoint start = clock.now();

  // poll(c), as an offset from start: what a receive would get right now, if anything.
  std::optional<conc::Duration> take(const conc::RecvChan<conc::TimePoint>& c) const {
    const auto t = poll(c);
    if (!t) return std::nullopt;
    return *t - start;
  }
};

using FakeClockTest = FakeTime;
using TimerTest = FakeTime;
using AfterTest = FakeTime;
using TickerTest = FakeTime;
using SleepTest = FakeTime;

// ---------------------------------------------------------------------------------------------
// FakeClock

// Contract: while a FakeClock is alive, now() stands still.
TEST_F(FakeClockTest, NowStandsStillWhileRealTimePasses) {
  const auto real_start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < real_start + 2ms) {
    // Let real time move on: the virtual clock must not follow it.
  }
  EXPECT_EQ(conc::now() - start, 0ns);
  EXPECT_EQ(clock.now() - start, 0ns);
}

// Contract: advance(d) moves now() by exactly d; advance(0) does not move it.
TEST_F(FakeClockTest, AdvanceMovesNowByExactlyD) {
  clock.advance(7ms);
  EXPECT_EQ(conc::now() - start, 7ms);
  clock.advance(1ns);
  EXPECT_EQ(conc::now() - start, 7ms + 1ns);
  clock.advance(0ns);
  EXPECT_EQ(conc::now() - start, 7ms + 1ns);
  EXPECT_EQ(clock.now(), conc::now());
}

// Contract: advance fires what became due, each with its own due time, in one call.
TEST_F(FakeClockTest, OneAdvanceFiresEveryDueTimerWithItsOwnDueTime) {
  conc::Timer late(30ms);
  conc::Timer early(10ms);
  clock.advance(50ms);
  EXPECT_EQ(take(early.c()), 10ms);
  EXPECT_EQ(take(late.c()), 30ms);
  EXPECT_EQ(conc::now() - start, 50ms);
}

// Contract: a timer fires when now() reaches its due time, not a nanosecond before.
TEST_F(FakeClockTest, NothingFiresBeforeItsDueTime) {
  conc::Timer timer(10ms);
  clock.advance(10ms - 1ns);
  EXPECT_EQ(take(timer.c()), std::nullopt);
  clock.advance(1ns);
  EXPECT_EQ(take(timer.c()), 10ms);
}

// Contract: FakeClock starts at the current real time.
TEST(FakeClockAlone, StartsAtTheCurrentRealTime) {
  const auto before = std::chrono::steady_clock::now();
  conc::testing::FakeClock clock;
  const auto after = std::chrono::steady_clock::now();
  EXPECT_GE(clock.now() - before, 0ns);
  EXPECT_GE(after - clock.now(), 0ns);
}

// Contract: there is one clock, so a second FakeClock while one is alive throws; once the first
// is gone, a new one can be made.
TEST(FakeClockAlone, SecondFakeClockWhileOneIsAliveThrows) {
  {
    conc::testing::FakeClock first;
    EXPECT_THROW(conc::testing::FakeClock second, std::logic_error);
    // The failed construction left the first clock in charge.
    const conc::TimePoint start = first.now();
    first.advance(5ms);
    EXPECT_EQ(conc::now() - start, 5ms);
  }
  EXPECT_NO_THROW(conc::testing::FakeClock again);
}

// Contract (fake_clock.hpp): what is still scheduled when the FakeClock dies fires once real
// time reaches it.
TEST(FakeClockAlone, WhatIsStillScheduledFiresInRealTimeOnceTheFakeClockIsGone) {
  conc::RecvChan<conc::TimePoint> c;
  conc::TimePoint due;
  {
    conc::testing::FakeClock clock;
    due = clock.now() + 1ms;
    c = conc::after(1ms);
  }
  const auto fired = c.recv();  // blocks, in real time, for about 1ms
  ASSERT_TRUE(fired);
  EXPECT_EQ(*fired - due, 0ns);
}

// ---------------------------------------------------------------------------------------------
// Timer

// T6: the value is the time the timer was due, not the time it was noticed.
TEST_F(TimerTest, SendsTheTimeItWasDueNotTheTimeItWasNoticed) {
  conc::Timer timer(10ms);
  clock.advance(500ms);
  EXPECT_EQ(take(timer.c()), 10ms);
}

// A Timer fires once.
TEST_F(TimerTest, FiresOnlyOnce) {
  conc::Timer timer(10ms);
  clock.advance(10ms);
  EXPECT_EQ(take(timer.c()), 10ms);
  clock.advance(1s);
  EXPECT_EQ(take(timer.c()), std::nullopt);
}

// T1: stop() returns true when it stops a pending timer, which then never fires.
TEST_F(TimerTest, StopReturnsTrueWhilePendingAndTheTimerNeverFires) {
  conc::Timer timer(10ms);
  clock.advance(5ms);
  EXPECT_TRUE(timer.stop());
  clock.advance(1s);
  EXPECT_EQ(take(timer.c()), std::nullopt);
}

// T1: stop() returns false once the timer fired and its value was received.
TEST_F(TimerTest, StopReturnsFalseOnceTheValueWasReceived) {
  conc::Timer timer(10ms);
  clock.advance(10ms);
  ASSERT_EQ(take(timer.c()), 10ms);
  EXPECT_FALSE(timer.stop());
}

// T1: stop() returns false when the timer was already stopped.
TEST_F(TimerTest, SecondStopReturnsFalse) {
  conc::Timer timer(10ms);
  EXPECT_TRUE(timer.stop());
  EXPECT_FALSE(timer.stop());
}

// T4 (Go >= 1.23): a fire whose value was not received still counts as pending: stop() returns
// true and the stale value is never received.
TEST_F(TimerTest, StopAfterAnUnreceivedFireReturnsTrueAndTheValueIsNeverReceived) {
  conc::Timer timer(10ms);
  clock.advance(10ms);
  EXPECT_TRUE(timer.stop());
  EXPECT_EQ(take(timer.c()), std::nullopt);
  clock.advance(1s);
  EXPECT_EQ(take(timer.c()), std::nullopt);
}

// T1: "returns true if the call stops the timer": of many stops racing, exactly one did it.
TEST_F(TimerTest, ExactlyOneOfManyConcurrentStopsReturnsTrue) {
  constexpr int kThreads = 8;
  conc::Timer timer(10ms);
  std::latch start_together(kThreads);
  std::atomic<int> stopped{0};
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&] {
        start_together.arrive_and_wait();
        if (timer.stop()) stopped.fetch_add(1);
      });
    }
  }  // joined
  EXPECT_EQ(stopped.load(), 1);
}

// T2: reset() of a pending timer returns true; the timer then fires d after the reset, and not
// at its old time.
TEST_F(TimerTest, ResetOfAPendingTimerReturnsTrueAndFiresDAfterTheReset) {
  conc::Timer timer(10ms);
  clock.advance(5ms);
  EXPECT_TRUE(timer.reset(20ms));  // now due at 25ms
  clock.advance(10ms);             // 15ms: past the old due time
  EXPECT_EQ(take(timer.c()), std::nullopt);
  clock.advance(10ms - 1ns);  // just before 25ms
  EXPECT_EQ(take(timer.c()), std::nullopt);
  clock.advance(1ns);
  EXPECT_EQ(take(timer.c()), 25ms);
}

// T4 (Go >= 1.23): reset() after an unreceived fire returns true, and the old value is never
// received: the next value is the new fire's.
TEST_F(TimerTest, ResetAfterAnUnreceivedFireReturnsTrueAndTheOldValueIsNeverReceived) {
  conc::Timer timer(10ms);
  clock.advance(10ms);
  EXPECT_TRUE(timer.reset(20ms));  // now due at 30ms
  EXPECT_EQ(take(timer.c()), std::nullopt);
  clock.advance(20ms);
  EXPECT_EQ(take(timer.c()), 30ms);
}

// T2: reset() returns false when the value was already received; the timer fires again.
TEST_F(TimerTest, ResetAfterTheValueWasReceivedReturnsFalseAndFiresAgain) {
  conc::Timer timer(10ms);
  clock.advance(10ms);
  ASSERT_EQ(take(timer.c()), 10ms);
  EXPECT_FALSE(timer.reset(10ms));
  clock.advance(10ms);
  EXPECT_EQ(take(timer.c()), 20ms);
}

// T2: reset() returns false on a stopped timer, and re-arms it.
TEST_F(TimerTest, ResetAfterStopReturnsFalseAndRearms) {
  conc::Timer timer(10ms);
  ASSERT_TRUE(timer.stop());
  EXPECT_FALSE(timer.reset(30ms));
  clock.advance(30ms);
  EXPECT_EQ(take(timer.c()), 30ms);
}

// Contract: a Timer stops on destruction (a copy of its channel never receives).
TEST_F(TimerTest, DestroyingATimerStopsIt) {
  conc::RecvChan<conc::TimePoint> c;
  {
    conc::Timer timer(10ms);
    c = timer.c();
  }
  clock.advance(1s);
  EXPECT_EQ(take(c), std::nullopt);
}

// T11: a zero or negative duration fires at once, even under a FakeClock (no advance needed),
// and (T6) sends the time it was armed: Go clamps the due time to now, never to the past.
TEST_F(TimerTest, NonPositiveDurationFiresAtOnceWithTheTimeItWasArmed) {
  conc::Timer zero(0ns);
  conc::Timer negative(-5ms);
  conc::Timer reset(1h);
  reset.reset(-5ms);
  EXPECT_EQ(take(zero.c()), 0ns);
  EXPECT_EQ(take(negative.c()), 0ns);
  EXPECT_EQ(take(reset.c()), 0ns);
}

// T11: a huge duration saturates: the timer never fires (it does not wrap into the past) and
// stays pending.
TEST_F(TimerTest, HugeDurationSaturatesAndNeverFires) {
  conc::Timer timer(conc::Duration::max());
  conc::Timer reset(10ms);
  reset.reset(conc::Duration::max());
  clock.advance(0ns);
  clock.advance(kCentury);
  EXPECT_EQ(take(timer.c()), std::nullopt);
  EXPECT_EQ(take(reset.c()), std::nullopt);
  EXPECT_TRUE(timer.stop());
  EXPECT_TRUE(reset.stop());
}

// ---------------------------------------------------------------------------------------------
// after

// T6: after(d) sends its due time, once.
TEST_F(AfterTest, SendsItsDueTimeOnce) {
  const auto c = conc::after(10ms);
  clock.advance(10ms - 1ns);
  EXPECT_EQ(take(c), std::nullopt);
  clock.advance(300ms);
  EXPECT_EQ(take(c), 10ms);
  clock.advance(1s);
  EXPECT_EQ(take(c), std::nullopt);
}

// T11: after(d <= 0) fires at once, even under a FakeClock (no advance needed); the value is
// the time it was called.
TEST_F(AfterTest, NonPositiveDurationFiresAtOnce) {
  const auto zero = conc::after(0ns);
  const auto negative = conc::after(-1s);
  EXPECT_EQ(take(zero), 0ns);
  EXPECT_EQ(take(negative), 0ns);
}

// T11: after(huge) saturates: it never fires, and does not wrap around into the past.
TEST_F(AfterTest, HugeDurationSaturatesAndNeverFires) {
  const auto c = conc::after(conc::Duration::max());
  clock.advance(0ns);
  clock.advance(kCentury);
  EXPECT_EQ(take(c), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// Ticker

// T8: a ticker sends each period's due time.
TEST_F(TickerTest, TicksEveryPeriodWithTheDueTime) {
  conc::Ticker ticker(10ms);
  clock.advance(10ms);
  EXPECT_EQ(take(ticker.c()), 10ms);
  clock.advance(10ms);
  EXPECT_EQ(take(ticker.c()), 20ms);
}

// T8: the channel holds one tick: a receiver that falls behind finds the first tick it missed
// (ticks fire in time order) and the later ones were dropped.
TEST_F(TickerTest, SlowReceiverFindsOneTickTheFirstOfThoseItMissed) {
  conc::Ticker ticker(10ms);
  clock.advance(35ms);  // ticks due at 10, 20 and 30ms
  EXPECT_EQ(take(ticker.c()), 10ms);
  EXPECT_EQ(take(ticker.c()), std::nullopt);  // 20 and 30 were dropped
}

// T8: after dropped ticks, the next tick stays on the period's grid.
TEST_F(TickerTest, AfterDroppedTicksTheNextTickStaysOnTheGrid) {
  conc::Ticker ticker(10ms);
  clock.advance(35ms);
  ASSERT_EQ(take(ticker.c()), 10ms);
  clock.advance(5ms - 1ns);
  EXPECT_EQ(take(ticker.c()), std::nullopt);
  clock.advance(1ns);
  EXPECT_EQ(take(ticker.c()), 40ms);
}

// T7: a non-positive interval is misuse, named with Go's words.
TEST_F(TickerTest, NonPositiveIntervalThrows) {
  EXPECT_THAT([] { conc::Ticker ticker(0ns); },
              ThrowsMessage<std::logic_error>(HasSubstr("non-positive interval for Ticker")));
  EXPECT_THAT([] { conc::Ticker ticker(-1ms); },
              ThrowsMessage<std::logic_error>(HasSubstr("non-positive interval for Ticker")));
}

// T7: reset() to a non-positive interval throws too.
TEST_F(TickerTest, ResetToANonPositiveIntervalThrows) {
  conc::Ticker ticker(10ms);
  EXPECT_THAT([&] { ticker.reset(0ns); },
              ThrowsMessage<std::logic_error>(HasSubstr("non-positive interval for Ticker")));
  EXPECT_THAT([&] { ticker.reset(-1ms); },
              ThrowsMessage<std::logic_error>(HasSubstr("non-positive interval for Ticker")));
}

// T9: after stop(), no more ticks are sent.
TEST_F(TickerTest, StopEndsTheTicks) {
  conc::Ticker ticker(10ms);
  clock.advance(10ms);
  ASSERT_EQ(take(ticker.c()), 10ms);
  ticker.stop();
  clock.advance(1s);
  EXPECT_EQ(take(ticker.c()), std::nullopt);
}

// T4 (Go >= 1.23): stop() discards a tick that was not received.
TEST_F(TickerTest, StopDiscardsAnUnreceivedTick) {
  conc::Ticker ticker(10ms);
  clock.advance(10ms);
  ticker.stop();
  EXPECT_EQ(take(ticker.c()), std::nullopt);
}

// T9: reset(d) changes the period; the next tick comes d after the reset.
TEST_F(TickerTest, ResetChangesThePeriodFromNow) {
  conc::Ticker ticker(10ms);
  clock.advance(5ms);
  ticker.reset(30ms);  // ticks now due at 35, 65, ... ms
  clock.advance(30ms - 1ns);
  EXPECT_EQ(take(ticker.c()), std::nullopt);  // the old 10, 20 and 30ms ticks never came
  clock.advance(1ns);
  EXPECT_EQ(take(ticker.c()), 35ms);
  clock.advance(30ms);
  EXPECT_EQ(take(ticker.c()), 65ms);
}

// T4 (Go >= 1.23): reset() discards a tick that was not received.
TEST_F(TickerTest, ResetDiscardsAnUnreceivedTick) {
  conc::Ticker ticker(10ms);
  clock.advance(10ms);
  ticker.reset(20ms);
  EXPECT_EQ(take(ticker.c()), std::nullopt);
  clock.advance(20ms);
  EXPECT_EQ(take(ticker.c()), 30ms);
}

// Contract: a Ticker stops on destruction.
TEST_F(TickerTest, DestroyingATickerStopsIt) {
  conc::RecvChan<conc::TimePoint> c;
  {
    conc::Ticker ticker(10ms);
    c = ticker.c();
  }
  clock.advance(1s);
  EXPECT_EQ(take(c), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// sleep

// T11: sleep(d <= 0) returns at once, without the clock moving (it would hang here otherwise).
TEST_F(SleepTest, NonPositiveDurationReturnsAtOnce) {
  conc::sleep(0ns);
  conc::sleep(-1s);
  EXPECT_EQ(conc::now() - start, 0ns);
}

// Contract: under a FakeClock, sleep(d) returns once the clock has advanced by d, and while it
// waits, conc::debug reports the thread as blocked in "sleep".
TEST_F(SleepTest, ReturnsOnceTheClockHasAdvancedByD) {
  const auto woke = conc::make_chan<conc::Unit>(1);
  const std::size_t already_blocked = conc::debug::blocked_threads().size();
  conc::go([woke] {
    conc::sleep(100ms);
    woke.send({});
  });
  ASSERT_TRUE(conc::testing::wait_blocked(already_blocked + 1, kSafety));
  EXPECT_THAT(conc::debug::describe_blocked(), HasSubstr("sleep"));

  clock.advance(99ms);
  EXPECT_EQ(conc::select(conc::case_recv(woke), conc::case_default()), 1u) << "woke up early";

  clock.advance(1ms);
  EXPECT_TRUE(woke.recv());
}

// ---------------------------------------------------------------------------------------------
// Real time: no FakeClock. Only lower bounds are checked: a loaded machine may be late.

// T6: after(d) fires on its own in real time; the value is its due time, never earlier than d
// after the call, and never later than when it was received.
TEST(RealClock, AfterFiresAndSendsItsDueTime) {
  const conc::TimePoint start = conc::now();
  const auto fired = conc::after(1ms).recv();
  const conc::TimePoint received = conc::now();
  ASSERT_TRUE(fired);
  EXPECT_GE(*fired - start, 1ms);
  EXPECT_GE(received - *fired, 0ns);
}

// T11: after(d <= 0) fires at once without any FakeClock, and its value is not in the past.
TEST(RealClock, NonPositiveAfterFiresAtOnceWithATimeNotBeforeTheCall) {
  const conc::TimePoint start = conc::now();
  const auto zero = conc::after(0ns).recv();
  const auto negative = conc::after(-5ms).recv();
  ASSERT_TRUE(zero);
  ASSERT_TRUE(negative);
  EXPECT_GE(*zero - start, 0ns);
  EXPECT_GE(*negative - start, 0ns);
}

// Without a FakeClock, now() is the steady clock and sleep(d) waits at least d.
TEST(RealClock, NowIsTheSteadyClockAndSleepWaitsAtLeastD) {
  const auto before = std::chrono::steady_clock::now();
  const conc::TimePoint start = conc::now();
  EXPECT_GE(start - before, 0ns);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 0ns);
  conc::sleep(1ms);
  EXPECT_GE(conc::now() - start, 1ms);
}

}  // namespace
