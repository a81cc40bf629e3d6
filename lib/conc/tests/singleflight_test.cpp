// Tests of conc::SingleFlight<V> (<conc/singleflight.hpp>): golang.org/x/sync/singleflight's
// rules F1–F4 and F6 of shared/notes/go-semantics.md (F5, runtime.Goexit, has no C++
// counterpart), and the design's choice (design.md §4): an exception thrown by fn reaches every
// caller waiting on that call with its type intact.
//
// How these tests order events without sleeping: the function of the call in flight tells the
// test it has started (a channel), then waits at a Gate (a conc channel the test closes). The
// test starts the duplicate callers and waits with conc::testing::wait_blocked(n, ...) until
// they are parked, waiting for the call; only then does it open the gate. The time-outs are a
// safety net for a broken library: a passing test never waits for them.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <latch>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/chan.hpp"
#include "conc/error.hpp"
#include "conc/go.hpp"
#include "conc/select.hpp"
#include "conc/singleflight.hpp"
#include "conc/testing.hpp"
#include "conc/time.hpp"

namespace {

using conc::Chan;
using conc::Error;
using conc::make_chan;
using conc::Outcome;
using conc::SingleFlight;
using conc::Unit;
using Result = std::pair<std::string, Error>;

// Only a safety net: a test that passes never waits this long.
constexpr auto kSafety = std::chrono::seconds(10);

// True once at least n threads are parked in a conc operation (false after kSafety).
bool parked(std::size_t n) { return conc::testing::wait_blocked(n, kSafety); }

// Waits for a value on ch; false if none came within kSafety (a safety net, so that a broken
// library fails the test instead of hanging it).
template <class T>
bool arrives(const Chan<T>& ch) {
  return conc::select(conc::case_recv(ch), conc::case_recv(conc::after(kSafety))) == 0;
}

// A gate that functions wait at until the test opens it. Copies share one gate. A thread waiting
// in pass() is parked in a select (on the gate and a safety timer), so wait_blocked() counts it.
class Gate {
 public:
  // Waits until the gate is open; false if it stayed shut for kSafety.
  bool pass() const {
    return conc::select(conc::case_recv(ch_), conc::case_recv(conc::after(kSafety))) == 0;
  }
  void open() const { ch_.close(); }

