// Tests of conc::WeightedSemaphore (<conc/semaphore.hpp>): golang.org/x/sync/semaphore's rules
// M1–M8 of shared/notes/go-semantics.md, and the design's choices (design.md §4): acquire(n) with
// n > capacity fails at once with an error naming both, and acquire(ctx, 0) succeeds at once.
//
// How these tests order events without sleeping: a thread whose acquire() must block is
// started, and conc::testing::wait_blocked(n, ...) waits until n threads are parked in a conc
// operation (a blocked acquire() waits in a select). Only then does the test release, cancel or
// advance the FakeClock, and check what follows. Waiters are started one at a time, each after
// the previous one is parked, so the queue order is known. The time-outs are a safety net for a
// broken library: a passing test never waits for them.
//
// The semaphore's accounting is checked from the outside with try_acquire(): when nobody waits
// and k tokens are free, try_acquire(k) succeeds and try_acquire(k + 1) fails.

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/error.hpp"
#include "conc/semaphore.hpp"
#include "conc/testing.hpp"
#include "conc/waitgroup.hpp"

namespace {

using conc::Error;
using conc::WeightedSemaphore;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// Only a safety net: a test that passes never waits this long.
constexpr auto kSafety = std::chrono::seconds(10);

// True once at least n threads are parked in a conc operation (false after kSafety).
bool parked(std::size_t n) { return conc::testing::wait_blocked(n, kSafety); }

// True when exactly `free` tokens are free (call it when nobody waits): takes them and gives them
// back, and checks that one more is not available.
bool has_exactly_free(WeightedSemaphore& sem, std::int64_t free) {
  if (!sem.try_acquire(free)) return false;
  const bool one_more = sem.try_acquire(1);
  sem.release(one_more ? free + 1 : free);
  return !one_more;
}

// A context for acquires expected to succeed: if a broken library left them waiting, its real-time
// deadline (kSafety) makes acquire() return DeadlineExceeded, which fails the test instead of
// hanging it. A passing test never reaches the deadline.
conc::Context safety_context() { return conc::with_timeout(conc::background(), kSafety).first; }

// ---------------------------------------------------------------------------------------------
// M1, M2: a capacity, acquired and released by weight; a blocked acquire() waits for a release().

// M1
TEST(WeightedSemaphore, AcquireWithinCapacityDoesNotBlock) {
  WeightedSemaphore sem(10);
  EXPECT_FALSE(sem.acquire(conc::background(), 3));
  EXPECT_FALSE(sem.acquire(conc::background(), 7));
  EXPECT_FALSE(sem.try_acquire(1)) << "all 10 tokens are taken";
  sem.release(10);
  EXPECT_TRUE(has_exactly_free(sem, 10));
}

// M1: misuse is refused with std::logic_error.
TEST(WeightedSemaphore, NegativeCapacityOrWeightThrows) {
  EXPECT_THROW(WeightedSemaphore(-1), std::logic_error);
  WeightedSemaphore sem(3);
  EXPECT_THROW((void)sem.acquire(conc::background(), -1), std::logic_error);
  EXPECT_THROW((void)sem.try_acquire(-1), std::logic_error);
  EXPECT_THROW(sem.release(-1), std::logic_error);
  EXPECT_TRUE(has_exactly_free(sem, 3)) << "a refused call changes nothing";
}

// M2: acquire() blocks until a release() makes room, and the release happens before the acquire
// returns (the plain int written before release() is visible to the waiter, checked by TSan).
TEST(WeightedSemaphore, AcquireBlocksUntilReleaseMakesRoom) {
  WeightedSemaphore sem(2);
  ASSERT_FALSE(sem.acquire(conc::background(), 2));
  int handed_over = 0;
  std::atomic<bool> acquired{false};
  std::jthread waiter([&] {
    EXPECT_FALSE(sem.acquire(conc::background(), 1));
    acquired = true;
    EXPECT_EQ(handed_over, 42);
  });
  EXPECT_TRUE(parked(1)) << "no token is free: acquire() blocks";
  EXPECT_FALSE(acquired);

  handed_over = 42;
  sem.release(1);
  waiter.join();
  EXPECT_TRUE(acquired);
  EXPECT_FALSE(sem.try_acquire(1)) << "the waiter holds the released token";
  sem.release(2);
  EXPECT_TRUE(has_exactly_free(sem, 2));
}

// M2: a blocked acquire() whose context is cancelled returns Canceled and holds nothing.
TEST(WeightedSemaphore, CancelWhileBlockedReturnsCanceledAndHoldsNothing) {
  WeightedSemaphore sem(1);
  ASSERT_FALSE(sem.acquire(conc::background(), 1));
  auto [ctx, cancel] = conc::with_cancel(conc::background());
  Error result;
  std::jthread waiter([&, ctx = ctx] { result = sem.acquire(ctx, 1); });
  EXPECT_TRUE(parked(1));

  cancel();
  waiter.join();
  EXPECT_EQ(result, conc::Canceled) << "got: " << result.message();
  sem.release(1);
  EXPECT_TRUE(has_exactly_free(sem, 1)) << "the cancelled waiter must hold nothing";
}

// M2: a deadline passing while blocked gives DeadlineExceeded (virtual time: FakeClock).
TEST(WeightedSemaphore, DeadlineWhileBlockedReturnsDeadlineExceeded) {
  conc::testing::FakeClock clock;
  WeightedSemaphore sem(4);
  ASSERT_FALSE(sem.acquire(conc::background(), 3));
  auto [ctx, cancel] = conc::with_timeout(conc::background(), 100ms);
  Error result;
  std::atomic<bool> returned{false};
  std::jthread waiter([&, ctx = ctx] {
    result = sem.acquire(ctx, 2);
    returned = true;
  });
  EXPECT_TRUE(parked(1));

  clock.advance(99ms);
  EXPECT_TRUE(parked(1)) << "1 ms before the deadline, the waiter still waits";
  EXPECT_FALSE(returned);
  clock.advance(1ms);
  waiter.join();
  EXPECT_EQ(result, conc::DeadlineExceeded) << "got: " << result.message();
  sem.release(3);
  EXPECT_TRUE(has_exactly_free(sem, 4)) << "the timed-out waiter must hold nothing";
  cancel();
}

// ---------------------------------------------------------------------------------------------
// M3: a done context wins, even when the tokens are free.

// M3
TEST(WeightedSemaphore, CancelledContextWinsEvenWhenTokensAreFree) {
  WeightedSemaphore sem(5);
  auto [ctx, cancel] = conc::with_cancel(conc::background());
  cancel();
  EXPECT_EQ(sem.acquire(ctx, 1), conc::Canceled);
  EXPECT_EQ(sem.acquire(ctx, 5), conc::Canceled);
  EXPECT_TRUE(has_exactly_free(sem, 5)) << "a failed acquire takes nothing";
}

// M3: the same with a deadline that has passed (a deadline equal to now() has passed).
TEST(WeightedSemaphore, ExpiredDeadlineWinsEvenWhenTokensAreFree) {
  conc::testing::FakeClock clock;
  WeightedSemaphore sem(5);
  auto [ctx, cancel] = conc::with_deadline(conc::background(), clock.now());
  EXPECT_EQ(sem.acquire(ctx, 2), conc::DeadlineExceeded);
  EXPECT_TRUE(has_exactly_free(sem, 5));
  cancel();
}

// ---------------------------------------------------------------------------------------------
// M4: strict FIFO. Waiters are served in arrival order; a large waiter at the head blocks
// smaller ones behind it even when they would fit.

// M4: each release() of one token lets exactly the oldest waiter through.
TEST(WeightedSemaphore, WaitersAreServedInArrivalOrder) {
  constexpr int kWaiters = 4;
  WeightedSemaphore sem(1);
  ASSERT_FALSE(sem.acquire(conc::background(), 1));
  auto served = conc::make_chan<int>(kWaiters);
  std::vector<std::jthread> waiters;
  for (int i = 0; i < kWaiters; ++i) {
    waiters.emplace_back([&sem, served, i] {
      EXPECT_FALSE(sem.acquire(conc::background(), 1));
      served.send(i);
    });
    ASSERT_TRUE(parked(static_cast<std::size_t>(i) + 1)) << "waiter " << i << " queues";
  }

  for (int i = 0; i < kWaiters; ++i) {
    sem.release(1);  // the token goes to the head of the queue, who then holds it
    EXPECT_EQ(served.recv(), i) << "waiters must be served in the order they arrived";
  }
  for (auto& w : waiters) w.join();
  sem.release(1);  // the last waiter's token
  EXPECT_TRUE(has_exactly_free(sem, 1));
}

// M4: the large waiter at the head is not overtaken by a small one, though 1 token is free.
// (If the small one barged, it would never park, and wait_blocked(2) would fail.)
TEST(WeightedSemaphore, LargeWaiterAtTheHeadBlocksLaterSmallOnes) {
  WeightedSemaphore sem(10);
  ASSERT_FALSE(sem.acquire(conc::background(), 9));  // 1 token free
  std::atomic<bool> large_done{false};
  std::atomic<bool> small_done{false};
  std::jthread large([&] {
    EXPECT_FALSE(sem.acquire(safety_context(), 5));
    large_done = true;
  });
  ASSERT_TRUE(parked(1)) << "the large waiter (5) does not fit in 1 free token";
  std::jthread small([&] {
    EXPECT_FALSE(sem.acquire(safety_context(), 1));
    small_done = true;
  });
  EXPECT_TRUE(parked(2)) << "the small waiter (1) must queue behind the large one, though it fits";
  EXPECT_FALSE(small_done);

  sem.release(4);  // 5 free: exactly the large waiter's weight
  large.join();
  EXPECT_TRUE(large_done);
  EXPECT_FALSE(sem.try_acquire(1)) << "no token is free, and the small waiter still waits";
  EXPECT_TRUE(parked(1));
  EXPECT_FALSE(small_done);

  sem.release(1);
  small.join();
  EXPECT_TRUE(small_done);
  sem.release(10);  // ours 9 - 4 - 1 = 4, the large waiter's 5, the small waiter's 1
  EXPECT_TRUE(has_exactly_free(sem, 10));
}

// M4: a release() serves the queue from its head and stops at the first waiter that does not
// fit: a small waiter behind it is not served, even though the released token would fit it.
// (If it were, the large waiter would still lack a token after the second release, and would
// fail at its safety deadline.)
TEST(WeightedSemaphore, ReleaseServesTheQueueOnlyFromItsHead) {
  WeightedSemaphore sem(10);
  ASSERT_FALSE(sem.acquire(conc::background(), 10));
  Error large_result = Error("not returned");
  std::jthread large([&] { large_result = sem.acquire(safety_context(), 5); });
  EXPECT_TRUE(parked(1));
  std::atomic<bool> small_done{false};
  std::jthread small([&] {
    EXPECT_FALSE(sem.acquire(safety_context(), 1));
    small_done = true;
  });
  EXPECT_TRUE(parked(2));

  sem.release(1);  // 1 free: the head (5) does not fit, so nobody is served
  sem.release(4);  // 5 free: the head is served, and nothing is left for the small waiter
  large.join();
  EXPECT_FALSE(large_result) << "got: " << large_result.message();
  EXPECT_FALSE(sem.try_acquire(1)) << "no token is free";
  EXPECT_FALSE(small_done);

  sem.release(1);
  small.join();
  EXPECT_TRUE(small_done);
  sem.release(10);  // ours 10 - 1 - 4 - 1 = 4, the large waiter's 5, the small waiter's 1
  EXPECT_TRUE(has_exactly_free(sem, 10));
}

// M4, M6: when the waiter at the head gives up (its context is cancelled), the ones behind it
// that fit are served at once, without waiting for a release().
TEST(WeightedSemaphore, CancelledHeadWaiterWakesTheOnesBehindIt) {
  WeightedSemaphore sem(10);
  ASSERT_FALSE(sem.acquire(conc::background(), 6));  // 4 free
  auto [large_ctx, cancel_large] = conc::with_cancel(conc::background());
  Error large_result;
  std::jthread large([&, ctx = large_ctx] { large_result = sem.acquire(ctx, 5); });
  ASSERT_TRUE(parked(1));
  std::jthread small1([&] { EXPECT_FALSE(sem.acquire(safety_context(), 2)); });
  ASSERT_TRUE(parked(2));
  std::jthread small2([&] { EXPECT_FALSE(sem.acquire(safety_context(), 2)); });
  ASSERT_TRUE(parked(3)) << "both small waiters queue behind the large one";

  cancel_large();
  large.join();
  small1.join();  // served without any release(): the head left, and 4 tokens were free
  small2.join();
  EXPECT_EQ(large_result, conc::Canceled);
  EXPECT_FALSE(sem.try_acquire(1)) << "6 (ours) + 2 + 2 tokens are held";
  sem.release(10);
  EXPECT_TRUE(has_exactly_free(sem, 10));
}

// M4, M6: a waiter in the middle of the queue that gives up does not disturb the others' order.
TEST(WeightedSemaphore, CancelledWaiterInTheMiddleLeavesTheQueueInOrder) {
  WeightedSemaphore sem(1);
  ASSERT_FALSE(sem.acquire(conc::background(), 1));
  auto served = conc::make_chan<int>(2);
  auto [middle_ctx, cancel_middle] = conc::with_cancel(conc::background());
  std::jthread first([&sem, served] {
    EXPECT_FALSE(sem.acquire(safety_context(), 1));
    served.send(1);
  });
  ASSERT_TRUE(parked(1));
  Error middle_result;
  std::jthread middle([&, ctx = middle_ctx] { middle_result = sem.acquire(ctx, 1); });
  ASSERT_TRUE(parked(2));
  std::jthread last([&sem, served] {
    EXPECT_FALSE(sem.acquire(safety_context(), 1));
    served.send(3);
  });
  ASSERT_TRUE(parked(3));

  cancel_middle();
  middle.join();
  EXPECT_EQ(middle_result, conc::Canceled);
  EXPECT_TRUE(parked(2)) << "the others still wait: no token is free";

  sem.release(1);
  EXPECT_EQ(served.recv(), 1);
  sem.release(1);
  EXPECT_EQ(served.recv(), 3);
  first.join();
  last.join();
  sem.release(1);
  EXPECT_TRUE(has_exactly_free(sem, 1));
}

// ---------------------------------------------------------------------------------------------
// M5 (design): n > capacity fails at once with an error naming n and the capacity; n == 0
// succeeds at once.

// M5
TEST(WeightedSemaphore, AcquireMoreThanCapacityFailsAtOnceNamingBoth) {
  WeightedSemaphore sem(1000);
  // With a blocking implementation this would wait for the safety deadline and fail the checks.
  const Error err = sem.acquire(safety_context(), 1234);
  ASSERT_TRUE(err) << "acquire(1234) on a capacity of 1000 can never succeed";
  EXPECT_NE(err, conc::DeadlineExceeded) << "acquire() waited instead of failing at once";
  EXPECT_THAT(err.message(), HasSubstr("1234"));
  EXPECT_THAT(err.message(), HasSubstr("1000"));
  EXPECT_TRUE(has_exactly_free(sem, 1000)) << "the failed acquire takes nothing";
}

// M5: the oversized request does not join the queue, so it never holds others back.
TEST(WeightedSemaphore, OversizedRequestDoesNotBlockOthers) {
  WeightedSemaphore sem(3);
  ASSERT_FALSE(sem.acquire(conc::background(), 2));
  EXPECT_TRUE(sem.acquire(safety_context(), 4));
  EXPECT_TRUE(sem.try_acquire(1)) << "no waiter is queued: the free token is available";
  sem.release(3);
  EXPECT_TRUE(has_exactly_free(sem, 3));
}

// Design: acquire(ctx, 0) succeeds at once, even with no token free and a waiter queued.
TEST(WeightedSemaphore, AcquireZeroSucceedsAtOnce) {
  WeightedSemaphore sem(2);
  ASSERT_FALSE(sem.acquire(conc::background(), 2));
  EXPECT_FALSE(sem.acquire(conc::background(), 0)) << "no token free";

  auto [ctx, cancel] = conc::with_cancel(conc::background());
  std::jthread waiter([&, ctx = ctx] { EXPECT_EQ(sem.acquire(ctx, 1), conc::Canceled); });
  ASSERT_TRUE(parked(1));
  EXPECT_FALSE(sem.acquire(safety_context(), 0)) << "a waiter is queued";
  cancel();
  waiter.join();
  sem.release(2);
  EXPECT_TRUE(has_exactly_free(sem, 2)) << "acquiring 0 tokens holds nothing";
}

// ---------------------------------------------------------------------------------------------
// M7: try_acquire() never blocks, and fails while anyone waits, even when the tokens are free.

// M7
TEST(WeightedSemaphore, TryAcquireTakesFreeTokensOnly) {
  WeightedSemaphore sem(3);
  EXPECT_TRUE(sem.try_acquire(2));
  EXPECT_FALSE(sem.try_acquire(2)) << "only 1 token is free";
  EXPECT_TRUE(sem.try_acquire(1));
  EXPECT_FALSE(sem.try_acquire(1));
  sem.release(3);
  EXPECT_TRUE(has_exactly_free(sem, 3));
}

// M7
TEST(WeightedSemaphore, TryAcquireFailsWhileAnyoneWaitsEvenIfTokensAreFree) {
  WeightedSemaphore sem(10);
  ASSERT_FALSE(sem.acquire(conc::background(), 8));  // 2 free
  auto [ctx, cancel] = conc::with_cancel(conc::background());
  std::jthread waiter([&, ctx = ctx] { EXPECT_EQ(sem.acquire(ctx, 5), conc::Canceled); });
  ASSERT_TRUE(parked(1));

  EXPECT_FALSE(sem.try_acquire(1)) << "2 tokens are free, but a waiter is queued";
  cancel();
  waiter.join();
  EXPECT_TRUE(sem.try_acquire(1)) << "the queue is empty again";
  sem.release(9);
  EXPECT_TRUE(has_exactly_free(sem, 10));
}

// ---------------------------------------------------------------------------------------------
// M8: releasing more than is held is a misuse: std::logic_error, and nothing is released.

// M8
TEST(WeightedSemaphore, ReleaseMoreThanHeldThrowsAndChangesNothing) {
  WeightedSemaphore sem(5);
  try {
    sem.release(1);
    ADD_FAILURE() << "release() of a token nobody holds did not throw";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("semaphore: released more than held"));
  }

