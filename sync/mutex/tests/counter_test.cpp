// Tests of sync/mutex/1: Counter, the slides' `x = x + 1` from 1000 goroutines.
//
// Counting alone cannot convict an unprotected counter: two increments must read the same value
// at the same moment, which happens in some runs and not in others. So the key tests make it
// happen every time. increment() calls between_read_and_write() between its read and its write;
// this file defines it as a window the test holds (tests/window.hpp). A first increment is held
// inside, then a second call starts: with the mutex right, that call sleeps in the kernel,
// waiting for the lock (workshop::ThreadProbe sees it); without it, it gets inside the window
// too, having read the same value, or returns. No sleep decides an outcome.
#include "counter.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conc/go.hpp"
#include "window.hpp"
#include "workshop/hint.hpp"
#include "workshop/journal.hpp"
#include "workshop/thread_probe.hpp"

namespace {

// Where the test's window is, for the journal.
constexpr char kWindow[] = "the window between read and write";

constexpr const char* kLockTheWholeIncrement =
    "Lock one std::mutex, a member of Counter, for the whole of increment(), from before the "
    "read of value_ until after the write: `std::lock_guard lock(mutex_);` as its first line. "
    "These leave the read and the write apart, and fail here: a lock around the write alone; a "
    "std::mutex declared inside increment() (each call locks its own); "
    "`std::lock_guard<std::mutex>{mutex_};` (a temporary, unlocked again at the end of that "
    "line: a lock guard needs a name to live until the closing brace).";

// For the goroutines of the tests under load, all of which must return.
constexpr const char* kUnlockOnEveryWayOut =
    "Is the mutex unlocked on every way out of increment()? A std::lock_guard unlocks it when it "
    "goes out of scope.";

// For calls made on the test's own thread: a call that never returns blocks the test until the
// watchdog stops it, and prints this.
constexpr const char* kNeverReturned =
    "If this test blocked until the watchdog stopped it, a call never returned, on one thread "
    "alone: std::mutex is not recursive, so a thread that locks it twice waits for itself "
    "forever (does increment() lock the mutex, then call value(), which locks it again? read "
    "value_ directly), and a mutex locked with a bare lock() stays locked until unlock() (a "
    "std::lock_guard unlocks it on every way out).";

class CounterTest : public mutex_tests::WindowTest<kWindow> {
 protected:
  // Fails the test, with the hint for what went wrong, unless `first` is held inside the window
  // (the test holds it there: window_.hold() was called before it started).
  bool held_inside(const CallBase& first) {
    const FirstCall got = wait_inside(first);
    if (got == FirstCall::Inside) return true;
    if (got == FirstCall::Returned) {
      workshop::Hint hint(
          "Keep the call to between_read_and_write() in increment(), between the read of value_ "
          "and the write: the tests use it to hold an increment half-way and see what a second "
          "call does meanwhile. A std::atomic with ++ has no such half-way point: this exercise "
          "is about the mutex.");
      ADD_FAILURE() << first.label() << " returned without calling between_read_and_write()";
    } else {
      workshop::Hint hint(
          "std::mutex is not recursive: a thread that locks it twice waits for itself forever. "
          "Does increment() lock the mutex and then call value(), which locks it again? Read "
          "value_ directly inside increment().");
      ADD_FAILURE() << first.label() << " neither reached between_read_and_write() nor returned "
                    << "within 5 s: it is blocked before the window";
    }
    return false;
  }

  std::shared_ptr<Counter> counter_ = std::make_shared<Counter>();
};

}  // namespace

// The hook counter.hpp declares: every increment() passes through the test's window.
void between_read_and_write() { CounterTest::window().enter(); }

