// Tests of <conc/context.hpp>: background, with_cancel, with_deadline, with_timeout.
//
// Rules X1..X5 are in shared/notes/go-semantics.md (A4), the contract in design.md section 4.
// Deadlines run on a FakeClock: they fire inside clock.advance(), so each test has one outcome.
#include "conc/context.hpp"

#include <atomic>
#include <barrier>
#include <chrono>
#include <cstddef>
#include <latch>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/chan.hpp"
#include "conc/debug.hpp"
#include "conc/error.hpp"
#include "conc/go.hpp"
#include "conc/select.hpp"
#include "conc/testing/fake_clock.hpp"
#include "conc/testing/goroutines.hpp"
#include "conc/time.hpp"

namespace {

using namespace std::chrono_literals;
using conc::testing::FakeClock;

// Only a safety net for waits on other threads, never the thing a test measures.
constexpr auto kSafety = std::chrono::seconds(10);

const conc::Error kNil;

// Go: select { case <-ctx.Done(): return true; default: return false }. Never blocks.
bool is_done(const conc::Context& ctx) {
  return conc::select(conc::case_recv(ctx.done()), conc::case_default()) == 0;
}

// Busy-waits until condition() is true. It yields the processor only after many tries, so that
// this thread is most likely running, and looking, at the moment another thread acts.
template <class F>
void spin_until(F condition) {
  for (int tries = 0; !condition(); ++tries) {
    if (tries > 10000) std::this_thread::yield();
  }
}

// Error identity, as Go compares errors, with the messages printed on failure.
MATCHER_P(IsError, expected, fmt::format("is the error \"{}\"", expected)) {
  *result_listener << "which is the error \"" << fmt::format("{}", arg) << "\"";
  return arg == expected;
}

// ---------------------------------------------------------------------------------------------
// background()

// X1: background() can never be cancelled, so its done() is the nil channel: never ready, len
// and cap 0, the same channel every time.
TEST(ContextBackground, DoneIsTheNilChannelAndNeverReady) {
  const conc::Context ctx = conc::background();
  EXPECT_TRUE(ctx.done() == conc::RecvChan<conc::Unit>());
  EXPECT_TRUE(ctx.done() == ctx.done());
  EXPECT_EQ(ctx.done().len(), 0u);
  EXPECT_EQ(ctx.done().cap(), 0u);
  EXPECT_FALSE(is_done(ctx));
}

// X2: background()'s err() is nil; it has no deadline.
TEST(ContextBackground, ErrIsNilAndThereIsNoDeadline) {
  const conc::Context ctx = conc::background();
  EXPECT_THAT(ctx.err(), IsError(kNil));
  EXPECT_EQ(ctx.deadline(), std::nullopt);
}

// A default-constructed Context is background().
TEST(ContextBackground, DefaultConstructedContextIsBackground) {
  const conc::Context ctx;
  EXPECT_TRUE(ctx.done() == conc::RecvChan<conc::Unit>());
  EXPECT_THAT(ctx.err(), IsError(kNil));
  EXPECT_EQ(ctx.deadline(), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// with_cancel

// X2: before cancel, done() is open and err() is nil; a cancellable context's done() is a real
// channel, the same one every time (X1).
TEST(ContextCancel, DoneIsOpenAndErrNilUntilCancel) {
  const auto [ctx, cancel] = conc::with_cancel(conc::background());
  EXPECT_FALSE(ctx.done() == conc::RecvChan<conc::Unit>());
  EXPECT_TRUE(ctx.done() == ctx.done());
  EXPECT_FALSE(is_done(ctx));
  EXPECT_THAT(ctx.err(), IsError(kNil));
  EXPECT_EQ(ctx.deadline(), std::nullopt);
  cancel();
}

// X4: cancel() closes done(); err() becomes Canceled.
TEST(ContextCancel, CancelClosesDoneAndErrIsCanceled) {
  const auto [ctx, cancel] = conc::with_cancel(conc::background());
  cancel();
  EXPECT_TRUE(is_done(ctx));
  EXPECT_EQ(ctx.done().recv(), std::nullopt);  // closed: a receive returns at once, with no value
  EXPECT_THAT(ctx.err(), IsError(conc::Canceled));
}

// X2, X3: cancel() is idempotent; err() never changes once set.
TEST(ContextCancel, SecondCancelDoesNothingAndErrStaysCanceled) {
  const auto [ctx, cancel] = conc::with_cancel(conc::background());
  cancel();
  const conc::Error first = ctx.err();
  cancel();
  EXPECT_THAT(ctx.err(), IsError(first));
  EXPECT_THAT(ctx.err(), IsError(conc::Canceled));
  EXPECT_TRUE(is_done(ctx));
}

// Contract: cancel() has cancelled every descendant, grandchildren included, before it returns:
// no waiting is needed to see it.
TEST(ContextCancel, CancellingAParentCancelsEveryDescendantBeforeCancelReturns) {
  FakeClock clock;
  const auto [parent, cancel] = conc::with_cancel(conc::background());
  const auto [child, cancel_child] = conc::with_cancel(parent);
  const auto [grandchild, cancel_grandchild] = conc::with_cancel(child);
  const auto [timed, cancel_timed] = conc::with_timeout(child, 1h);
  const auto [sibling, cancel_sibling] = conc::with_cancel(parent);

  cancel();

  for (const conc::Context& ctx : {child, grandchild, timed, sibling}) {
    EXPECT_TRUE(is_done(ctx));
    EXPECT_THAT(ctx.err(), IsError(conc::Canceled));
  }
}

// X4: cancelling a child never affects its parent, nor its siblings.
TEST(ContextCancel, CancellingAChildLeavesItsParentAndSiblingsAlone) {
  const auto [parent, cancel] = conc::with_cancel(conc::background());
  const auto [child, cancel_child] = conc::with_cancel(parent);
  const auto [sibling, cancel_sibling] = conc::with_cancel(parent);

  cancel_child();

  EXPECT_THAT(child.err(), IsError(conc::Canceled));
  EXPECT_FALSE(is_done(parent));
  EXPECT_THAT(parent.err(), IsError(kNil));
  EXPECT_FALSE(is_done(sibling));
  EXPECT_THAT(sibling.err(), IsError(kNil));
  cancel();
}

// X4, X5: a child of a context that is already done is born done, with the parent's err.
TEST(ContextCancel, ChildOfADoneParentIsBornDoneWithTheParentsErr) {
  FakeClock clock;
  const auto [cancelled, cancel] = conc::with_cancel(conc::background());
  cancel();
  const auto [expired, cancel_expired] = conc::with_timeout(conc::background(), 0ns);

  const auto [child, cancel_child] = conc::with_cancel(cancelled);
  const auto [timed_child, cancel_timed_child] = conc::with_timeout(cancelled, 1h);
  const auto [child_of_expired, cancel_child_of_expired] = conc::with_cancel(expired);

  EXPECT_TRUE(is_done(child));
  EXPECT_THAT(child.err(), IsError(conc::Canceled));
  EXPECT_TRUE(is_done(timed_child));
  EXPECT_THAT(timed_child.err(), IsError(conc::Canceled));
  EXPECT_TRUE(is_done(child_of_expired));
  EXPECT_THAT(child_of_expired.err(), IsError(conc::DeadlineExceeded));
}

// X4: cancel() wakes a goroutine blocked in a select on done(); it then sees err() set.
TEST(ContextCancel, CancelWakesAGoroutineBlockedOnDone) {
  const auto [ctx, cancel] = conc::with_cancel(conc::background());
  const auto results = conc::make_chan<int>();  // nobody sends: only done() can wake the select
  const auto seen = conc::make_chan<conc::Error>(1);
  const std::size_t already_blocked = conc::debug::blocked_threads().size();
  conc::go([ctx = ctx, results, seen] {
    conc::select(conc::case_recv(results),
                 conc::case_recv(ctx.done(), [&] { seen.send(ctx.err()); }));
  });
  ASSERT_TRUE(conc::testing::wait_blocked(already_blocked + 1, kSafety));

  cancel();

  const auto err = seen.recv();
  ASSERT_TRUE(err);
  EXPECT_THAT(*err, IsError(conc::Canceled));
}

// X3: cancel() is thread-safe, and every caller, not only the first, returns with the whole
// tree cancelled (contract: "cancel() has cancelled every descendant before it returns").
// A second cancel() is made as soon as the first has begun (the root's done() is closed) while
// the first is still walking down a long chain; it must not return before the deepest context
// is cancelled.
TEST(ContextCancel, SecondCancelDuringTheFirstReturnsWithTheWholeTreeCancelled) {
  constexpr int kRounds = 100;
  constexpr int kDepth = 300;
  conc::CancelFunc cancel;
  std::vector<conc::Context> chain;  // chain[i + 1] is the child of chain[i]
  std::barrier sync(3);              // the rounds' start and end: this thread and two cancellers
  int returned_early = 0;            // written by the second canceller only
  std::jthread first([&] {
    for (int r = 0; r < kRounds; ++r) {
      sync.arrive_and_wait();  // the round's chain is ready
      cancel();
      sync.arrive_and_wait();  // the round is over
    }
  });
  std::jthread second([&] {
    for (int r = 0; r < kRounds; ++r) {
      sync.arrive_and_wait();
      spin_until([&] { return is_done(chain.front()); });  // the first cancel() has begun
      cancel();
      if (!is_done(chain.back())) ++returned_early;
      sync.arrive_and_wait();
    }
  });
  for (int r = 0; r < kRounds; ++r) {
    auto [root, cancel_root] = conc::with_cancel(conc::background());
    cancel = cancel_root;
    chain = {root};
    for (int i = 1; i < kDepth; ++i) chain.push_back(conc::with_cancel(chain.back()).first);
    sync.arrive_and_wait();
    sync.arrive_and_wait();
    EXPECT_THAT(chain.back().err(), IsError(conc::Canceled));
  }
  first.join();
  second.join();
  EXPECT_EQ(returned_early, 0) << "a cancel() returned before the deepest descendant was cancelled";
}

// X3: cancel() is thread-safe: many threads calling it at once all return with it cancelled.
TEST(ContextCancel, ManyThreadsCancellingAtOnceAllSeeItCancelled) {
  constexpr int kThreads = 8;
  const auto [parent, cancel] = conc::with_cancel(conc::background());
  const auto [child, cancel_child] = conc::with_cancel(parent);
  std::latch start(kThreads);
  std::atomic<int> saw_cancelled{0};
  {
    std::vector<std::jthread> threads;
    for (int i = 0; i < kThreads; ++i) {
      // The bindings are named in the capture list: clang before 16 cannot capture them.
      threads.emplace_back([&, parent = parent, cancel = cancel, child = child] {
        start.arrive_and_wait();
        cancel();
        if (parent.err() == conc::Canceled && child.err() == conc::Canceled) saw_cancelled++;
      });
    }
  }  // joined
  EXPECT_EQ(saw_cancelled.load(), kThreads);
  EXPECT_TRUE(is_done(parent));
  EXPECT_TRUE(is_done(child));
}

// X2: err() is nil exactly while done() is open, also while another thread is cancelling:
// a non-nil err() means done() is closed, and a closed done() means err() is set. For each of
// many contexts, this thread starts watching it, then the canceller cancels it: as soon as one
// of err() and done() shows the cancel, the other must show it too.
TEST(ContextCancel, ErrIsNilExactlyWhileDoneIsOpenEvenDuringCancel) {
  constexpr int kContexts = 200;
  std::vector<conc::Context> contexts;
  std::vector<conc::CancelFunc> cancels;
  for (int i = 0; i < kContexts; ++i) {
    auto [ctx, cancel] = conc::with_cancel(conc::background());
    contexts.push_back(ctx);
    cancels.push_back(cancel);
  }
  std::atomic<int> watching{-1};  // the context this thread watches
  std::jthread canceller([&] {
    for (int i = 0; i < kContexts; ++i) {
      while (watching.load() < i) std::this_thread::yield();
      cancels[i]();
    }
  });
  int err_while_open = 0;
  int closed_without_err = 0;
  for (int i = 0; i < kContexts; ++i) {
    const conc::Context& ctx = contexts[i];
    watching.store(i);
    if (i % 2 == 0) {
      spin_until([&] { return bool(ctx.err()); });
      if (!is_done(ctx)) ++err_while_open;
    } else {
      spin_until([&] { return is_done(ctx); });
      if (!ctx.err()) ++closed_without_err;
    }
  }
  EXPECT_EQ(err_while_open, 0) << "err() was set while done() was still open";
  EXPECT_EQ(closed_without_err, 0) << "done() was closed while err() was still nil";
}

// Memory ordering (context.hpp): what was written before cancel() is visible to a goroutine that
// saw done() closed, whether it blocked on done() or polled it. The payload is deliberately not
// atomic: ThreadSanitizer reports a race if cancellation does not order it.
TEST(ContextCancel, WritesBeforeCancelAreVisibleOnceDoneIsSeenClosed) {
  const auto [parent, cancel] = conc::with_cancel(conc::background());
  const auto [grandchild, cancel_grandchild] =
      conc::with_cancel(conc::with_cancel(parent).first);
  const auto payload = std::make_shared<int>(0);
  const auto seen = conc::make_chan<int>(2);
  conc::go([ctx = grandchild, payload, seen] {  // blocks on done()
    ctx.done().recv();
    seen.send(*payload);
  });
  conc::go([ctx = grandchild, payload, seen] {  // polls done()
    while (!is_done(ctx)) std::this_thread::yield();
    seen.send(*payload);
  });

  *payload = 42;
  cancel();

  EXPECT_EQ(seen.recv(), 42);
  EXPECT_EQ(seen.recv(), 42);
}

// ---------------------------------------------------------------------------------------------
// with_deadline, with_timeout

// X5: not done a nanosecond before the deadline; done with DeadlineExceeded exactly at it.
TEST(ContextDeadline, DoneWithDeadlineExceededExactlyAtTheDeadline) {
  FakeClock clock;
  const conc::TimePoint start = clock.now();
  const auto [ctx, cancel] = conc::with_deadline(conc::background(), start + 100ms);
  EXPECT_EQ(ctx.deadline(), start + 100ms);

  clock.advance(100ms - 1ns);
  EXPECT_FALSE(is_done(ctx));
  EXPECT_THAT(ctx.err(), IsError(kNil));

  clock.advance(1ns);
  EXPECT_TRUE(is_done(ctx));
  EXPECT_THAT(ctx.err(), IsError(conc::DeadlineExceeded));
}

// X5: with_timeout(d) is with_deadline(now() + d).
TEST(ContextDeadline, WithTimeoutIsADeadlineDFromNow) {
  FakeClock clock;
  const conc::TimePoint start = clock.now();
  const auto [ctx, cancel] = conc::with_timeout(conc::background(), 50ms);
  EXPECT_EQ(ctx.deadline(), start + 50ms);

  clock.advance(50ms - 1ns);
  EXPECT_FALSE(is_done(ctx));
  clock.advance(1ns);
  EXPECT_THAT(ctx.err(), IsError(conc::DeadlineExceeded));
}

// X5, contract: a deadline equal to now() has already passed, as has one before now(): the
// context is born done with DeadlineExceeded, without the clock moving.
TEST(ContextDeadline, DeadlineAtOrBeforeNowIsBornDone) {
  FakeClock clock;
  const auto [at_now, cancel_at_now] = conc::with_deadline(conc::background(), clock.now());
  const auto [before_now, cancel_before] =
      conc::with_deadline(conc::background(), clock.now() - 1ms);
  const auto [zero_timeout, cancel_zero] = conc::with_timeout(conc::background(), 0ns);
  const auto [negative_timeout, cancel_negative] = conc::with_timeout(conc::background(), -1s);

  for (const conc::Context& ctx : {at_now, before_now, zero_timeout, negative_timeout}) {
    EXPECT_TRUE(is_done(ctx));
    EXPECT_THAT(ctx.err(), IsError(conc::DeadlineExceeded));
  }
}

// X5: a child never outlives its parent's deadline: asking for a later one gives the parent's,
// and the child ends with DeadlineExceeded when the parent's deadline passes.
TEST(ContextDeadline, ChildNeverOutlivesItsParentsDeadline) {
  FakeClock clock;
  const conc::TimePoint start = clock.now();
  const auto [parent, cancel] = conc::with_timeout(conc::background(), 50ms);
  const auto [later, cancel_later] = conc::with_timeout(parent, 100ms);
  const auto [plain, cancel_plain] = conc::with_cancel(parent);
  EXPECT_EQ(later.deadline(), start + 50ms);
  EXPECT_EQ(plain.deadline(), start + 50ms);

  clock.advance(50ms);

  EXPECT_THAT(later.err(), IsError(conc::DeadlineExceeded));
  EXPECT_THAT(plain.err(), IsError(conc::DeadlineExceeded));
}

// X5: a child with an earlier deadline keeps its own; its expiry leaves the parent alone.
TEST(ContextDeadline, ChildWithAnEarlierDeadlineKeepsItsOwn) {
  FakeClock clock;
  const conc::TimePoint start = clock.now();
  const auto [parent, cancel] = conc::with_timeout(conc::background(), 100ms);
  const auto [child, cancel_child] = conc::with_timeout(parent, 50ms);
  EXPECT_EQ(child.deadline(), start + 50ms);

  clock.advance(50ms);
  EXPECT_THAT(child.err(), IsError(conc::DeadlineExceeded));
  EXPECT_THAT(parent.err(), IsError(kNil));

  clock.advance(50ms);
  EXPECT_THAT(parent.err(), IsError(conc::DeadlineExceeded));
}

// X5, X2: cancel() before the deadline gives Canceled, and the deadline passing later does not
// change it.
TEST(ContextDeadline, CancelBeforeTheDeadlineWinsForGood) {
  FakeClock clock;
  const auto [ctx, cancel] = conc::with_timeout(conc::background(), 50ms);
  clock.advance(10ms);
  cancel();
  EXPECT_THAT(ctx.err(), IsError(conc::Canceled));

  clock.advance(1s);
  EXPECT_THAT(ctx.err(), IsError(conc::Canceled));
}

// X5, X2: cancel() after the deadline passed does nothing: err() stays DeadlineExceeded.
TEST(ContextDeadline, CancelAfterTheDeadlineKeepsDeadlineExceeded) {
  FakeClock clock;
  const auto [ctx, cancel] = conc::with_timeout(conc::background(), 50ms);
  clock.advance(50ms);
  cancel();
  EXPECT_THAT(ctx.err(), IsError(conc::DeadlineExceeded));
}

// X4, X5: when a parent's deadline passes, its descendants end with DeadlineExceeded too.
TEST(ContextDeadline, ParentsDeadlineReachesDescendantsAsDeadlineExceeded) {
  FakeClock clock;
  const auto [parent, cancel] = conc::with_timeout(conc::background(), 50ms);
  const auto [child, cancel_child] = conc::with_cancel(parent);
  const auto [grandchild, cancel_grandchild] = conc::with_cancel(child);

  clock.advance(50ms);

  EXPECT_TRUE(is_done(grandchild));
  EXPECT_THAT(child.err(), IsError(conc::DeadlineExceeded));
  EXPECT_THAT(grandchild.err(), IsError(conc::DeadlineExceeded));
}

// Contract (FakeClock): advance() cancels exactly the contexts whose deadline became due.
TEST(ContextDeadline, AdvanceCancelsOnlyTheDeadlinesThatBecameDue) {
  FakeClock clock;
  const auto [early, cancel_early] = conc::with_timeout(conc::background(), 10ms);
  const auto [late, cancel_late] = conc::with_timeout(conc::background(), 30ms);

  clock.advance(20ms);
  EXPECT_THAT(early.err(), IsError(conc::DeadlineExceeded));
  EXPECT_THAT(late.err(), IsError(kNil));

  clock.advance(10ms);
  EXPECT_THAT(late.err(), IsError(conc::DeadlineExceeded));
}

// T11, contract: a huge timeout saturates at the largest time point, and never fires.
TEST(ContextDeadline, HugeTimeoutSaturatesAndNeverFires) {
  FakeClock clock;
  const auto [ctx, cancel] = conc::with_timeout(conc::background(), conc::Duration::max());
  EXPECT_EQ(ctx.deadline(), conc::TimePoint::max());

  clock.advance(std::chrono::hours(24 * 365 * 100));
  EXPECT_FALSE(is_done(ctx));
  EXPECT_THAT(ctx.err(), IsError(kNil));
}

// X5: the deadline wakes a goroutine blocked in a select on done().
TEST(ContextDeadline, DeadlineWakesAGoroutineBlockedOnDone) {
  FakeClock clock;
  const auto [ctx, cancel] = conc::with_timeout(conc::background(), 50ms);
  const auto results = conc::make_chan<int>();  // nobody sends: only done() can wake the select
  const auto seen = conc::make_chan<conc::Error>(1);
  const std::size_t already_blocked = conc::debug::blocked_threads().size();
  conc::go([ctx = ctx, results, seen] {
    conc::select(conc::case_recv(results),
                 conc::case_recv(ctx.done(), [&] { seen.send(ctx.err()); }));
  });
  ASSERT_TRUE(conc::testing::wait_blocked(already_blocked + 1, kSafety));

  clock.advance(50ms);

  const auto err = seen.recv();
  ASSERT_TRUE(err);
  EXPECT_THAT(*err, IsError(conc::DeadlineExceeded));
}

// ---------------------------------------------------------------------------------------------
// Context trees under concurrency and lifetimes

// X3, X4 (stress, for ThreadSanitizer): threads create children and grandchildren, and cancel
// some of them, while the parent is cancelled. Every one ends cancelled: those born after the
// parent's cancel are born cancelled, the others are reached by it.
TEST(ContextTree, ChildrenMadeWhileTheParentIsCancelledAllEndCancelled) {
  constexpr int kThreads = 4;
  constexpr int kChildren = 200;
  FakeClock clock;  // the children's timeouts are virtual: only cancellation ends them
  const auto [parent, cancel] = conc::with_cancel(conc::background());
  std::latch first_children_made(kThreads);
  std::vector<std::vector<conc::Context>> made(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t, parent = parent] {  // parent named: see ManyThreadsCancelling
        for (int i = 0; i < kChildren; ++i) {
          auto [child, cancel_child] =
              i % 2 == 0 ? conc::with_cancel(parent) : conc::with_timeout(parent, 1h);
          auto [grandchild, cancel_grandchild] = conc::with_cancel(child);
          if (i % 3 == 0) cancel_child();
          made[t].push_back(child);
          made[t].push_back(grandchild);
          if (i == kChildren / 4) first_children_made.count_down();
        }
      });
    }
    first_children_made.wait();
    cancel();
  }  // joined