  ASSERT_FALSE(sem.acquire(conc::background(), 2));
  EXPECT_THROW(sem.release(3), std::logic_error);
  EXPECT_FALSE(sem.try_acquire(4)) << "the 2 tokens are still held";
  sem.release(2);
  EXPECT_TRUE(has_exactly_free(sem, 5));
}

// ---------------------------------------------------------------------------------------------
// M6 and accounting under contention: whatever the interleaving, no token is lost or counted
// twice.

// M6: cancel() races release() for a queued waiter (the racer, weight 3 of 5), many times. Either
// the racer gets its tokens (and releases them) or it fails with Canceled holding nothing. The
// test keeps 1 token throughout; the waiter behind the racer (weight 2, never cancelled) fits
// only once the racer's tokens come back, so it is stranded if a racer that was granted and then
// cancelled keeps them or gives them back without serving the queue. Afterwards exactly the
// capacity is free: not a token lost, not one counted twice.
//
// Rounds rotate through three schedules, to reach each path of acquire(): cancel just before the
// release (the racer, woken by the cancel, finds it was granted meanwhile), release just before
// the cancel (granted, then finds its context done), and both at once from two threads.
TEST(WeightedSemaphore, CancellationRacingAGrantNeverLosesOrDoublesTokens) {
  constexpr std::int64_t kCapacity = 5;
  constexpr int kRounds = 300;
  int granted = 0;
  for (int round = 0; round < kRounds; ++round) {
    WeightedSemaphore sem(kCapacity);
    ASSERT_FALSE(sem.acquire(conc::background(), kCapacity));
    auto [ctx, cancel] = conc::with_cancel(conc::background());

    Error racer_result;
    std::jthread racer([&, ctx = ctx] {
      racer_result = sem.acquire(ctx, 3);
      if (!racer_result) sem.release(3);
    });
    EXPECT_TRUE(parked(1)) << "round " << round;
    std::jthread behind([&] {
      const Error err = sem.acquire(safety_context(), 2);
      EXPECT_FALSE(err) << "round " << round << ": the waiter behind was stranded";
      if (!err) sem.release(2);
    });
    EXPECT_TRUE(parked(2)) << "round " << round;

    switch (round % 3) {
      case 0:
        cancel();
        sem.release(kCapacity - 1);
        break;
      case 1:
        sem.release(kCapacity - 1);
        cancel();
        break;
      default: {
        std::barrier start(2);
        std::jthread canceller([&start, cancel = cancel] {
          start.arrive_and_wait();
          cancel();
        });
        start.arrive_and_wait();
        sem.release(kCapacity - 1);
        break;
      }
    }
    racer.join();
    behind.join();

    if (racer_result) {
      EXPECT_EQ(racer_result, conc::Canceled) << "round " << round;
    } else {
      ++granted;
    }
    EXPECT_NO_THROW(sem.release(1)) << "round " << round << ": our last token was not held";
    if (sem.try_acquire(kCapacity)) {
      EXPECT_FALSE(sem.try_acquire(1)) << "round " << round << ": a token was counted twice";
      sem.release(kCapacity);
    } else {
      ADD_FAILURE() << "round " << round << ": a token was lost";
    }
    if (::testing::Test::HasFailure()) return;
  }
  // Which side wins each round is up to the scheduler; both outcomes must simply be correct.
  RecordProperty("racer_granted", granted);  // in the XML report, for the curious
}