 private:
  Chan<Unit> ch_ = make_chan<Unit>();
};

// What a function throws in these tests: a type of our own, so that catching it proves the type
// survived the trip to every caller.
struct LoadFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A function for callers that must join the call in flight: it counts its runs (so a test sees
// if it ran) and returns a value no test expects.
SingleFlight<std::string>::Function must_not_run(std::atomic<int>& runs) {
  return [&runs] {
    ++runs;
    return Result{"a duplicate's function ran", Error()};
  };
}

// ---------------------------------------------------------------------------------------------
// F1: one execution in flight per key; callers that arrive meanwhile wait and share its result.

// F1: a caller alone runs fn, and its result is not shared.
TEST(SingleFlight, SingleCallerRunsFnAndIsNotShared) {
  SingleFlight<std::string> flight;
  int runs = 0;
  const Outcome<std::string> out = flight.call("key", [&runs] {
    ++runs;
    return Result{"value", Error()};
  });
  EXPECT_EQ(out.value, "value");
  EXPECT_FALSE(out.err);
  EXPECT_FALSE(out.shared) << "nobody else received this result";
  EXPECT_EQ(runs, 1);
}

// F1: N callers, one fn run, everyone gets its value, and shared is true for all (the leader
// too, since there were duplicates). The plain int fn writes is visible to every caller.
TEST(SingleFlight, DuplicatesWaitForTheCallInFlightAndShareItsResult) {
  constexpr int kDuplicates = 4;
  SingleFlight<std::string> flight;
  std::atomic<int> runs{0};
  int written_by_fn = 0;
  Gate gate;
  auto started = make_chan<Unit>(1);

  Outcome<std::string> leader_out;
  std::jthread leader([&] {
    leader_out = flight.call("key", [&] {
      ++runs;
      written_by_fn = 42;
      started.send(Unit{});
      gate.pass();
      return Result{"value", Error()};
    });
    EXPECT_EQ(written_by_fn, 42);
  });
  ASSERT_TRUE(arrives(started)) << "the leader's fn never started";

  std::vector<Outcome<std::string>> dup_outs(kDuplicates);
  std::vector<std::jthread> duplicates;
  for (auto& out : dup_outs) {
    duplicates.emplace_back([&, &slot = out] {
      slot = flight.call("key", must_not_run(runs));
      EXPECT_EQ(written_by_fn, 42);
    });
  }
  EXPECT_TRUE(parked(kDuplicates + 1)) << "the leader at its gate, the duplicates waiting";

  gate.open();
  leader.join();
  for (auto& d : duplicates) d.join();
  EXPECT_EQ(runs.load(), 1) << "fn must run once for the whole flight";
  EXPECT_EQ(leader_out.value, "value");
  EXPECT_TRUE(leader_out.shared) << "the leader's result went to duplicates too";
  for (const auto& out : dup_outs) {
    EXPECT_EQ(out.value, "value");
    EXPECT_FALSE(out.err);
    EXPECT_TRUE(out.shared);
  }
}

// F1: an error result is shared as it is (the same identity) with every duplicate.
TEST(SingleFlight, ErrorResultIsSharedWithDuplicates) {
  SingleFlight<std::string> flight;
  const Error failure("load failed");
  std::atomic<int> runs{0};
  Gate gate;
  auto started = make_chan<Unit>(1);

  Outcome<std::string> leader_out;
  std::jthread leader([&] {
    leader_out = flight.call("key", [&] {
      ++runs;
      started.send(Unit{});
      gate.pass();
      return Result{"", failure};
    });
  });
  ASSERT_TRUE(arrives(started));
  Outcome<std::string> dup_out;
  std::jthread duplicate([&] { dup_out = flight.call("key", must_not_run(runs)); });
  EXPECT_TRUE(parked(2));

  gate.open();
  leader.join();
  duplicate.join();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(leader_out.err, failure);
  EXPECT_EQ(dup_out.err, failure) << "got: " << dup_out.err.message();
  EXPECT_TRUE(dup_out.shared);
  EXPECT_TRUE(leader_out.shared);
}

// F1, F3: singleflight is not a cache: once a call finished, the next call runs fn again.
TEST(SingleFlight, AfterACallFinishesTheNextCallRunsFnAgain) {
  SingleFlight<std::string> flight;
  int runs = 0;
  auto fn = [&runs] {
    ++runs;
    return Result{"run " + std::to_string(runs), Error()};
  };
  EXPECT_EQ(flight.call("key", fn).value, "run 1");
  const Outcome<std::string> second = flight.call("key", fn);
  EXPECT_EQ(second.value, "run 2");
  EXPECT_FALSE(second.shared);
  EXPECT_EQ(runs, 2);
}

// F1: only the same key joins: a call for another key runs while the first is in flight.
TEST(SingleFlight, DifferentKeysDoNotWaitForEachOther) {
  SingleFlight<std::string> flight;
  Gate gate;
  auto started = make_chan<Unit>(1);
  Outcome<std::string> a_out;
  std::jthread a([&] {
    a_out = flight.call("a", [&] {
      started.send(Unit{});
      gate.pass();
      return Result{"a", Error()};
    });
  });
  ASSERT_TRUE(arrives(started));

  // On this thread: if "b" waited for "a", this call would never return before the gate opens.
  const Outcome<std::string> b_out = flight.call("b", [] { return Result{"b", Error()}; });
  EXPECT_EQ(b_out.value, "b");
  EXPECT_FALSE(b_out.shared);

  gate.open();
  a.join();
  EXPECT_EQ(a_out.value, "a");
  EXPECT_FALSE(a_out.shared);
}

// ---------------------------------------------------------------------------------------------
// F2: call_chan — the outcome arrives on a channel with a buffer of 1 that is never closed; a
// call it starts runs fn in a new goroutine.

// F2
TEST(SingleFlight, CallChanDeliversTheOutcomeOnceOnABufferedChannelNeverClosed) {
  const std::size_t before = conc::goroutines();
  SingleFlight<int> flight;
  auto ch = flight.call_chan("key", [] { return std::pair{7, Error()}; });
  EXPECT_EQ(ch.cap(), 1u) << "buffered: the call never waits for the receiver";

  const auto out = ch.recv();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->value, 7);
  EXPECT_FALSE(out->err);
  EXPECT_FALSE(out->shared);
  EXPECT_EQ(conc::select(conc::case_recv(ch), conc::case_default()), 1u)
      << "a second receive must find nothing: no second value, and the channel is not closed";
  EXPECT_TRUE(conc::testing::wait_goroutines(before, kSafety)) << "the goroutine that ran fn ends";
}

// F2: call_chan returns at once; fn runs on another thread.
TEST(SingleFlight, CallChanRunsFnInAnotherGoroutineWithoutBlocking) {
  const std::size_t before = conc::goroutines();
  SingleFlight<int> flight;
  Gate gate;
  std::atomic<bool> returned{false};
  std::thread::id fn_thread;
  auto ch = flight.call_chan("key", [&] {
    fn_thread = std::this_thread::get_id();
    // With call_chan() running fn on the calling thread, `returned` would still be false here.
    return std::pair{gate.pass() && returned ? 1 : 0, Error()};
  });
  returned = true;
  gate.open();

  const auto out = ch.recv();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->value, 1) << "call_chan() waited for fn";
  EXPECT_NE(fn_thread, std::this_thread::get_id());
  EXPECT_TRUE(conc::testing::wait_goroutines(before, kSafety));
}