namespace {

TEST_F(CounterTest, StartsAtZero) {
  workshop::Hint hint("A new Counter has counted nothing: value_ starts at 0.");
  EXPECT_EQ(counter_->value(), 0);
}

TEST_F(CounterTest, CountsIncrementsMadeOneAfterAnother) {
  std::int64_t count = 0;
  workshop::record("calling increment() 3 times, then value(), on the test's thread");
  {
    workshop::Hint hang(kNeverReturned);
    for (int i = 0; i < 3; ++i) counter_->increment();
    count = counter_->value();
  }
  workshop::Hint hint("Each increment() adds exactly one, and value() returns the count.");
  EXPECT_EQ(count, 3);
}

TEST_F(CounterTest, EveryIncrementCallsBetweenReadAndWriteOnce) {
  {
    workshop::Hint hang(kNeverReturned);
    for (int i = 0; i < 3; ++i) counter_->increment();
  }
  workshop::Hint hint(
      "Keep the call to between_read_and_write() in increment(), once, between the read of "
      "value_ and the write: the other tests use it to hold an increment half-way and check that "
      "a second one waits for the mutex. Add the lock around it; do not remove it.");
  EXPECT_EQ(window_.entered(), 3) << "between_read_and_write() calls during 3 increments";
}

// The lost update, made certain: A has read value_ and is held before writing it back. B must
// wait for the mutex, not read the same value.
TEST_F(CounterTest, AnIncrementWaitsWhileAnotherIsBetweenItsReadAndItsWrite) {
  window_.hold();
  auto& a = calls_.start<void>("A", "increment()", [counter = counter_] { counter->increment(); });
  if (!held_inside(a)) return;
  auto& b = calls_.start<void>("B", "increment()", [counter = counter_] { counter->increment(); });
  // One at a time, whatever happened: A finishes, then B.
  const auto [seen, a_returned, b_returned] = watch_then_finish_in_turn(a, b);
  const bool both_returned = a_returned && b_returned;
  const std::int64_t count = both_returned ? counter_->value() : -1;
  if (both_returned) workshop::record("A and B returned; value() is " + std::to_string(count));

  switch (seen) {
    case WhileHeld::GotInside: {
      workshop::Hint hint(kLockTheWholeIncrement);
      ADD_FAILURE() << "Two increments were between their read and their write at once: A read "
                       "value_ and was held before writing it back, and B, instead of waiting "
                       "for the lock, read the same value and got there too. Both write that "
                       "value + 1: one increment is lost (after both, value() is "
                    << count << ", not 2).";
      return;
    }
    case WhileHeld::Returned: {
      workshop::Hint hint(
          "increment() must wait for the mutex (lock(), or a lock guard), never skip or defer "
          "its update when the mutex is taken (try_lock).");
      ADD_FAILURE() << "B's increment() returned while A's was still between its read and its "
                       "write: it did not wait for A to finish.";
      return;
    }
    case WhileHeld::Neither: {
      workshop::Hint hint(
          "A thread waiting for a std::mutex sleeps in the kernel, and this test looks for that. "
          "Do you wait by spinning (a loop on an atomic flag)? Use std::mutex.");
      ADD_FAILURE() << "While A's increment() was held inside, B's increment() neither waited "
                       "for a lock (asleep in the kernel), nor got inside the window, nor "
                       "returned, within 5 s.";
      return;
    }
    case WhileHeld::Blocked:
      break;
  }
  {
    workshop::Hint hint(
        "Is the mutex unlocked on every way out of increment()? A std::lock_guard unlocks it "
        "when it goes out of scope; a bare mutex_.lock() needs its unlock().");
    ASSERT_TRUE(a_returned) << "A's increment() did not return once let out of the window";
    ASSERT_TRUE(b_returned) << "B's increment() never returned after A's had: it still waits "
                               "for the mutex";
  }
  workshop::Hint hint("B waited for A, then did its own increment: the count is 2.");
  EXPECT_EQ(count, 2);
}

// value() reads what increment() writes: it must wait for the same lock.
TEST_F(CounterTest, ValueWaitsWhileAnIncrementIsBetweenItsReadAndItsWrite) {
  window_.hold();
  auto& a = calls_.start<void>("A", "increment()", [counter = counter_] { counter->increment(); });
  if (!held_inside(a)) return;
  auto& c = calls_.start<std::int64_t>("C", "value()",
                                       [counter = counter_] { return counter->value(); });
  const auto [seen, a_returned, c_returned] = watch_then_finish_in_turn(a, c);
  if (c_returned) workshop::record("C's value() returned " + std::to_string(c.result()));

  switch (seen) {
    case WhileHeld::Returned: {
      workshop::Hint hint(
          "Lock the same mutex in value(): reading value_ while another thread may be writing "
          "it is a data race, undefined behaviour (make race EX=sync/mutex/1 shows it). value() "
          "is const: declare the member `mutable std::mutex mutex_;` so that it may lock it.");
      ADD_FAILURE() << "value() returned " << c.result() << " while an increment() was between "
                    << "its read and its write: it did not wait for the mutex.";
      return;
    }
    case WhileHeld::GotInside: {
      workshop::Hint hint("value() only reads: it has no reason to call between_read_and_write().");
      ADD_FAILURE() << "value() called between_read_and_write() while A's increment() was held "
                       "inside it.";
      return;
    }
    case WhileHeld::Neither: {
      workshop::Hint hint(
          "A thread waiting for a std::mutex sleeps in the kernel, and this test looks for that. "
          "Do you wait by spinning? Use std::mutex.");
      ADD_FAILURE() << "While A's increment() was held inside, C's value() neither waited for a "
                       "lock (asleep in the kernel) nor returned, within 5 s.";
      return;
    }
    case WhileHeld::Blocked:
      break;
  }
  {
    workshop::Hint hint(
        "Is the mutex unlocked on every way out of increment() and value()? A std::lock_guard "
        "unlocks it when it goes out of scope.");
    ASSERT_TRUE(a_returned) << "A's increment() did not return once let out of the window";
    ASSERT_TRUE(c_returned) << "C's value() never returned after A's increment() had";
  }
  workshop::Hint hint("value() waited for A's increment, so it sees it: 1.");
  EXPECT_EQ(c.result(), 1);
}

// The slides' program: 1000 goroutines, each `x = x + 1` once, then wait for all.
TEST_F(CounterTest, AThousandGoroutinesIncrementingOnceCountToAThousand) {
  constexpr int kGoroutines = 1000;
  workshop::record("starting 1000 goroutines, each calling increment() once");
  const auto run = Goroutines::go(kGoroutines, Goroutines::Start::AsLaunched,
                                  [counter = counter_](int) { counter->increment(); });
  const bool all_returned = run->all_returned();
  {
    workshop::Hint hint(kUnlockOnEveryWayOut);
    ASSERT_TRUE(all_returned) << run->returned() << " of " << kGoroutines
                              << " increments returned within 5 s";
  }
  run->wait();  // every increment happened before this returns
  workshop::record("all 1000 returned; value() is " + std::to_string(counter_->value()) +
                   "; at most " + std::to_string(window_.most_inside_at_once()) +
                   " increment(s) were between read and write at once");

  workshop::Hint hint(kLockTheWholeIncrement);
  EXPECT_EQ(counter_->value(), kGoroutines) << "increments were lost";
  EXPECT_LE(window_.most_inside_at_once(), 1)
      << "increments were between their read and their write at the same time";
}

// More contention than the slides: goroutines released together by a latch, many increments each.
TEST_F(CounterTest, IncrementsFromGoroutinesStartedTogetherAreNeverLost) {
  constexpr int kGoroutines = 8;
  constexpr int kEach = 2000;
  workshop::record("starting 8 goroutines together, each calling increment() 2000 times");
  const auto run =
      Goroutines::go(kGoroutines, Goroutines::Start::Together, [counter = counter_](int) {
        for (int n = 0; n < kEach; ++n) counter->increment();
      });
  const bool all_returned = run->all_returned();
  {
    workshop::Hint hint(kUnlockOnEveryWayOut);
    ASSERT_TRUE(all_returned) << run->returned() << " of " << kGoroutines
                              << " goroutines finished within 5 s";
  }
  run->wait();
  workshop::record("all returned; value() is " + std::to_string(counter_->value()));

  workshop::Hint hint(kLockTheWholeIncrement);
  EXPECT_EQ(counter_->value(), kGoroutines * kEach) << "increments were lost";
  EXPECT_LE(window_.most_inside_at_once(), 1)
      << "increments were between their read and their write at the same time";
}

}  // namespace
