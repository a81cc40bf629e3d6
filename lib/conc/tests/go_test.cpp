// Tests of <conc/go.hpp> (conc::go, conc::goroutines), of the leak check
// conc::testing::wait_goroutines, and of <conc/debug.hpp> (what a blocked goroutine reports).
// The rules are the contract of design.md section 4 (tagged "// §4 go", "// §4 debug"): Go's
// specification numbers none for goroutines.
//
// Events are ordered with latches and channels, never with sleeps. Every object a goroutine
// touches is captured by value (a channel handle, a shared_ptr), as the header asks, so no
// goroutine outlives what it uses even when an assertion fails half-way.
#include "conc/go.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/chan.hpp"
#include "conc/debug.hpp"
#include "conc/testing.hpp"
#include "support.hpp"

namespace {

using conc_tests::blocked_in;
using conc_tests::kSafetyNet;
using namespace std::chrono_literals;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

// Counts the copies made of it, to tell an argument that was copied from one that was moved.
struct CopyCounter {
  std::shared_ptr<std::atomic<int>> copies = std::make_shared<std::atomic<int>>(0);

  CopyCounter() = default;
  CopyCounter(const CopyCounter& other) : copies(other.copies) { ++*copies; }
  CopyCounter(CopyCounter&&) noexcept = default;
  CopyCounter& operator=(const CopyCounter&) = delete;
  CopyCounter& operator=(CopyCounter&&) = delete;
  ~CopyCounter() = default;
};

// --- go(): concurrency ---

// go() starts the goroutine and returns at once. The goroutine here cannot finish before the
// test releases it, and the test releases it only after go() returned: if go() waited for the
// goroutine, go() would never return (the safety net turns that into a failure).
// §4 go
TEST(Go, ReturnsWithoutWaitingForTheGoroutine) {
  auto release = std::make_shared<std::latch>(1);
  auto finished_on = conc::make_chan<std::thread::id>(1);

  std::promise<void> go_returned;
  auto go_returned_future = go_returned.get_future();
  std::jthread starter([&] {
    conc::go([release, finished_on] {
      release->wait();
      finished_on.send(std::this_thread::get_id());
    });
    go_returned.set_value();
  });

  EXPECT_EQ(go_returned_future.wait_for(kSafetyNet), std::future_status::ready)
      << "go() did not return while its goroutine was blocked: it waits for the goroutine";
  EXPECT_EQ(finished_on.len(), 0u) << "the goroutine finished before it was released";

  release->count_down();
  const std::optional<std::thread::id> goroutine_thread = finished_on.recv();
  ASSERT_TRUE(goroutine_thread.has_value());
  EXPECT_NE(*goroutine_thread, starter.get_id()) << "the function ran on the caller's thread";
  EXPECT_NE(*goroutine_thread, std::this_thread::get_id());
}

// Goroutines run at the same time: each of these waits until all of them have started, which
// only happens if none waits for another to finish (if go() ran them one after the other, this
// test would hang and the watchdog would report it).
// §4 go
TEST(Go, GoroutinesRunConcurrently) {
  constexpr int kGoroutines = 4;
  auto all_started = std::make_shared<std::latch>(kGoroutines);
  auto finished = conc::make_chan<int>(kGoroutines);

  for (int i = 0; i < kGoroutines; ++i) {
    conc::go([all_started, finished](int id) {
      all_started->arrive_and_wait();
      finished.send(id);
    }, i);
  }

  std::vector<int> ids;
  for (int i = 0; i < kGoroutines; ++i) ids.push_back(finished.recv().value_or(-1));
  EXPECT_THAT(ids, ::testing::UnorderedElementsAre(0, 1, 2, 3));
}

// A goroutine's pooled thread is used again for the next goroutine: many goroutines started
// one after the other all run, each with its own argument.
// §4 go (pooled threads)
TEST(Go, ManyGoroutinesStartedInSequenceAllRun) {
  constexpr int kGoroutines = 10'000;
  auto results = conc::make_chan<int>();
  for (int i = 0; i < kGoroutines; ++i) {
    conc::go([results](int n) { results.send(n); }, i);
    ASSERT_EQ(results.recv().value_or(-1), i);
  }
}

// --- go(): arguments (decay-copied, like std::thread) ---

void send_sum(conc::SendChan<int> out, int a, int b) { out.send(a + b); }

// go(f, args...) calls f(args...), like Go's `go f(a, b)`.
// §4 go
TEST(Go, CallsAFunctionWithItsArguments) {
  auto results = conc::make_chan<int>();
  conc::go(send_sum, results, 2, 3);
  EXPECT_EQ(results.recv(), 5);
}

// A move-only argument is moved into the goroutine.
// §4 go (decay-copied arguments)
TEST(Go, MoveOnlyArgumentIsMovedIntoTheGoroutine) {
  auto results = conc::make_chan<int>();
  auto value = std::make_unique<int>(42);
  conc::go([results](const std::unique_ptr<int>& p) { results.send(*p); }, std::move(value));
  EXPECT_EQ(value, nullptr) << "the goroutine owns the argument now";
  EXPECT_EQ(results.recv(), 42);
}

// Like std::thread, go() hands its stored arguments to f as rvalues: an argument given as an
// rvalue reaches a by-value parameter by moves only, never by a copy. (It is also what lets f
// take a move-only type such as std::unique_ptr by value.)
// §4 go (decay-copied arguments)
TEST(Go, RvalueArgumentReachesAByValueParameterWithoutACopy) {
  CopyCounter counter;
  const auto copies = counter.copies;
  auto done = conc::make_chan<conc::Unit>();
  conc::go([done](CopyCounter) { done.send({}); }, std::move(counter));
  ASSERT_TRUE(done.recv());
  EXPECT_EQ(copies->load(), 0) << "go() copied an argument it could have moved";
}

// An lvalue argument is copied when go() is called: changing the caller's variable afterwards
// does not change what the goroutine sees (the goroutine reads it only after the change).
// §4 go (decay-copied arguments)
TEST(Go, StringArgumentIsCopiedWhenGoIsCalled) {
  auto release = std::make_shared<std::latch>(1);
  auto seen = conc::make_chan<std::string>();
  std::string datacenter = "SBG";

  conc::go([release, seen](const std::string& name) {
    release->wait();
    seen.send(name);
  }, datacenter);
  datacenter = "BHS";
  release->count_down();

  EXPECT_EQ(seen.recv(), "SBG");
}

// --- goroutines() and wait_goroutines() ---

// goroutines() counts every goroutine whose function has not returned; once they return, the
// leak check sees the count go back down.
// §4 goroutines, wait_goroutines
TEST(Go, GoroutinesCountsRunningGoroutines) {
  constexpr std::size_t kGoroutines = 8;
  const std::size_t before = conc::goroutines();  // goroutines of earlier tests may still be returning
  auto all_started = std::make_shared<std::latch>(kGoroutines);
  auto release = std::make_shared<std::latch>(1);

  for (std::size_t i = 0; i < kGoroutines; ++i) {
    conc::go([all_started, release] {
      all_started->count_down();
      release->wait();
    });
  }
  all_started->wait();

  EXPECT_GE(conc::goroutines(), kGoroutines);
  release->count_down();
  EXPECT_TRUE(conc::testing::wait_goroutines(before, kSafetyNet))
      << conc::goroutines() << " goroutines still running, " << before << " before the test";
}

// wait_goroutines() gives up and returns false while more goroutines than allowed still run.
// (The short time-out bounds the check; it orders nothing: the goroutine cannot return before
// the test releases it.)
// §4 wait_goroutines
TEST(Go, WaitGoroutinesReturnsFalseWhileAGoroutineIsBlocked) {
  const std::size_t before = conc::goroutines();
  auto started = std::make_shared<std::latch>(1);
  auto release = std::make_shared<std::latch>(1);
  conc::go([started, release] {
    started->count_down();
    release->wait();
  });
  started->wait();

  // At least this goroutine runs, whatever earlier tests left: "at most 0" cannot hold.
  EXPECT_FALSE(conc::testing::wait_goroutines(0, 50ms));

  release->count_down();
  EXPECT_TRUE(conc::testing::wait_goroutines(before, kSafetyNet));
}

// --- panics: an exception escaping a goroutine ends the program ---
//
// Death tests run the statement in a child process (re-executed: "threadsafe" style, as the
// process has threads) and match the child's stderr. The regular expressions are POSIX ERE.

// §4 go (an escaping exception is an unrecovered panic)
TEST(GoDeathTest, ExceptionEscapingAGoroutinePrintsWhatAndTerminates) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        conc::go([] { throw std::runtime_error("boom"); });
        std::latch never(1);
        never.wait();  // the goroutine's panic ends the process first
      },
      "panic: boom(.|\n)*escaped the goroutine");
}

