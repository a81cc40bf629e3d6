// Tests of conc::Chan<T> (<conc/chan.hpp>): Go's channel rules C1–C11 of
// shared/notes/go-semantics.md, as an operation × outcome grid (send / recv / close / len / range
// on unbuffered, buffered, closed and nil channels).
//
// How these tests order events without sleeping: a thread that must block is started, and
// conc::testing::wait_blocked(n, ...) waits until n threads are parked in a conc operation. Only
// then does the test act (receive, close, ...) and check what follows. The time-outs below are
// a safety net for a broken library; a passing test never waits for them.
//
// Every test leaves no thread blocked behind it: a parked thread would count in the next test's
// wait_blocked(). The one thing that blocks forever (the nil channel) is tested in a child
// process (a GoogleTest death test), so the thread it strands dies with the child.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/chan.hpp"
#include "conc/debug.hpp"
#include "conc/go.hpp"
#include "conc/select.hpp"
#include "conc/testing.hpp"
#include "support.hpp"
#include "conc/waitgroup.hpp"

namespace {

using conc_tests::closed_channel_error_of;
using conc_tests::parked;
using conc::Chan;
using conc::ClosedChannelError;
using conc::make_chan;
using conc::RecvChan;
using conc::SendChan;
using conc::Unit;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

// ---------------------------------------------------------------------------------------------
// C1: an unbuffered send completes only when a receiver takes the value; a buffered channel
// blocks a sender only while full and a receiver only while empty.

// C1
TEST(Chan, UnbufferedSendBlocksUntilAReceiverTakesTheValue) {
  auto ch = make_chan<int>();
  std::atomic<bool> send_returned{false};
  std::jthread sender([&] {
    ch.send(42);
    send_returned = true;
  });

  EXPECT_TRUE(parked(1)) << "the sender should block: nobody receives yet";
  EXPECT_FALSE(send_returned);
  EXPECT_EQ(ch.len(), 0u) << "an unbuffered channel never holds a value";

  EXPECT_THAT(ch.recv(), Optional(42));
  sender.join();
  EXPECT_TRUE(send_returned);
}

// C1
TEST(Chan, UnbufferedRecvBlocksUntilASenderArrives) {
  auto ch = make_chan<int>();
  std::optional<int> received;
  std::jthread receiver([&] { received = ch.recv(); });

  EXPECT_TRUE(parked(1)) << "the receiver should block: nobody sends yet";
  ch.send(7);  // returns once the receiver has the value
  receiver.join();
  EXPECT_THAT(received, Optional(7));
}

// C1
TEST(Chan, BufferedSendDoesNotBlockUntilTheBufferIsFull) {
  auto ch = make_chan<int>(3);
  ch.send(1);  // none of these three blocks: there is room
  ch.send(2);
  ch.send(3);
  EXPECT_EQ(ch.len(), 3u);

  std::atomic<bool> fourth_returned{false};
  std::jthread sender([&] {
    ch.send(4);  // the buffer is full: blocks until a receive makes room
    fourth_returned = true;
  });
  EXPECT_TRUE(parked(1));
  EXPECT_FALSE(fourth_returned);

  EXPECT_THAT(ch.recv(), Optional(1));
  sender.join();
  EXPECT_TRUE(fourth_returned);
  EXPECT_EQ(ch.len(), 3u);
  EXPECT_THAT(ch.recv(), Optional(2));
  EXPECT_THAT(ch.recv(), Optional(3));
  EXPECT_THAT(ch.recv(), Optional(4));
}

// C1
TEST(Chan, BufferedRecvBlocksOnlyWhileTheBufferIsEmpty) {
  auto ch = make_chan<int>(2);
  ch.send(5);
  EXPECT_THAT(ch.recv(), Optional(5));  // a value is buffered: no wait

  std::optional<int> received;
  std::jthread receiver([&] { received = ch.recv(); });
  EXPECT_TRUE(parked(1)) << "the buffer is empty: the receiver should block";
  ch.send(6);
  // The waiting receiver got the value directly from the sender (no buffer hop, C12): nothing
  // is left in the buffer when send() returns.
  EXPECT_EQ(ch.len(), 0u);
  receiver.join();
  EXPECT_THAT(received, Optional(6));
}

// ---------------------------------------------------------------------------------------------
// C3 (and C12, the runtime's queues): values are received in the order they were sent.

// C3
TEST(Chan, BufferedValuesAreReceivedInSendOrder) {
  auto ch = make_chan<int>(5);
  for (int i = 0; i < 5; ++i) ch.send(i);
  for (int i = 0; i < 5; ++i) EXPECT_THAT(ch.recv(), Optional(i));
}

// C3, C12: blocked senders are served first come, first served (direct hand-off path).
TEST(Chan, BlockedSendersAreServedInTheOrderTheyBlocked) {
  auto ch = make_chan<int>();
  std::jthread first([&] { ch.send(1); });
  EXPECT_TRUE(parked(1));
  std::jthread second([&] { ch.send(2); });
  EXPECT_TRUE(parked(2));

  EXPECT_THAT(ch.recv(), Optional(1));
  EXPECT_THAT(ch.recv(), Optional(2));
}

// C3, C12: blocked receivers are served first come, first served (direct hand-off path).
TEST(Chan, BlockedReceiversAreServedInTheOrderTheyBlocked) {
  auto ch = make_chan<int>(1);  // buffered, but empty: the receivers wait all the same
  std::optional<int> got_first;
  std::optional<int> got_second;
  std::jthread first([&] { got_first = ch.recv(); });
  EXPECT_TRUE(parked(1));
  std::jthread second([&] { got_second = ch.recv(); });
  EXPECT_TRUE(parked(2));

  ch.send(1);
  ch.send(2);
  first.join();
  second.join();
  EXPECT_THAT(got_first, Optional(1));
  EXPECT_THAT(got_second, Optional(2));
}

// C3, C12: with a full buffer and senders waiting, each receive takes the head of the buffer and
// moves the first waiting sender's value to its tail, so the order is still the send order.
TEST(Chan, ReceiveFromAFullBufferMovesTheFirstWaitingSendersValueIn) {
  auto ch = make_chan<int>(2);
  ch.send(1);
  ch.send(2);
  std::jthread third([&] { ch.send(3); });
  EXPECT_TRUE(parked(1));
  std::jthread fourth([&] { ch.send(4); });
  EXPECT_TRUE(parked(2));

  EXPECT_THAT(ch.recv(), Optional(1));
  third.join();  // its value moved into the buffer: it has returned
  EXPECT_EQ(ch.len(), 2u);
  EXPECT_THAT(ch.recv(), Optional(2));
  fourth.join();
  EXPECT_EQ(ch.len(), 2u);
  EXPECT_THAT(ch.recv(), Optional(3));
  EXPECT_THAT(ch.recv(), Optional(4));
  EXPECT_EQ(ch.len(), 0u);
}

// C3: many values through a small buffer, the sender often blocked on a full buffer and the
// receiver often waiting on an empty one: every path (buffer, direct hand-off, sender's value
// moved in by a receiver) keeps the order.
TEST(Chan, ManyValuesThroughASmallBufferArriveInOrder) {
  constexpr int kValues = 20000;
  for (std::size_t capacity : {0u, 1u, 2u}) {
    SCOPED_TRACE(testing::Message() << "capacity " << capacity);
    auto ch = make_chan<int>(capacity);
    std::jthread sender([ch] {
      for (int i = 0; i < kValues; ++i) ch.send(i);
      ch.close();
    });
    int expected = 0;
    for (int v : ch) {
      if (v != expected) {
        ADD_FAILURE() << "received " << v << " where " << expected << " was expected";
        break;
      }
      ++expected;
    }
    EXPECT_EQ(expected, kValues);
    for (std::optional<int> v = ch.recv(); v; v = ch.recv()) {  // drain after a failure
    }
  }
}

// ---------------------------------------------------------------------------------------------
// C4, C8: receivers drain what is buffered, then get nullopt (Go: zero, false) forever.

// C4, C8
TEST(Chan, RecvOnAClosedChannelDrainsTheBufferThenReturnsNulloptForever) {
  auto ch = make_chan<int>(3);
  ch.send(1);
  ch.send(2);
  ch.close();
  EXPECT_EQ(ch.len(), 2u) << "closing keeps the buffered values";

  EXPECT_THAT(ch.recv(), Optional(1));
  EXPECT_THAT(ch.recv(), Optional(2));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ch.recv(), std::nullopt);
}

