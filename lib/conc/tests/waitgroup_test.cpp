// Tests of <conc/waitgroup.hpp>: Go's sync.WaitGroup (rules W1, W2 of go-semantics.md).
//
// A goroutine that must block in wait() is started, and the test waits until it is parked
// (conc::testing::wait_blocked) before it changes the counter: no sleep decides an outcome.
#include "conc/waitgroup.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <latch>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/chan.hpp"
#include "conc/debug.hpp"
#include "conc/go.hpp"
#include "conc/testing.hpp"
#include "support.hpp"

namespace {

using conc_tests::blocked_in;
using conc_tests::kSafetyNet;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

class WaitGroupTest : public ::testing::Test {
 protected:
  // The leak check. It also keeps `wg` alive until every goroutine of the test has returned
  // (TearDown runs before the fixture is destroyed), so these tests do not depend on when a
  // WaitGroup may be destroyed: WaitGroupLifetime tests that on its own.
  void TearDown() override {
    EXPECT_TRUE(conc::testing::wait_goroutines(goroutines_before_, kSafetyNet))
        << "goroutines still running: " << conc::debug::describe_blocked();
  }

  // Starts a goroutine that calls wg.wait(), then sends on the returned channel (buffered, so
  // the goroutine never blocks there): an empty channel means wait() has not returned.
  conc::Chan<conc::Unit> start_waiter() {
    auto returned = conc::make_chan<conc::Unit>(1);
    conc::go([this, returned] {
      wg.wait();
      returned.send({});
    });
    return returned;
  }