// M1, M4, M6 under stress: many goroutines acquire random weights (some with contexts that a
// canceller cancels at random moments). The weight held at once, tracked outside the semaphore,
// never exceeds the capacity, and at the end every token is free again.
TEST(WeightedSemaphore, HeldWeightNeverExceedsCapacityUnderStress) {
  constexpr std::int64_t kCapacity = 10;
  constexpr int kWorkers = 16;
  constexpr int kIterations = 200;
  WeightedSemaphore sem(kCapacity);
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<std::int64_t> max_in_flight{0};
  std::atomic<int> successes{0};

  conc::WaitGroup workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.go([&, w] {
      std::mt19937 rng(static_cast<unsigned>(w) + 1);
      std::uniform_int_distribution<std::int64_t> weight(1, kCapacity);
      for (int i = 0; i < kIterations; ++i) {
        const std::int64_t n = weight(rng);
        bool ok = false;
        if (i % 3 == 0) {
          ok = sem.try_acquire(n);
        } else if (i % 3 == 1) {
          const Error err = sem.acquire(safety_context(), n);
          EXPECT_FALSE(err) << "a waiter was never served: " << err.message();
          ok = !err;
        } else {
          // A context that another thread cancels at a random moment, perhaps mid-wait.
          auto [ctx, cancel] = conc::with_cancel(conc::background());
          std::jthread canceller([cancel = cancel] {
            std::this_thread::yield();
            cancel();
          });
          const Error err = sem.acquire(ctx, n);
          EXPECT_TRUE(!err || err == conc::Canceled) << err.message();
          ok = !err;
        }
        if (!ok) continue;
        const std::int64_t now_held = in_flight.fetch_add(n) + n;
        std::int64_t seen = max_in_flight.load();
        while (now_held > seen && !max_in_flight.compare_exchange_weak(seen, now_held)) {
        }
        std::this_thread::yield();
        in_flight.fetch_sub(n);
        sem.release(n);
        ++successes;
      }
    });
  }
  workers.wait();

  EXPECT_LE(max_in_flight.load(), kCapacity);
  EXPECT_GT(successes.load(), 0);
  EXPECT_TRUE(sem.try_acquire(kCapacity)) << "every worker released: all tokens must be free";
  EXPECT_FALSE(sem.try_acquire(1)) << "and no more than the capacity";
  sem.release(kCapacity);
}

}  // namespace
