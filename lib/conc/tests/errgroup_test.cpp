// Tests of conc::ErrGroup (<conc/errgroup.hpp>): golang.org/x/sync/errgroup's rules E1–E7 of
// shared/notes/go-semantics.md, and the two places where the design (design.md §4) chooses:
// wait() rethrows the first exception a task threw, once every task has finished, and after
// wait() the group's context is cancelled even when no task failed.
//
// How these tests order events without sleeping: tasks wait at a Gate (a conc channel the test
// closes), and conc::testing::wait_blocked(n, ...) waits until n threads are parked in a conc
// operation (a gate, ErrGroup::go at its limit, the destructor's wait). Only then does the test
// act and check what follows. The time-outs are a safety net for a broken library: a passing
// test never waits for them.
//
// Every test leaves no thread blocked behind it: a parked thread would count in the next test's
// wait_blocked().

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/errgroup.hpp"
#include "conc/error.hpp"
#include "conc/go.hpp"
#include "conc/select.hpp"
#include "conc/testing.hpp"
#include "conc/time.hpp"

namespace {

using conc::Chan;
using conc::Context;
using conc::ErrGroup;
using conc::Error;
using conc::make_chan;
using conc::Unit;
using ::testing::HasSubstr;

// Only a safety net: a test that passes never waits this long.
constexpr auto kSafety = std::chrono::seconds(10);

// True once at least n threads are parked in a conc operation (false after kSafety).
bool parked(std::size_t n) { return conc::testing::wait_blocked(n, kSafety); }

// A gate that tasks wait at until the test opens it. Copies share one gate. A task waiting in
// pass() is parked in a channel receive, so wait_blocked() counts it.
class Gate {
 public:
  void pass() const { (void)ch_.recv(); }
  void open() const { ch_.close(); }