// F2: call_chan joins a call in flight started by call(), and both see shared == true.
TEST(SingleFlight, CallChanJoinsACallInFlight) {
  SingleFlight<std::string> flight;
  std::atomic<int> runs{0};
  Gate gate;
  auto started = make_chan<Unit>(1);
  Outcome<std::string> leader_out;
  std::jthread leader([&] {
    leader_out = flight.call("key", [&] {
      ++runs;
      started.send(Unit{});
      gate.pass();
      return Result{"value", Error()};
    });
  });
  ASSERT_TRUE(arrives(started));

  auto ch = flight.call_chan("key", must_not_run(runs));
  gate.open();
  const auto out = ch.recv();
  leader.join();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->value, "value");
  EXPECT_TRUE(out->shared);
  EXPECT_TRUE(leader_out.shared);
  EXPECT_EQ(runs.load(), 1);
}

// F2: a call started by call_chan is joined by call() and by other call_chan callers.
TEST(SingleFlight, CallsJoinACallStartedByCallChan) {
  const std::size_t before = conc::goroutines();
  SingleFlight<std::string> flight;
  std::atomic<int> runs{0};
  Gate gate;
  auto started = make_chan<Unit>(1);
  auto first = flight.call_chan("key", [&] {
    ++runs;
    started.send(Unit{});
    gate.pass();
    return Result{"value", Error()};
  });
  ASSERT_TRUE(arrives(started));
  auto second = flight.call_chan("key", must_not_run(runs));
  Outcome<std::string> joined;
  std::jthread caller([&] { joined = flight.call("key", must_not_run(runs)); });
  EXPECT_TRUE(parked(2)) << "fn at its gate, and the call() duplicate";

  gate.open();
  caller.join();
  for (const auto& ch : {first, second}) {
    const auto out = ch.recv();
    ASSERT_TRUE(out.has_value());
    EXPECT_EQ(out->value, "value");
    EXPECT_TRUE(out->shared);
  }
  EXPECT_EQ(joined.value, "value");
  EXPECT_TRUE(joined.shared);
  EXPECT_EQ(runs.load(), 1);
  EXPECT_TRUE(conc::testing::wait_goroutines(before, kSafety));
}

// F2, lifetime. The goroutine that call_chan() starts belongs to the library: the caller cannot
// wait for it, only for the outcome. So once the outcome is received, the SingleFlight may be
// destroyed, and that goroutine must not touch it any more. (The other call_chan tests wait for
// the goroutine to end before destroying theirs, so that only this test shows the bug.)
// Regression: run() sent the outcome while still holding the SingleFlight's mutex, and unlocked
// it after the receiver could have destroyed it: a use after free, which ThreadSanitizer reports
// on every run and which crashes a normal build about one run in six (heap corruption).
TEST(SingleFlight, CanBeDestroyedAsSoonAsACallChanOutcomeIsReceived) {
  const std::size_t before = conc::goroutines();
  for (int round = 0; round < 10000; ++round) {
    auto flight = std::make_unique<SingleFlight<int>>();
    auto ch = flight->call_chan("key", [round] { return std::pair{round, Error()}; });
    // Poll instead of parking in recv(): this thread then frees the SingleFlight as soon as the
    // outcome is sent, which makes the bug show in a normal build too, not only under TSan.
    std::optional<Outcome<int>> out;
    while (!out) conc::select(conc::case_recv(ch, [&out](auto v) { out = v; }), conc::case_default());
    EXPECT_EQ(out->value, round);
    flight.reset();  // the outcome is in hand: nothing may use the SingleFlight any more
  }
  EXPECT_TRUE(conc::testing::wait_goroutines(before, kSafety));
}

// ---------------------------------------------------------------------------------------------
// F3, F6: forget(key) lets the next call run fn again while a call is in flight; the finishing
// call removes only its own entry, never a newer one.

// F6
TEST(SingleFlight, ForgetOfAKeyNotInFlightIsHarmless) {
  SingleFlight<std::string> flight;
  flight.forget("nothing");
  EXPECT_EQ(flight.call("nothing", [] { return Result{"v", Error()}; }).value, "v");
}