  const std::size_t goroutines_before_ = conc::goroutines();
  conc::WaitGroup wg;
};

// --- W1: wait() returns when the counter is zero ---

// W1
TEST_F(WaitGroupTest, WaitReturnsAtOnceWhenTheCounterIsZero) {
  wg.wait();  // a new WaitGroup: the counter is zero (if it blocked, the watchdog reports it)

  wg.add(3);
  wg.add(-3);
  wg.wait();
}

// W1
TEST_F(WaitGroupTest, WaitBlocksUntilTheCounterReachesZero) {
  wg.add(2);  // before the waiter starts: a positive add must happen before wait (W2)
  const auto returned = start_waiter();
  EXPECT_TRUE(conc::testing::wait_blocked(1, kSafetyNet)) << "wait() returned with the counter at 2";

  wg.done();  // the counter is 1: the waiter stays blocked
  EXPECT_EQ(returned.len(), 0u) << "wait() returned with the counter at 1";
  EXPECT_EQ(blocked_in("WaitGroup::wait").size(), 1u) << conc::debug::describe_blocked();

  wg.done();  // zero: the waiter returns
  EXPECT_TRUE(returned.recv());
}

// W1
TEST_F(WaitGroupTest, ReachingZeroReleasesEveryWaiter) {
  constexpr std::size_t kWaiters = 4;
  wg.add(1);
  std::vector<conc::Chan<conc::Unit>> returned;
  for (std::size_t i = 0; i < kWaiters; ++i) returned.push_back(start_waiter());
  EXPECT_TRUE(conc::testing::wait_blocked(kWaiters, kSafetyNet)) << conc::debug::describe_blocked();

  wg.done();
  for (const auto& each : returned) EXPECT_TRUE(each.recv());
}

// --- W1: the counter never goes below zero ---

// W1
TEST_F(WaitGroupTest, AddBelowZeroThrowsAndLeavesTheCounterUnchanged) {
  wg.add(1);
  EXPECT_THAT([&] { wg.add(-2); },
              ThrowsMessage<std::logic_error>(HasSubstr("negative WaitGroup counter")));

  // Still 1, neither -1 nor 0: one done() is allowed, and it brings the counter to zero...
  EXPECT_NO_THROW(wg.done());
  wg.wait();
  // ... and a second one is not.
  EXPECT_THROW(wg.done(), std::logic_error);
}

// W1
TEST_F(WaitGroupTest, DoneWithoutAddThrows) {
  EXPECT_THAT([&] { wg.done(); },
              ThrowsMessage<std::logic_error>(HasSubstr("negative WaitGroup counter")));

  // The group is still usable.
  wg.add(1);
  wg.done();
  wg.wait();
}

// W1
// A failed add neither releases a waiter nor changes the counter it waits on.
TEST_F(WaitGroupTest, FailedAddDoesNotReleaseWaiters) {
  wg.add(1);
  const auto returned = start_waiter();
  EXPECT_TRUE(conc::testing::wait_blocked(1, kSafetyNet));

  EXPECT_THROW(wg.add(-2), std::logic_error);
  EXPECT_EQ(returned.len(), 0u) << "a failed add released the waiter";

  wg.done();
  EXPECT_TRUE(returned.recv());
}

// --- WaitGroup::go ---

// §4 WaitGroup::go: go(f) adds 1 before it returns, and calls done() only after f returned.
TEST_F(WaitGroupTest, GoAddsOneAndCallsDoneAfterTheFunctionReturns) {
  auto release = std::make_shared<std::latch>(1);
  auto result = std::make_shared<int>(0);  // written by f, read after wait(): not atomic
  wg.go([release, result] {
    release->wait();
    *result = 42;
  });

  const auto returned = start_waiter();
  // The waiter blocks only if go() had already added 1; it cannot return while f waits.
  EXPECT_TRUE(conc::testing::wait_blocked(1, kSafetyNet)) << "wait() returned: go() did not add";
  EXPECT_EQ(returned.len(), 0u) << "wait() returned before f did";

  release->count_down();
  EXPECT_TRUE(returned.recv());
  EXPECT_EQ(*result, 42);
}

// --- W2: reuse ---

// W2
// Once every wait() of a round has returned, the group starts a new round: wait() blocks
// again until the new work is done.
TEST_F(WaitGroupTest, CanBeReusedOnceWaitReturned) {
  for (int round = 1; round <= 3; ++round) {
    SCOPED_TRACE(::testing::Message() << "round " << round);
    wg.add(1);
    const auto returned = start_waiter();
    EXPECT_TRUE(conc::testing::wait_blocked(1, kSafetyNet)) << "wait() did not block";
    EXPECT_EQ(returned.len(), 0u);

    wg.done();
    EXPECT_TRUE(returned.recv());
  }
}

// --- Memory ordering ---

// W1, and the header's memory ordering (Go's memory model: Done synchronises with the Wait it
// unblocks).
// Everything a goroutine wrote before its done() is visible after wait() returns. The slots are
// plain ints: without that happens-before, ThreadSanitizer reports a data race on the reads.
TEST_F(WaitGroupTest, WritesBeforeDoneAreVisibleAfterWait) {
  constexpr int kGoroutines = 1000;
  std::vector<int> slots(kGoroutines, -1);
  for (int i = 0; i < kGoroutines; ++i) {
    wg.add(1);
    conc::go([this, &slots, i] {
      slots[static_cast<std::size_t>(i)] = i * 2;  // each goroutine writes only its own slot
      wg.done();
    });
  }
  wg.wait();

  for (int i = 0; i < kGoroutines; ++i) {
    ASSERT_EQ(slots[static_cast<std::size_t>(i)], i * 2) << "slot " << i;
  }
}

// --- conc::debug ---

// §4 debug
// A thread blocked in wait() says so in the debug report.
TEST_F(WaitGroupTest, BlockedWaiterIsDescribedAsWaitGroupWait) {
  wg.add(1);
  const auto returned = start_waiter();
  EXPECT_TRUE(conc::testing::wait_blocked(1, kSafetyNet));

  EXPECT_EQ(blocked_in("WaitGroup::wait").size(), 1u);
  EXPECT_THAT(conc::debug::describe_blocked(), HasSubstr("WaitGroup::wait"));

  wg.done();
  EXPECT_TRUE(returned.recv());
}

// --- Lifetime ---

// W1, lifetime (regression: done() used to lock the group's mutex after the counter reached
// zero, when a waiter could already have returned and destroyed the group).
// A WaitGroup may be destroyed as soon as wait() has returned, although the goroutine that
// called the last done() may still be returning from it: that is how every function that waits
// for its goroutines ends ({ WaitGroup wg; ... wg.wait(); }). So done() must not touch the
// WaitGroup once it let wait() return. Each round calls wait() just after f returned, while
// done() is likely still running; the flag is relaxed on purpose, to add no synchronisation
// that could hide a missing one. ThreadSanitizer reports a done() that touches the group after
// wait() let it be deleted (a data race with operator delete).
TEST(WaitGroupLifetime, MayBeDestroyedAsSoonAsWaitReturns) {
  const std::size_t before = conc::goroutines();
  for (int round = 0; round < 1000; ++round) {
    auto wg = std::make_unique<conc::WaitGroup>();
    auto f_returned = std::make_shared<std::atomic<bool>>(false);
    wg->go([f_returned] { f_returned->store(true, std::memory_order_relaxed); });
    while (!f_returned->load(std::memory_order_relaxed)) std::this_thread::yield();
    wg->wait();
    wg.reset();
  }
  EXPECT_TRUE(conc::testing::wait_goroutines(before, kSafetyNet));
}

// --- Panics ---

// §4 WaitGroup::go
// As with conc::go, an exception escaping a function given to WaitGroup::go ends the program.
TEST(WaitGroupDeathTest, ExceptionEscapingGoTerminates) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        conc::WaitGroup wg;
        wg.go([] { throw std::runtime_error("lost the datacenter"); });
        wg.wait();  // never returns: the panic ends the process first
      },
      "panic: lost the datacenter(.|\n)*escaped the goroutine");
}

}  // namespace