// C4
TEST(Chan, RecvOnAClosedUnbufferedChannelReturnsNulloptAtOnce) {
  auto ch = make_chan<int>();
  ch.close();
  EXPECT_EQ(ch.recv(), std::nullopt);
  EXPECT_EQ(ch.recv(), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// C5, C6: misuse throws ClosedChannelError (a std::logic_error) with Go's panic message.

// C5
TEST(Chan, SendOnAClosedChannelThrows) {
  for (std::size_t capacity : {0u, 2u}) {
    SCOPED_TRACE(testing::Message() << "capacity " << capacity);
    auto ch = make_chan<int>(capacity);
    ch.close();
    EXPECT_EQ(closed_channel_error_of([&] { ch.send(1); }), "send on closed channel");
    EXPECT_THROW(ch.send(1), std::logic_error);
    EXPECT_EQ(ch.len(), 0u) << "the value must not be buffered";
    EXPECT_EQ(ch.recv(), std::nullopt);
  }
}

// C6
TEST(Chan, CloseOfAClosedChannelThrows) {
  auto ch = make_chan<int>(1);
  ch.send(1);
  ch.close();
  EXPECT_EQ(closed_channel_error_of([&] { ch.close(); }), "close of closed channel");
  EXPECT_THAT(ch.recv(), Optional(1)) << "the failed close must not disturb the channel";
}

// C6
TEST(Chan, CloseOfTheNilChannelThrows) {
  EXPECT_EQ(closed_channel_error_of([] { Chan<int>{}.close(); }), "close of nil channel");
  EXPECT_EQ(closed_channel_error_of([] { SendChan<int>{}.close(); }), "close of nil channel");
  EXPECT_THROW(Chan<int>{}.close(), std::logic_error);
}

// ---------------------------------------------------------------------------------------------
// C7: close wakes every blocked receiver and every blocked sender.

// C7
TEST(Chan, CloseWakesEveryBlockedReceiverWithNullopt) {
  constexpr int kReceivers = 3;
  auto ch = make_chan<int>();
  std::vector<std::optional<int>> received(kReceivers, 99);  // each written by one goroutine
  conc::WaitGroup wg;
  for (int i = 0; i < kReceivers; ++i) wg.go([&, i] { received[i] = ch.recv(); });

  EXPECT_TRUE(parked(kReceivers)) << "all receivers should be waiting before the close";
  ch.close();
  wg.wait();  // returns only if every receiver woke
  for (const auto& r : received) EXPECT_EQ(r, std::nullopt);
}

// C7
TEST(Chan, CloseWakesEveryBlockedSenderAndTheyThrow) {
  constexpr int kSenders = 3;
  auto ch = make_chan<int>();
  std::vector<std::string> errors(kSenders);  // each written by one goroutine
  conc::WaitGroup wg;
  for (int i = 0; i < kSenders; ++i) {
    wg.go([&, i] { errors[i] = closed_channel_error_of([&] { ch.send(i); }); });
  }

  EXPECT_TRUE(parked(kSenders)) << "all senders should be waiting before the close";
  ch.close();
  wg.wait();
  for (const auto& e : errors) EXPECT_EQ(e, "send on closed channel");
  EXPECT_EQ(ch.recv(), std::nullopt) << "no sender's value may reach the channel";
}

// C7, C8: senders blocked on a full buffer throw; what was buffered before the close survives.
TEST(Chan, CloseOfAFullBufferFailsTheWaitingSendersButKeepsTheBuffer) {
  auto ch = make_chan<int>(1);
  ch.send(1);
  std::vector<std::string> errors(2);
  conc::WaitGroup wg;
  for (int i = 0; i < 2; ++i) {
    wg.go([&, i] { errors[i] = closed_channel_error_of([&] { ch.send(10 + i); }); });
  }
  EXPECT_TRUE(parked(2));
  ch.close();
  wg.wait();
  EXPECT_THAT(errors, ElementsAre("send on closed channel", "send on closed channel"));
  EXPECT_THAT(ch.recv(), Optional(1));
  EXPECT_EQ(ch.recv(), std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// C9: len is the number of buffered values, cap the buffer size; 0 and 0 for the nil channel.

// C9
TEST(Chan, LenCountsBufferedValuesAndCapIsTheBufferSize) {
  auto ch = make_chan<int>(3);
  EXPECT_EQ(ch.cap(), 3u);
  EXPECT_EQ(ch.len(), 0u);
  ch.send(1);
  ch.send(2);
  EXPECT_EQ(ch.len(), 2u);
  EXPECT_EQ(ch.cap(), 3u);
  (void)ch.recv();
  EXPECT_EQ(ch.len(), 1u);
  ch.close();
  EXPECT_EQ(ch.len(), 1u);
  EXPECT_EQ(ch.cap(), 3u);

  auto unbuffered = make_chan<int>();
  EXPECT_EQ(unbuffered.cap(), 0u);
  EXPECT_EQ(unbuffered.len(), 0u);
  std::jthread sender([&] { unbuffered.send(1); });
  EXPECT_TRUE(parked(1));
  EXPECT_EQ(unbuffered.len(), 0u) << "a blocked sender's value is not in the channel";
  (void)unbuffered.recv();
}

// C9
TEST(Chan, NilChannelHasLenAndCapZero) {
  EXPECT_EQ(Chan<int>{}.len(), 0u);
  EXPECT_EQ(Chan<int>{}.cap(), 0u);
  EXPECT_EQ(SendChan<int>{}.len(), 0u);
  EXPECT_EQ(SendChan<int>{}.cap(), 0u);
  EXPECT_EQ(RecvChan<int>{}.len(), 0u);
  EXPECT_EQ(RecvChan<int>{}.cap(), 0u);
}

// C9: len and cap may be called from any thread while others use the channel (TSan checks it).
TEST(Chan, LenAndCapAreSafeWhileOtherThreadsUseTheChannel) {
  auto ch = make_chan<int>(4);
  std::jthread sender([ch] {
    for (int i = 0; i < 2000; ++i) ch.send(i);
    ch.close();
  });
  std::size_t max_len = 0;
  for (std::optional<int> v = ch.recv(); v; v = ch.recv()) {
    max_len = std::max(max_len, ch.len());
    EXPECT_EQ(ch.cap(), 4u);
  }
  EXPECT_LE(max_len, 4u);
}

// ---------------------------------------------------------------------------------------------
// C2: the nil channel is never ready.

// C2: checked without blocking, through a select with a default case.
TEST(Chan, NilChannelIsNeverReady) {
  Chan<int> nil;
  EXPECT_EQ(conc::select(conc::case_send(nil, 1), conc::case_default()), 1u);
  EXPECT_EQ(conc::select(conc::case_recv(nil), conc::case_default()), 1u);
}

// C2: send, receive and range on the nil channel block forever. A thread stuck there can never
// be woken or joined, so it runs in a child process (a death test): the child checks that the
// three threads are parked for good, then exits, and the stranded threads die with it.
TEST(ChanDeathTest, NilChannelSendRecvAndRangeBlockForever) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // the child re-runs the binary: no fork of threads
  EXPECT_EXIT(
      {
        Chan<int> nil;
        std::thread([nil] { nil.send(1); std::_Exit(10); }).detach();
        std::thread([nil] { (void)nil.recv(); std::_Exit(11); }).detach();
        std::thread([nil] {
          for ([[maybe_unused]] int v : nil) {
          }
          std::_Exit(12);
        }).detach();
        const bool all_parked = parked(3);
        const std::string report = conc::debug::describe_blocked();
        std::fprintf(stderr, "%s\n", report.c_str());
        const bool named = report.find("send on nil channel") != std::string::npos &&
                           report.find("receive from nil channel") != std::string::npos;
        std::_Exit(all_parked && named ? 0 : 1);
      },
      testing::ExitedWithCode(0), "send on nil channel");
}

// ---------------------------------------------------------------------------------------------
// C10: Chan<T> converts to the directional views SendChan<T> (chan<- T) and RecvChan<T>
// (<-chan T); each view offers only its end, and a view never converts back.

template <class C>
concept CanSend = requires(const C& c) { c.send(1); };
template <class C>
concept CanRecv = requires(const C& c) { c.recv(); };
template <class C>
concept CanClose = requires(const C& c) { c.close(); };
template <class C>
concept CanRange = requires(const C& c) { c.begin(); };

// C10: compile-time checks (the test body only runs what the static_asserts already proved).
TEST(Chan, DirectionalViewsOfferOnlyTheirEnd) {
  static_assert(CanSend<Chan<int>> && CanRecv<Chan<int>> && CanClose<Chan<int>> &&
                CanRange<Chan<int>>);
  static_assert(CanSend<SendChan<int>> && CanClose<SendChan<int>>);
  static_assert(!CanRecv<SendChan<int>> && !CanRange<SendChan<int>>,
                "a send-only channel cannot be received from");
  static_assert(CanRecv<RecvChan<int>> && CanRange<RecvChan<int>>);
  static_assert(!CanSend<RecvChan<int>> && !CanClose<RecvChan<int>>,
                "a receive-only channel can be neither sent on nor closed");

  static_assert(std::is_convertible_v<Chan<int>, SendChan<int>>);
  static_assert(std::is_convertible_v<Chan<int>, RecvChan<int>>);
  static_assert(!std::is_convertible_v<SendChan<int>, Chan<int>>, "not the reverse");
  static_assert(!std::is_convertible_v<RecvChan<int>, Chan<int>>, "not the reverse");
  static_assert(!std::is_convertible_v<SendChan<int>, RecvChan<int>>);
  static_assert(!std::is_convertible_v<RecvChan<int>, SendChan<int>>);
  SUCCEED();
}

// C10
TEST(Chan, DirectionalViewsUseTheSameChannel) {
  auto ch = make_chan<int>(2);
  SendChan<int> out = ch;
  RecvChan<int> in = ch;
  EXPECT_EQ(out.cap(), 2u);
  EXPECT_EQ(in.cap(), 2u);

  out.send(1);
  out.send(2);
  EXPECT_EQ(in.len(), 2u);
  EXPECT_EQ(out.len(), 2u);
  EXPECT_THAT(in.recv(), Optional(1));
  out.close();
  std::vector<int> rest;
  for (int v : in) rest.push_back(v);
  EXPECT_THAT(rest, ElementsAre(2));
  EXPECT_EQ(ch.recv(), std::nullopt) << "closed through the view";
}

// C10: a function that takes a view says which end it uses, as in Go.
TEST(Chan, FunctionsTakeTheEndTheyUse) {
  auto produce = [](SendChan<int> out) {
    for (int i = 1; i <= 3; ++i) out.send(i);
    out.close();
  };
  auto consume = [](RecvChan<int> in) {
    int sum = 0;
    for (int v : in) sum += v;
    return sum;
  };
  auto ch = make_chan<int>();
  std::jthread producer(produce, ch);
  EXPECT_EQ(consume(ch), 6);
}

// ---------------------------------------------------------------------------------------------
// Handles: copies share one channel; == compares channel identity, as Go's == on channels.

TEST(Chan, CopiesOfAHandleShareOneChannel) {
  auto a = make_chan<int>(1);
  Chan<int> b = a;
  a.send(1);
  EXPECT_EQ(b.len(), 1u);
  EXPECT_THAT(b.recv(), Optional(1));
  b.close();
  EXPECT_EQ(a.recv(), std::nullopt);

  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a == make_chan<int>(1)) << "another channel, even if alike";
  EXPECT_TRUE(Chan<int>{} == Chan<int>{}) << "nil equals nil";
  EXPECT_FALSE(a == Chan<int>{});
  EXPECT_TRUE(SendChan<int>(a) == SendChan<int>(b));
  EXPECT_TRUE(RecvChan<int>(a) == RecvChan<int>(b));
  EXPECT_FALSE(RecvChan<int>(a) == RecvChan<int>{});
}

TEST(Chan, TheChannelLivesWhileAnyHandleDoes) {
  RecvChan<std::string> in;
  {
    auto ch = make_chan<std::string>(1);
    ch.send("kept");
    in = ch;
  }  // the last Chan handle is gone; the view still holds the channel
  EXPECT_THAT(in.recv(), Optional(std::string("kept")));
}

// ---------------------------------------------------------------------------------------------
// Range: for (T v : ch) receives until the channel is closed and drained.

// C4, C8
TEST(Chan, RangeForStopsWhenTheChannelIsClosedAndDrained) {
  auto ch = make_chan<int>();
  std::jthread producer([ch] {
    for (int i = 1; i <= 5; ++i) ch.send(i);
    ch.close();
  });
  std::vector<int> got;
  for (int v : ch) got.push_back(v);
  EXPECT_THAT(got, ElementsAre(1, 2, 3, 4, 5));
}

// C8
TEST(Chan, RangeForOverAClosedBufferedChannelYieldsWhatWasBuffered) {
  auto ch = make_chan<int>(3);
  ch.send(1);
  ch.send(2);
  ch.close();
  std::vector<int> got;
  for (int v : ch) got.push_back(v);
  EXPECT_THAT(got, ElementsAre(1, 2));
}

// ---------------------------------------------------------------------------------------------
// Element types: a move-only value travels through every path.

TEST(Chan, CarriesMoveOnlyValues) {
  auto ch = make_chan<std::unique_ptr<int>>(1);
  ch.send(std::make_unique<int>(1));  // buffered
  std::jthread sender([ch] { ch.send(std::make_unique<int>(2)); });  // waits on a full buffer
  EXPECT_TRUE(parked(1));

  std::optional<std::unique_ptr<int>> first = ch.recv();  // moves the waiting value in
  sender.join();
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(**first, 1);
  std::optional<std::unique_ptr<int>> second = ch.recv();
  ASSERT_TRUE(second && *second);
  EXPECT_EQ(**second, 2);

  auto unbuffered = make_chan<std::unique_ptr<int>>();  // direct hand-off
  std::jthread producer([unbuffered] {
    unbuffered.send(std::make_unique<int>(3));
    unbuffered.close();
  });
  std::vector<int> got;
  for (std::unique_ptr<int>& p : unbuffered) got.push_back(*p);
  EXPECT_THAT(got, ElementsAre(3));
}

// ---------------------------------------------------------------------------------------------
// C11: the memory model. The payloads below are plain (non-atomic) memory; the channel operation
// is the only synchronisation between the threads, so ThreadSanitizer reports a data race if
// the library does not give the happens-before edge, and a wrong value is seen without it.

struct Payload {
  int values[256];
  void fill(int seed) {
    for (int i = 0; i < 256; ++i) values[i] = seed + i;
  }
  bool holds(int seed) const {
    for (int i = 0; i < 256; ++i) {
      if (values[i] != seed + i) return false;
    }
    return true;
  }
};

// C11: a send happens before the matching receive completes.
TEST(Chan, WritesBeforeASendAreVisibleAfterTheReceive) {
  for (std::size_t capacity : {0u, 1u}) {
    SCOPED_TRACE(testing::Message() << "capacity " << capacity);
    for (int round = 0; round < 50; ++round) {
      auto payload = std::make_unique<Payload>();
      auto ready = make_chan<Unit>(capacity);
      std::jthread writer([&payload, ready, round] {
        payload->fill(round);
        ready.send(Unit{});
      });
      ASSERT_TRUE(ready.recv());
      EXPECT_TRUE(payload->holds(round));
    }
  }
}

// C11: close happens before a receive that returns nullopt because the channel is closed.
TEST(Chan, WritesBeforeACloseAreVisibleToAReceiverThatSeesTheClose) {
  for (int round = 0; round < 50; ++round) {
    auto payload = std::make_unique<Payload>();
    auto done = make_chan<Unit>();
    std::jthread writer([&payload, done, round] {
      payload->fill(round);
      done.close();
    });
    EXPECT_EQ(done.recv(), std::nullopt);
    EXPECT_TRUE(payload->holds(round));
  }
}

// C11: a receive from an unbuffered channel happens before the matching send completes.
TEST(Chan, WritesBeforeAnUnbufferedReceiveAreVisibleAfterTheSendReturns) {
  for (int round = 0; round < 50; ++round) {
    auto payload = std::make_unique<Payload>();
    auto ch = make_chan<int>();
    std::jthread receiver([&payload, ch, round] {
      payload->fill(round);
      (void)ch.recv();
    });
    ch.send(round);
    EXPECT_TRUE(payload->holds(round));
  }
}

// C11: the k-th receive from a channel of capacity C happens before the (k+C)-th send completes
// (a buffered channel as a semaphore). Here C = 1: the worker's first send happens before the
// test's (the latch orders them), so the worker's receive releases the test's send.
TEST(Chan, AReceiveFromACapacityOneChannelHappensBeforeTheNextSendCompletes) {
  for (int round = 0; round < 50; ++round) {
    auto payload = std::make_unique<Payload>();
    auto slot = make_chan<Unit>(1);
    std::latch first_send_done(1);
    std::jthread worker([&, slot, round] {
      slot.send(Unit{});            // send #1: takes the slot
      first_send_done.count_down();  // orders only send #1, not the writes below
      payload->fill(round);
      (void)slot.recv();  // receive #1: frees the slot
    });
    first_send_done.wait();
    slot.send(Unit{});  // send #2: completes only after receive #1
    EXPECT_TRUE(payload->holds(round));
  }
}

// ---------------------------------------------------------------------------------------------
// Stress: many producers and many consumers; every value is received exactly once, and each
// consumer sees each producer's values in the order they were sent (C3).

class ChanStress : public testing::TestWithParam<std::size_t> {};

// C1, C3, C7
TEST_P(ChanStress, ManyProducersAndConsumersReceiveEveryValueExactlyOnce) {
  constexpr int kProducers = 4;
  constexpr int kConsumers = 4;
  constexpr int kPerProducer = 5000;
  auto ch = make_chan<int>(GetParam());

  std::vector<std::vector<int>> received(kConsumers);  // each written by one consumer
  conc::WaitGroup consumers;
  for (int c = 0; c < kConsumers; ++c) {
    consumers.go([ch, &mine = received[c]] {
      for (int v : ch) mine.push_back(v);
    });
  }
  conc::WaitGroup producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.go([ch, p] {
      for (int i = 0; i < kPerProducer; ++i) ch.send(p * kPerProducer + i);
    });
  }
  producers.wait();
  ch.close();
  consumers.wait();

  std::vector<int> all;
  long long checksum = 0;
  for (const auto& mine : received) {
    std::vector<int> last(kProducers, -1);  // per producer, the last value this consumer saw
    for (int v : mine) {
      const int producer = v / kPerProducer;
      EXPECT_LT(last[producer], v) << "values of one producer out of order";
      last[producer] = v;
      checksum += v;
    }
    all.insert(all.end(), mine.begin(), mine.end());
  }
  constexpr long long kTotal = static_cast<long long>(kProducers) * kPerProducer;
  EXPECT_EQ(checksum, kTotal * (kTotal - 1) / 2);
  std::sort(all.begin(), all.end());
  std::vector<int> expected(kTotal);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_TRUE(all == expected) << "some value was lost or received twice (" << all.size()
                               << " values received, " << kTotal << " sent)";
}

INSTANTIATE_TEST_SUITE_P(Capacities, ChanStress, testing::Values(0u, 1u, 16u),
                         [](const testing::TestParamInfo<std::size_t>& p) {
                           return p.param == 0 ? std::string("Unbuffered")
                                                  : "Buffered" + std::to_string(p.param);
                         });

// ---------------------------------------------------------------------------------------------
// conc::debug: what a parked goroutine waits for, for the watchdog's report of a hung test.

TEST(Chan, DescribeBlockedNamesTheChannelOperationOfAParkedGoroutine) {
  auto ch = make_chan<int>(1);
  conc::WaitGroup wg;

  wg.go([ch] { (void)ch.recv(); });
  EXPECT_TRUE(parked(1));
  std::string report = conc::debug::describe_blocked();
  EXPECT_THAT(report, HasSubstr("goroutine "));
  EXPECT_THAT(report, HasSubstr("blocked in channel receive"));
  ch.send(1);
  wg.wait();  // the receiver has returned: it is no longer listed

  ch.send(2);  // fills the buffer
  wg.go([ch] { ch.send(3); });
  EXPECT_TRUE(parked(1));
  report = conc::debug::describe_blocked();
  EXPECT_THAT(report, HasSubstr("blocked in channel send"));
  EXPECT_THAT(report, HasSubstr("cap 1 len 1"));
  EXPECT_THAT(ch.recv(), Optional(2));
  wg.wait();
  EXPECT_THAT(ch.recv(), Optional(3));

  EXPECT_EQ(conc::debug::describe_blocked(), "no thread is blocked in conc");
}

}  // namespace