// §4 go (an escaping exception is an unrecovered panic)
TEST(GoDeathTest, NonStdExceptionEscapingAGoroutineTerminates) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        conc::go([] { throw 42; });
        std::latch never(1);
        never.wait();
      },
      "panic: \\(an exception not derived from std::exception\\)(.|\n)*escaped the goroutine");
}

// --- conc::debug: what blocked threads report ---

// A goroutine blocked in a channel receive is listed under its goroutine number, with the
// operation it waits for and for how long (real time, so only its sign is known).
// §4 debug
TEST(Debug, BlockedThreadsReportsABlockedGoroutine) {
  auto values = conc::make_chan<int>();
  auto received = conc::make_chan<int>(1);
  conc::go([values, received] { received.send(values.recv().value_or(-1)); });
  EXPECT_TRUE(conc::testing::wait_blocked(1, kSafetyNet));

  const auto blocked = blocked_in("channel receive");
  EXPECT_EQ(blocked.size(), 1u) << conc::debug::describe_blocked();
  for (const auto& each : blocked) {
    EXPECT_THAT(each.thread, MatchesRegex("goroutine [0-9]+"));
    EXPECT_GE(each.blocked_for, std::chrono::steady_clock::duration::zero());
  }
  EXPECT_THAT(conc::debug::describe_blocked(),
              MatchesRegex("(.|\n)*goroutine [0-9]+: blocked in channel receive(.|\n)*"));

  values.send(7);  // whatever failed above, the goroutine is released
  EXPECT_EQ(received.recv(), 7);
}