 private:
  Chan<Unit> ch_ = make_chan<Unit>();
};

// True when ctx is done right now (never blocks).
bool is_done(const Context& ctx) {
  return conc::select(conc::case_recv(ctx.done()), conc::case_default()) == 0;
}

// Waits until ctx is done; false if it is not done after kSafety (a safety net, so that a broken
// library fails the test instead of hanging it).
bool becomes_done(const Context& ctx) {
  return conc::select(conc::case_recv(ctx.done()), conc::case_recv(conc::after(kSafety))) == 0;
}

// What a task throws in these tests: a type of our own, so that catching it proves the type
// survived the trip from the task's goroutine to wait().
struct TaskFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---------------------------------------------------------------------------------------------
// E1: the zero group (default constructor) works: no limit, and nothing is cancelled.

// E1
TEST(ErrGroup, ZeroGroupContextIsBackgroundAndIsNeverCancelled) {
  ErrGroup group;
  const Error failure("task failed");
  group.go([failure] { return failure; });

  EXPECT_EQ(group.wait(), failure);
  EXPECT_FALSE(is_done(group.context())) << "the zero group has no context to cancel";
  EXPECT_FALSE(group.context().err());
  EXPECT_EQ(group.context().done().cap(), 0u);
  EXPECT_FALSE(group.context().deadline().has_value());
}

// E1
TEST(ErrGroup, ZeroGroupHasNoLimit) {
  constexpr int kTasks = 16;
  ErrGroup group;
  Gate gate;
  std::atomic<int> started{0};
  for (int i = 0; i < kTasks; ++i) {
    EXPECT_TRUE(group.try_go([gate, &started] {
      ++started;
      gate.pass();
      return Error();
    })) << "task " << i << " refused although the zero group has no limit";
  }
  EXPECT_TRUE(parked(kTasks)) << "every task runs at once";
  EXPECT_EQ(started.load(), kTasks);
  gate.open();
  EXPECT_FALSE(group.wait());
}

// ---------------------------------------------------------------------------------------------
// E2: a group made from a parent context cancels its context the first time a task fails, or
// when wait() returns, whichever comes first.

// E2: the group's context is a child of the parent, live until something cancels it.
TEST(ErrGroup, ContextIsAChildOfTheParent) {
  auto [parent, cancel_parent] = conc::with_cancel(conc::background());
  ErrGroup group(parent);
  EXPECT_FALSE(is_done(group.context()));
  EXPECT_FALSE(group.context().err());

  cancel_parent();
  EXPECT_TRUE(is_done(group.context())) << "cancelling the parent cancels the group's context";
  EXPECT_EQ(group.context().err(), conc::Canceled);
}

// E2: a task blocked on the group's context wakes when another task returns an error, before
// anyone calls wait(). (If the failure did not cancel the context, the waiting task would wait
// until its safety net, and report it.)
TEST(ErrGroup, FirstTaskErrorCancelsTheContextOfTheOthers) {
  ErrGroup group(conc::background());
  auto woke = make_chan<Error>(1);  // what the waiting task saw
  group.go([&group, woke] {
    woke.send(becomes_done(group.context()) ? group.context().err() : Error("never cancelled"));
    return Error();
  });
  EXPECT_TRUE(parked(1)) << "the watching task waits on context().done()";
  EXPECT_FALSE(is_done(group.context())) << "nothing has failed yet";

  const Error failure("task failed");
  group.go([failure] { return failure; });

  EXPECT_EQ(woke.recv(), conc::Canceled) << "the failure must cancel the context by itself";
  EXPECT_EQ(group.wait(), failure);
}

// E2, design: tasks returning nil do not cancel the context; wait() cancels it when it returns,
// even though no task failed.
TEST(ErrGroup, WaitCancelsTheContextWhenNoTaskFailed) {
  const std::size_t before = conc::goroutines();
  ErrGroup group(conc::background());
  auto [descendant, cancel_descendant] = conc::with_cancel(group.context());
  for (int i = 0; i < 4; ++i) group.go([] { return Error(); });

  // A goroutine counts until its function has returned, bookkeeping included: once the count
  // is back, every task has finished, and a nil result must not have cancelled anything.
  ASSERT_TRUE(conc::testing::wait_goroutines(before, kSafety));
  EXPECT_FALSE(is_done(group.context())) << "a task returning nil cancelled the context";

  EXPECT_FALSE(group.wait());
  EXPECT_TRUE(is_done(group.context())) << "wait() must cancel the context when it returns";
  EXPECT_EQ(group.context().err(), conc::Canceled);
  EXPECT_TRUE(is_done(descendant)) << "descendants of the group's context are cancelled too";
  cancel_descendant();
}

// ---------------------------------------------------------------------------------------------
// E3: wait() blocks until every task has returned, then returns the first non-nil error.

// E3
TEST(ErrGroup, WaitBlocksUntilEveryTaskHasReturned) {
  constexpr int kTasks = 4;
  ErrGroup group;
  Gate gate;
  std::vector<int> results(kTasks, 0);  // plain ints: wait() must make the tasks' writes visible
  for (int i = 0; i < kTasks; ++i) {
    group.go([gate, &results, i] {
      gate.pass();
      results[static_cast<std::size_t>(i)] = i + 1;
      return Error();
    });
  }
  std::atomic<bool> wait_returned{false};
  std::jthread waiter([&] {
    EXPECT_FALSE(group.wait());
    wait_returned = true;
  });
  EXPECT_TRUE(parked(kTasks + 1)) << "the tasks at the gate, and wait()";
  EXPECT_FALSE(wait_returned) << "wait() returned while tasks were still running";

  gate.open();
  waiter.join();
  EXPECT_TRUE(wait_returned);
  EXPECT_EQ(results, (std::vector<int>{1, 2, 3, 4}));
}

// E3
TEST(ErrGroup, WaitReturnsNilWhenNoTaskFails) {
  ErrGroup group(conc::background());
  for (int i = 0; i < 8; ++i) group.go([] { return Error(); });
  EXPECT_FALSE(group.wait());
}

// E3: the first error to be returned wins. The second task returns its error only once it sees
// the context cancelled, which happens after the first error was recorded.
TEST(ErrGroup, WaitReturnsTheFirstErrorReturned) {
  ErrGroup group(conc::background());
  const Error first("first failure");
  const Error second("second failure");
  group.go([&group, second] {
    return becomes_done(group.context()) ? second : Error("context never cancelled");
  });
  EXPECT_TRUE(parked(1));
  group.go([first] { return first; });

  const Error got = group.wait();
  EXPECT_EQ(got, first) << "got: " << got.message();
}

// E3, E4 (race): many tasks fail at the same instant (released together by a barrier). wait()
// returns exactly one of their errors, and the context is cancelled (once: a second close of its
// done channel would throw in a task's goroutine and end the program).
TEST(ErrGroup, ConcurrentFirstErrorsYieldExactlyOneOfThem) {
  constexpr int kTasks = 8;
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; ++round) {
    ErrGroup group(conc::background());
    std::vector<Error> errors;
    for (int i = 0; i < kTasks; ++i) errors.emplace_back("failure " + std::to_string(i));
    std::barrier start(kTasks);
    for (const Error& err : errors) {
      group.go([&start, err] {
        start.arrive_and_wait();
        return err;
      });
    }
    const Error got = group.wait();
    EXPECT_NE(std::find(errors.begin(), errors.end(), got), errors.end())
        << "round " << round << ": wait() returned " << got.message();
    EXPECT_EQ(group.context().err(), conc::Canceled) << "round " << round;
    if (::testing::Test::HasFailure()) break;
  }
}