// F3, F6: the scenario of the issue. Call A is in flight with a duplicate; forget; call B runs
// fn again; A finishes (for its duplicate too); a third call C must join B, not run fn.
TEST(SingleFlight, ForgetDuringACallNeverLetsTheOldCallRemoveTheNewOne) {
  SingleFlight<std::string> flight;
  std::atomic<int> runs{0};
  Gate gate_a;
  Gate gate_b;
  auto started = make_chan<Unit>(1);
  auto gated = [&](const Gate& gate, std::string value) {
    return [&runs, started, gate, value] {
      ++runs;
      started.send(Unit{});
      gate.pass();
      return Result{value, Error()};
    };
  };

  Outcome<std::string> a_out;
  Outcome<std::string> a_dup_out;
  std::jthread a([&] { a_out = flight.call("key", gated(gate_a, "first")); });
  ASSERT_TRUE(arrives(started));
  std::jthread a_dup([&] { a_dup_out = flight.call("key", must_not_run(runs)); });
  EXPECT_TRUE(parked(2)) << "A's fn at its gate, A's duplicate waiting";

  flight.forget("key");
  Outcome<std::string> b_out;
  std::jthread b([&] { b_out = flight.call("key", gated(gate_b, "second")); });
  EXPECT_TRUE(arrives(started)) << "after forget(), a new call runs fn though A is in flight";
  EXPECT_EQ(runs.load(), 2);

  gate_a.open();  // A finishes while B is in flight
  a.join();
  a_dup.join();
  EXPECT_EQ(a_out.value, "first");
  EXPECT_TRUE(a_out.shared);
  EXPECT_EQ(a_dup_out.value, "first") << "forget() must not strand A's waiters";
  EXPECT_TRUE(a_dup_out.shared);

  Outcome<std::string> c_out;
  std::jthread c([&] { c_out = flight.call("key", must_not_run(runs)); });
  EXPECT_TRUE(parked(2)) << "B's fn at its gate, and C waiting for B (not running fn)";

  gate_b.open();
  b.join();
  c.join();
  EXPECT_EQ(runs.load(), 2) << "C ran fn: A's end removed B's entry";
  EXPECT_EQ(b_out.value, "second");
  EXPECT_TRUE(b_out.shared);
  EXPECT_EQ(c_out.value, "second");
  EXPECT_TRUE(c_out.shared);
}

// ---------------------------------------------------------------------------------------------
// F4 (design): an exception thrown by fn reaches every caller of call() with its type intact.

// F4
TEST(SingleFlight, AnExceptionReachesTheCallerWithItsType) {
  SingleFlight<int> flight;
  EXPECT_THROW(flight.call("key", []() -> std::pair<int, Error> { throw LoadFailure("boom"); }),
               LoadFailure);
  // The failed call is over: the key is free for the next call.
  EXPECT_EQ(flight.call("key", [] { return std::pair{5, Error()}; }).value, 5);
}

// F4: the leader (this thread) and every duplicate catch the exception as a LoadFailure.
//
// The one exception object is shared by all of them (std::rethrow_exception does not copy it in
// libstdc++), and its reference count lives in the uninstrumented C++ runtime, where
// ThreadSanitizer cannot see it. So this thread, which frees the object last, keeps its
// reference until it has joined the duplicates: the join is what TSan sees order their reads of
// the exception before the free.
TEST(SingleFlight, AnExceptionReachesTheLeaderAndEveryDuplicateWithItsType) {
  constexpr int kDuplicates = 3;
  SingleFlight<int> flight;
  std::atomic<int> runs{0};
  std::latch leader_in_fn(1);
  std::vector<std::jthread> duplicates;
  for (int i = 0; i < kDuplicates; ++i) {
    duplicates.emplace_back([&] {
      leader_in_fn.wait();
      EXPECT_THROW((void)flight.call("key",
                                     [&runs] {
                                       ++runs;
                                       return std::pair{0, Error()};
                                     }),
                   LoadFailure);
    });
  }

  try {
    (void)flight.call("key", [&]() -> std::pair<int, Error> {
      ++runs;
      leader_in_fn.count_down();
      EXPECT_TRUE(parked(kDuplicates)) << "the duplicates wait for us";
      throw LoadFailure("boom");
    });
    ADD_FAILURE() << "the leader did not get the exception";
  } catch (const LoadFailure& e) {
    EXPECT_STREQ(e.what(), "boom");
    for (auto& d : duplicates) d.join();
  }
  EXPECT_EQ(runs.load(), 1);
}

// F4: fn's exception cannot travel on a channel, and a call_chan waiter must not wait forever:
// as in Go, the program ends, saying why. Runs in a child process (a death test).
TEST(SingleFlightDeathTest, AnExceptionWithACallChanWaiterEndsTheProgram) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // the child re-runs the binary: no fork of threads
  EXPECT_DEATH(
      {
        SingleFlight<int> flight;
        auto ch = flight.call_chan("key", []() -> std::pair<int, Error> {
          throw LoadFailure("boom in fn");
        });
        (void)ch.recv();  // never gets a value: the panic ends the process first
      },
      "panic: boom in fn(.|\n)*call_chan");
}

}  // namespace