// Each goroutine has its own number, even when it runs on the pooled thread of an earlier one.
// §4 debug
TEST(Debug, EachGoroutineHasItsOwnNumber) {
  auto name_of_next_blocked_goroutine = [] {
    auto values = conc::make_chan<int>();
    auto finished = conc::make_chan<conc::Unit>(1);
    conc::go([values, finished] {
      values.recv();
      finished.send({});
    });
    EXPECT_TRUE(conc::testing::wait_blocked(1, kSafetyNet));
    const auto blocked = blocked_in("channel receive");
    values.send(1);
    finished.recv();  // the goroutine left its receive: it is no longer listed
    return blocked.size() == 1 ? blocked[0].thread : "(" + std::to_string(blocked.size()) + " blocked)";
  };

  const std::string first = name_of_next_blocked_goroutine();
  const std::string second = name_of_next_blocked_goroutine();
  EXPECT_THAT(first, MatchesRegex("goroutine [0-9]+"));
  EXPECT_THAT(second, MatchesRegex("goroutine [0-9]+"));
  EXPECT_NE(first, second);
}

// A thread not started by go() is named by its thread id.
// §4 debug
TEST(Debug, ThreadNotStartedByGoIsNamedByItsId) {
  auto values = conc::make_chan<int>();
  std::jthread receiver([values] { values.recv(); });
  EXPECT_TRUE(conc::testing::wait_blocked(1, kSafetyNet));

  const auto blocked = blocked_in("channel receive");
  EXPECT_EQ(blocked.size(), 1u) << conc::debug::describe_blocked();
  for (const auto& each : blocked) EXPECT_THAT(each.thread, StartsWith("thread "));

  values.send(1);  // releases the receiver, which the jthread then joins
}

// With nothing blocked, describe_blocked() says so in words.
// §4 debug
TEST(Debug, DescribeBlockedSaysWhenNoThreadIsBlocked) {
  // Every goroutine has returned, so none is still inside a library operation.
  ASSERT_TRUE(conc::testing::wait_goroutines(0, kSafetyNet))
      << "goroutines left running by earlier tests: " << conc::debug::describe_blocked();
  EXPECT_EQ(conc::debug::describe_blocked(), "no thread is blocked in conc");
  EXPECT_THAT(conc::debug::blocked_threads(), ::testing::IsEmpty());
}

}  // namespace