// ---------------------------------------------------------------------------------------------
// E4, E6, E7: limits. go() blocks at the limit, try_go() refuses, set_limit() changes it only
// while no task runs.

// E4: with a limit of 1, a second go() waits until the first task returns.
TEST(ErrGroup, GoBlocksAtTheLimitUntilASlotFrees) {
  ErrGroup group;
  group.set_limit(1);
  Gate first_gate;
  std::atomic<bool> second_started{false};
  group.go([first_gate] {
    first_gate.pass();
    return Error();
  });

  std::jthread starter([&] {
    group.go([&second_started] {
      second_started = true;
      return Error();
    });
  });
  EXPECT_TRUE(parked(2)) << "the first task at its gate, and go() at the limit";
  EXPECT_FALSE(second_started) << "go() started a task beyond the limit";

  first_gate.open();  // the first task returns: its slot frees and go() goes on
  starter.join();
  EXPECT_FALSE(group.wait());
  EXPECT_TRUE(second_started);
}

// E6: try_go() refuses at the limit without blocking or running the task, and accepts once the
// slot is free again (after wait(), every task has returned).
TEST(ErrGroup, TryGoIsFalseAtTheLimitAndTrueWhenASlotFrees) {
  ErrGroup group;
  group.set_limit(1);
  Gate gate;
  EXPECT_TRUE(group.try_go([gate] {
    gate.pass();
    return Error();
  }));
  std::atomic<bool> refused_ran{false};
  EXPECT_FALSE(group.try_go([&refused_ran] {
    refused_ran = true;
    return Error();
  })) << "the limit of 1 is reached";

  gate.open();
  EXPECT_FALSE(group.wait());
  EXPECT_FALSE(refused_ran) << "a refused task must never run";

  std::atomic<bool> accepted_ran{false};
  EXPECT_TRUE(group.try_go([&accepted_ran] {
    accepted_ran = true;
    return Error();
  })) << "the slot is free again";
  EXPECT_FALSE(group.wait());
  EXPECT_TRUE(accepted_ran);
}

// E6
TEST(ErrGroup, TryGoWithoutALimitAlwaysStartsTheTask) {
  ErrGroup group(conc::background());
  std::atomic<int> ran{0};
  for (int i = 0; i < 8; ++i) {
    EXPECT_TRUE(group.try_go([&ran] {
      ++ran;
      return Error();
    }));
  }
  EXPECT_FALSE(group.wait());
  EXPECT_EQ(ran.load(), 8);
}

// E7: a limit of 0 admits no task: try_go() refuses and go() blocks. (Go's go() would block
// forever; here, lifting the limit while no task runs lets the blocked go() through, so the test
// leaves no thread behind.)
TEST(ErrGroup, SetLimitZeroAdmitsNoTask) {
  ErrGroup group;
  group.set_limit(0);
  std::atomic<int> ran{0};
  EXPECT_FALSE(group.try_go([&ran] {
    ++ran;
    return Error();
  }));

  std::jthread starter([&] {
    group.go([&ran] {
      ++ran;
      return Error();
    });
  });
  EXPECT_TRUE(parked(1)) << "go() blocks: the limit is 0";
  EXPECT_EQ(ran.load(), 0);

  group.set_limit(-1);
  starter.join();
  EXPECT_FALSE(group.wait());
  EXPECT_EQ(ran.load(), 1) << "only the task given to go() runs, once the limit is lifted";
}

// E7: a negative limit removes the limit.
TEST(ErrGroup, SetLimitNegativeRemovesTheLimit) {
  constexpr int kTasks = 6;
  ErrGroup group;
  group.set_limit(1);
  group.set_limit(-1);
  Gate gate;
  for (int i = 0; i < kTasks; ++i) {
    EXPECT_TRUE(group.try_go([gate] {
      gate.pass();
      return Error();
    })) << "task " << i;
  }
  EXPECT_TRUE(parked(kTasks)) << "all tasks run at once";
  gate.open();
  EXPECT_FALSE(group.wait());
}

// E7: changing the limit while tasks run is a misuse, reported with Go's message; the limit is
// left as it was.
TEST(ErrGroup, SetLimitThrowsWhileTasksRun) {
  ErrGroup group;
  group.set_limit(1);
  Gate gate;
  group.go([gate] {
    gate.pass();
    return Error();
  });

  try {
    group.set_limit(5);
    ADD_FAILURE() << "set_limit() did not throw while a task runs";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("errgroup: modify limit while 1 goroutines"));
  }
  EXPECT_FALSE(group.try_go([] { return Error(); })) << "the limit is still 1";

  gate.open();
  EXPECT_FALSE(group.wait());
  EXPECT_NO_THROW(group.set_limit(5)) << "no task runs any more";
}