  for (const auto& contexts : made) {
    for (const conc::Context& ctx : contexts) {
      ASSERT_TRUE(is_done(ctx));
      ASSERT_THAT(ctx.err(), IsError(conc::Canceled));
    }
  }
}

// Dropping a child and its CancelFunc without calling it is allowed (Go's vet would complain, but
// it is not an error): the parent's later cancel and deadline must neither crash nor touch it.
// A grandchild that is kept is still reached through its dropped parent.
TEST(ContextTree, DroppedChildrenDoNotBreakTheParentsCancel) {
  FakeClock clock;
  const auto [parent, cancel] = conc::with_cancel(conc::background());
  for (int i = 0; i < 100; ++i) {
    auto [child, cancel_child] =
        i % 2 == 0 ? conc::with_cancel(parent) : conc::with_timeout(parent, 10ms);
    auto [grandchild, cancel_grandchild] = conc::with_cancel(child);
  }  // all dropped, never cancelled
  const auto [kept, cancel_kept] = conc::with_cancel(parent);
  const conc::Context kept_grandchild = conc::with_cancel(conc::with_cancel(parent).first).first;

  clock.advance(20ms);  // the dropped children's deadlines pass: nothing is left to fire
  EXPECT_THAT(parent.err(), IsError(kNil));
  EXPECT_THAT(kept_grandchild.err(), IsError(kNil));

  cancel();
  EXPECT_THAT(kept.err(), IsError(conc::Canceled));
  EXPECT_THAT(kept_grandchild.err(), IsError(conc::Canceled));
}

}  // namespace