// ---------------------------------------------------------------------------------------------
// Design: exceptions. A task that throws fails the group like an error, and wait() rethrows the
// first exception once every task has finished, even when another task returned an error first.

// Design: the exception keeps its type, and wait() rethrows it only after the other tasks end.
TEST(ErrGroup, WaitRethrowsATaskExceptionAfterAllTasksFinished) {
  ErrGroup group(conc::background());
  Gate gate;
  std::atomic<bool> slow_task_done{false};
  group.go([]() -> Error { throw TaskFailure("task exploded"); });
  group.go([gate, &slow_task_done] {
    gate.pass();
    slow_task_done = true;
    return Error();
  });

  std::atomic<bool> rethrown{false};
  std::jthread waiter([&] {
    try {
      (void)group.wait();
      ADD_FAILURE() << "wait() did not rethrow";
    } catch (const TaskFailure& e) {
      EXPECT_STREQ(e.what(), "task exploded");
      EXPECT_TRUE(slow_task_done) << "wait() rethrew before every task had finished";
      rethrown = true;
    }
  });
  EXPECT_TRUE(parked(2)) << "the slow task at its gate, and wait()";
  EXPECT_FALSE(rethrown);

  gate.open();
  waiter.join();
  EXPECT_TRUE(rethrown);
}

// Design: an exception is a bug, and is never hidden behind an error returned before it.
TEST(ErrGroup, WaitRethrowsEvenWhenAnotherTaskReturnedAnErrorFirst) {
  ErrGroup group(conc::background());
  // The thrower waits until the error has cancelled the context: the error certainly came first.
  group.go([&group]() -> Error {
    if (!becomes_done(group.context())) return Error("context never cancelled");
    throw TaskFailure("thrown after the error");
  });
  EXPECT_TRUE(parked(1));
  group.go([] { return Error("returned first"); });

  EXPECT_THROW((void)group.wait(), TaskFailure);
  EXPECT_EQ(group.context().err(), conc::Canceled);
}

// Design, E2: a task that throws cancels the context like one that returns an error.
TEST(ErrGroup, ATaskThrowingCancelsTheContext) {
  ErrGroup group(conc::background());
  auto woke = make_chan<bool>(1);
  group.go([&group, woke] {
    woke.send(becomes_done(group.context()));
    return Error();
  });
  EXPECT_TRUE(parked(1));
  group.go([]() -> Error { throw TaskFailure("boom"); });

  EXPECT_EQ(woke.recv(), true) << "the throw must cancel the context before wait() is called";
  EXPECT_THROW((void)group.wait(), TaskFailure);
}

// Design: when several tasks throw, the first exception thrown is the one rethrown. The second
// thrower throws only after the first one has cancelled the context.
TEST(ErrGroup, WaitRethrowsTheFirstExceptionThrown) {
  ErrGroup group(conc::background());
  group.go([&group]() -> Error {
    if (!becomes_done(group.context())) return Error("context never cancelled");
    throw std::runtime_error("second");
  });
  EXPECT_TRUE(parked(1));
  group.go([]() -> Error { throw TaskFailure("first"); });

  EXPECT_THROW((void)group.wait(), TaskFailure);
}

// ---------------------------------------------------------------------------------------------
// Lifetime: the destructor waits for the tasks still running (and never throws).

// Header contract
TEST(ErrGroup, DestructorWaitsForRunningTasks) {
  Gate gate;
  std::atomic<bool> task_finished{false};
  std::atomic<bool> destroyed{false};
  std::jthread owner([&] {
    {
      ErrGroup group(conc::background());
      group.go([gate, &task_finished] {
        gate.pass();
        task_finished = true;
        return Error();
      });
    }  // ~ErrGroup: must wait for the task
    EXPECT_TRUE(task_finished) << "the group was destroyed while its task ran";
    destroyed = true;
  });
  EXPECT_TRUE(parked(2)) << "the task at its gate, and the destructor waiting for it";
  EXPECT_FALSE(destroyed);

  gate.open();
  owner.join();
  EXPECT_TRUE(destroyed);
}

// Header contract: without wait(), nobody can receive a task's exception; the destructor drops
// it instead of throwing (or terminating).
TEST(ErrGroup, DestructorWithoutWaitDropsATaskException) {
  std::atomic<bool> threw{false};
  EXPECT_NO_THROW({
    ErrGroup group;
    group.go([&threw]() -> Error {
      threw = true;
      throw TaskFailure("nobody waits for me");
    });
  });
  EXPECT_TRUE(threw) << "the destructor returned before the task ran to its end";
}

}  // namespace
