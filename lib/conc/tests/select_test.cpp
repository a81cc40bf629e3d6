// Tests of conc::select (<conc/select.hpp>): Go's select rules S1–S6 of
// shared/notes/go-semantics.md and the contract of design.md §4.
//
// How these tests order events without sleeping: a thread that must block in select is started,
// and conc::testing::wait_blocked(n, ...) waits until n threads are parked in a conc operation.
// Only then does the test send, receive or close, and check which case fired. The time-outs are
// a safety net for a broken library; a passing test never waits for them.
//
// Random choice is tested statistically; each such test states the probability that a correct
// library fails it (always below 1e-9).

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/chan.hpp"
#include "conc/debug.hpp"
#include "conc/select.hpp"
#include "conc/testing.hpp"
#include "support.hpp"
#include "conc/waitgroup.hpp"

namespace {

using conc_tests::closed_channel_error_of;
using conc_tests::parked;
using conc::case_default;
using conc::case_recv;
using conc::case_send;
using conc::Chan;
using conc::ClosedChannelError;
using conc::make_chan;
using conc::RecvChan;
using conc::SendChan;
using conc::Unit;
using ::testing::HasSubstr;
using ::testing::Optional;

// ---------------------------------------------------------------------------------------------
// The result: select returns the argument position of the case that ran (default included).

// S2
TEST(Select, ReturnsTheArgumentPositionOfTheCaseThatRan) {
  auto empty = make_chan<int>(1);
  auto full = make_chan<int>(1);
  full.send(1);
  EXPECT_EQ(conc::select(case_recv(empty), case_recv(full), case_default()), 1u);
  EXPECT_EQ(conc::select(case_recv(empty), case_recv(full), case_default()), 2u);

  full.send(2);
  EXPECT_EQ(conc::select(case_default(), case_recv(empty), case_recv(full)), 2u);
  EXPECT_EQ(conc::select(case_default(), case_recv(empty), case_recv(full)), 0u);
  EXPECT_EQ(conc::select(case_send(empty, 3)), 0u);
  EXPECT_EQ(conc::select(case_recv(full), case_recv(empty)), 1u);
}

// ---------------------------------------------------------------------------------------------
// Cases and their handlers.

// S2
TEST(Select, AReadyRecvCaseRunsItsHandlerWithTheValue) {
  auto ch = make_chan<int>(1);
  auto other = make_chan<int>(1);
  ch.send(7);
  std::optional<int> got;
  int other_ran = 0;
  conc::select(case_recv(ch, [&](std::optional<int> v) { got = v; }),
               case_recv(other, [&](std::optional<int>) { ++other_ran; }));
  EXPECT_THAT(got, Optional(7));
  EXPECT_EQ(other_ran, 0) << "only the chosen case's handler runs";
  EXPECT_EQ(ch.len(), 0u);
}

// S2: a handler may also ignore the value (Go: case <-ch:); a case may have no handler at all.
TEST(Select, ARecvHandlerMayTakeNoArgumentAndAHandlerIsOptional) {
  auto ch = make_chan<int>(2);
  ch.send(1);
  ch.send(2);
  int ran = 0;
  EXPECT_EQ(conc::select(case_recv(ch, [&] { ++ran; })), 0u);
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(conc::select(case_recv(ch)), 0u);
  EXPECT_EQ(ch.len(), 0u) << "the case without a handler still received its value";
}

// S4: a receive case on a closed channel is ready: it drains the buffer, then receives nullopt.
TEST(Select, ARecvCaseOnAClosedChannelIsReadyAndReceivesNulloptOnceDrained) {
  auto ch = make_chan<int>(1);
  ch.send(1);
  ch.close();
  std::optional<int> got = 99;
  EXPECT_EQ(conc::select(case_recv(ch, [&](std::optional<int> v) { got = v; }), case_default()),
            0u);
  EXPECT_THAT(got, Optional(1));
  for (int i = 0; i < 3; ++i) {
    got = 99;
    EXPECT_EQ(conc::select(case_recv(ch, [&](std::optional<int> v) { got = v; }), case_default()),
              0u)
        << "a closed channel is ready: the default must not run";
    EXPECT_EQ(got, std::nullopt);
  }
}

// S2
TEST(Select, ASendCaseDeliversItsValueAndRunsItsHandler) {
  auto buffered = make_chan<int>(1);
  bool handler_ran = false;
  EXPECT_EQ(conc::select(case_send(buffered, 5, [&] { handler_ran = true; })), 0u);
  EXPECT_TRUE(handler_ran);
  EXPECT_THAT(buffered.recv(), Optional(5));

  auto unbuffered = make_chan<int>();
  std::optional<int> received;
  std::jthread receiver([&] { received = unbuffered.recv(); });
  EXPECT_TRUE(parked(1));
  EXPECT_EQ(conc::select(case_send(unbuffered, 6), case_default()), 0u)
      << "a waiting receiver makes the send case ready";
  receiver.join();
  EXPECT_THAT(received, Optional(6));
}

// S2
TEST(Select, DefaultRunsOnlyWhenNoCaseIsReady) {
  auto ch = make_chan<int>();
  int default_ran = 0;
  EXPECT_EQ(conc::select(case_recv(ch), case_send(ch, 1), case_default([&] { ++default_ran; })),
            2u);
  EXPECT_EQ(default_ran, 1);

  // A sender waiting on the unbuffered channel makes the receive case ready.
  std::jthread sender([ch] { ch.send(5); });
  EXPECT_TRUE(parked(1));
  std::optional<int> got;
  EXPECT_EQ(conc::select(case_recv(ch, [&](std::optional<int> v) { got = v; }),
                         case_default([&] { ++default_ran; })),
            0u);
  EXPECT_THAT(got, Optional(5));
  EXPECT_EQ(default_ran, 1) << "a case was ready: the default must not run";
}

// S1: a send case's value is evaluated on entry, whether or not its case is chosen (in C++ it is
// an argument, so this holds by construction; the test documents the rule).
TEST(Select, SendValuesAreEvaluatedOnEntryEvenForCasesNotChosen) {
  auto full = make_chan<int>(1);
  full.send(0);
  int evaluations = 0;
  auto next = [&] { return ++evaluations; };
  EXPECT_EQ(conc::select(case_send(full, next()), case_send(full, next()), case_default()), 2u);
  EXPECT_EQ(evaluations, 2);
}

// ---------------------------------------------------------------------------------------------
// S3: a case on a nil channel never fires.

// S3
TEST(Select, ACaseOnTheNilChannelNeverFires) {
  Chan<int> nil;
  auto ready = make_chan<int>(1);
  for (int i = 0; i < 100; ++i) {
    ready.send(i);
    EXPECT_EQ(conc::select(case_recv(nil), case_send(nil, 1), case_recv(ready)), 2u);
  }
}

// S3
TEST(Select, OnlyNilChannelsAndADefaultRunsTheDefault) {
  int default_ran = 0;
  EXPECT_EQ(conc::select(case_recv(RecvChan<int>{}), case_send(SendChan<int>{}, 1),
                         case_default([&] { ++default_ran; })),
            2u);
  EXPECT_EQ(default_ran, 1);
}

// S3: Go's idiom for turning a case off: once a channel is closed, replace it by the nil channel.
TEST(Select, MergeTurnsOffTheCaseOfEachChannelOnceItIsClosed) {
  auto a = make_chan<int>();
  auto b = make_chan<int>();
  std::jthread send_a([a] {
    for (int i = 0; i < 100; ++i) a.send(i);
    a.close();
  });
  std::jthread send_b([b] {
    for (int i = 100; i < 200; ++i) b.send(i);
    b.close();
  });

  RecvChan<int> in_a = a;
  RecvChan<int> in_b = b;
  std::vector<int> merged;
  int selects = 0;
  while (in_a != RecvChan<int>{} || in_b != RecvChan<int>{}) {
    ++selects;
    conc::select(case_recv(in_a, [&](std::optional<int> v) {
                   if (v) merged.push_back(*v); else in_a = {};  // closed: turn this case off
                 }),
                 case_recv(in_b, [&](std::optional<int> v) {
                   if (v) merged.push_back(*v); else in_b = {};
                 }));
  }
  std::sort(merged.begin(), merged.end());
  std::vector<int> expected(200);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(merged, expected);
  EXPECT_EQ(selects, 202) << "each close is seen exactly once: its case is off afterwards";
}

// S3: with no case, or only nil channels and no default, select blocks forever. A thread stuck
// there can never be woken or joined, so it runs in a child process (a death test): the child
// checks that both threads are parked for good, then exits, and they die with it.
TEST(SelectDeathTest, SelectWithNoCaseThatCanFireBlocksForever) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // the child re-runs the binary: no fork of threads
  EXPECT_EXIT(
      {
        std::thread([] {
          conc::select(case_recv(Chan<int>{}), case_send(Chan<int>{}, 1));
          std::_Exit(10);
        }).detach();
        std::thread([] {
          conc::select();
          std::_Exit(11);
        }).detach();
        const bool both_parked = parked(2);
        const std::string report = conc::debug::describe_blocked();
        std::fprintf(stderr, "%s\n", report.c_str());
        std::_Exit(both_parked ? 0 : 1);
      },
      testing::ExitedWithCode(0), "select with no case that can fire");
}

// ---------------------------------------------------------------------------------------------
// S4, C5: a send case on a closed channel is ready, and throws when chosen.

// S4
TEST(Select, ASendCaseOnAClosedChannelThrowsWhenChosen) {
  auto ch = make_chan<int>(1);
  ch.close();
  bool handler_ran = false;
  EXPECT_EQ(closed_channel_error_of(
                [&] { conc::select(case_send(ch, 1, [&] { handler_ran = true; })); }),
            "send on closed channel");
  EXPECT_EQ(closed_channel_error_of([&] { conc::select(case_send(ch, 1), case_default()); }),
            "send on closed channel")
      << "the closed channel's send case is ready: it is chosen over the default";
  EXPECT_FALSE(handler_ran);
  EXPECT_EQ(ch.len(), 0u);
}

// S4, C7
TEST(Select, CloseWakesASelectBlockedOnSendAndItThrows) {
  auto ch = make_chan<int>();
  auto other = make_chan<int>();
  std::string error;
  bool handler_ran = false;
  std::jthread selector([&] {
    error = closed_channel_error_of([&] {
      conc::select(case_send(ch, 1, [&] { handler_ran = true; }), case_recv(other));
    });
  });
  EXPECT_TRUE(parked(1));
  ch.close();
  selector.join();
  EXPECT_EQ(error, "send on closed channel");
  EXPECT_FALSE(handler_ran);
  EXPECT_EQ(conc::select(case_send(other, 1), case_default()), 1u)
      << "the select must not have left a receiver waiting on its other channel";
}

// S4, C7
TEST(Select, CloseWakesASelectBlockedOnRecvWithNullopt) {
  auto ch = make_chan<int>();
  auto other = make_chan<int>();
  std::optional<int> got = 99;
  std::size_t ran = 99;
  std::jthread selector([&] {
    ran = conc::select(case_recv(other), case_recv(ch, [&](std::optional<int> v) { got = v; }));
  });
  EXPECT_TRUE(parked(1));
  ch.close();
  selector.join();
  EXPECT_EQ(ran, 1u);
  EXPECT_EQ(got, std::nullopt);
}

// ---------------------------------------------------------------------------------------------
// S2: among ready cases, the choice is uniformly random.

// S2
TEST(Select, ChoosesUniformlyAtRandomAmongReadyCases) {
  // Two channels that are always ready: each handler puts back the value it took. If the choice
  // is fair, the count of a is Binomial(20000, 1/2). By Hoeffding's inequality a fair select
  // leaves [45%, 55%] with probability at most 2·exp(-2·20000·0.05²) = 2·e^-100 ≈ 7e-44, far
  // below 1e-9; a select that always polls in one order fails at once.
  constexpr int kRounds = 20000;
  auto a = make_chan<int>(1);
  auto b = make_chan<int>(1);
  a.send(0);
  b.send(0);
  int from_a = 0;
  int from_b = 0;
  for (int i = 0; i < kRounds; ++i) {
    const std::size_t ran = conc::select(case_recv(a, [&] { a.send(0); }),
                                         case_recv(b, [&] { b.send(0); }));
    (ran == 0 ? from_a : from_b) += 1;
  }
  EXPECT_EQ(from_a + from_b, kRounds);
  EXPECT_GE(from_a, kRounds * 45 / 100);
  EXPECT_LE(from_a, kRounds * 55 / 100);
}

// S2, S6: a select blocked with two cases on the same channel; when a sender comes, which case
// fires is random too (design.md §4). Each round fires case 0 with probability 1/2, so a
// correct library misses one of the cases in 100 rounds with probability 2·2^-100 ≈ 1.6e-30.
TEST(Select, ABlockedSelectWithTwoCasesOnOneChannelChoosesRandomlyWhenASenderComes) {
  constexpr int kRounds = 100;
  auto ch = make_chan<int>();
  auto chosen = make_chan<std::size_t>(1);  // never full: the test takes each result in turn
  std::jthread selector([ch, chosen] {
    for (int i = 0; i < kRounds; ++i) {
      std::optional<int> got;
      auto take = [&](std::optional<int> v) { got = v; };
      const std::size_t ran = conc::select(case_recv(ch, take), case_recv(ch, take));
      chosen.send(got == i ? ran : 99);  // 99: the value was wrong
    }
  });
  int fired[2] = {0, 0};
  for (int i = 0; i < kRounds; ++i) {
    EXPECT_TRUE(parked(1)) << "the selector should be parked before the send";
    ch.send(i);
    const std::optional<std::size_t> ran = chosen.recv();  // the select has returned
    const bool valid = ran == 0u || ran == 1u;  // else: no result, or the value was wrong
    EXPECT_TRUE(valid) << "round " << i;
    if (valid) ++fired[*ran];
  }
  EXPECT_GT(fired[0], 0);
  EXPECT_GT(fired[1], 0);
}

// ---------------------------------------------------------------------------------------------
// S5: a blocked select is completed by exactly one operation, and no value is lost.

// S5
TEST(Select, AMatchedBlockedRecvSelectFiresExactlyOneCase) {
  auto a = make_chan<int>();
  auto b = make_chan<int>();
  std::optional<int> from_a;
  std::optional<int> from_b;
  std::size_t ran = 99;
  std::jthread selector([&] {
    ran = conc::select(case_recv(a, [&](std::optional<int> v) { from_a = v; }),
                       case_recv(b, [&](std::optional<int> v) { from_b = v; }));
  });
  EXPECT_TRUE(parked(1));
  EXPECT_THAT(conc::debug::describe_blocked(), HasSubstr("blocked in select"));
  a.send(1);
  // The select's waiter on b may still be queued until the selector wakes, but it is spent: a
  // send on b must not be matched with it.
  EXPECT_EQ(conc::select(case_send(b, 2), case_default()), 1u);
  selector.join();
  EXPECT_EQ(ran, 0u);
  EXPECT_THAT(from_a, Optional(1));
  EXPECT_EQ(from_b, std::nullopt);
}

// S5
TEST(Select, AMatchedBlockedSendSelectSendsExactlyOneValue) {
  auto a = make_chan<int>();
  auto b = make_chan<int>();
  std::size_t ran = 99;
  std::jthread selector([&] { ran = conc::select(case_send(a, 1), case_send(b, 2)); });
  EXPECT_TRUE(parked(1));
  EXPECT_THAT(b.recv(), Optional(2));
  EXPECT_EQ(conc::select(case_recv(a), case_default()), 1u)
      << "the value offered on a must be withdrawn once b took the other";
  selector.join();
  EXPECT_EQ(ran, 1u);
}

// S5: several receivers select over two channels, while senders send on one channel or select
// over both. Every value must be received exactly once.
class SelectStress : public testing::TestWithParam<std::size_t> {};

// S2, S5
TEST_P(SelectStress, BlockedSelectsReceiveEveryValueExactlyOnce) {
  constexpr int kReceivers = 4;
  constexpr int kSenders = 4;
  constexpr int kPerSender = 3000;
  auto a = make_chan<int>(GetParam());
  auto b = make_chan<int>(GetParam());

  std::vector<std::vector<int>> received(kReceivers);  // each written by one receiver
  conc::WaitGroup receivers;
  for (int r = 0; r < kReceivers; ++r) {
    receivers.go([a, b, &mine = received[r]] {
      RecvChan<int> in_a = a;
      RecvChan<int> in_b = b;
      while (in_a != RecvChan<int>{} || in_b != RecvChan<int>{}) {
        conc::select(case_recv(in_a, [&](std::optional<int> v) {
                       if (v) mine.push_back(*v); else in_a = {};
                     }),
                     case_recv(in_b, [&](std::optional<int> v) {
                       if (v) mine.push_back(*v); else in_b = {};
                     }));
      }
    });
  }
  conc::WaitGroup senders;
  for (int s = 0; s < kSenders; ++s) {
    senders.go([a, b, s] {
      for (int i = 0; i < kPerSender; ++i) {
        const int v = s * kPerSender + i;
        if (s % 2 == 0) {
          (i % 2 == 0 ? a : b).send(v);  // a plain send
        } else {
          conc::select(case_send(a, v), case_send(b, v));  // a select meets selects
        }
      }
    });
  }
  senders.wait();
  a.close();
  b.close();
  receivers.wait();

  std::vector<int> all;
  for (const auto& mine : received) all.insert(all.end(), mine.begin(), mine.end());
  std::sort(all.begin(), all.end());
  std::vector<int> expected(kSenders * kPerSender);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_TRUE(all == expected) << "some value was lost or received twice (" << all.size()
                               << " values received, " << expected.size() << " sent)";
}

INSTANTIATE_TEST_SUITE_P(Capacities, SelectStress, testing::Values(0u, 2u),
                         [](const testing::TestParamInfo<std::size_t>& p) {
                           return p.param == 0 ? std::string("Unbuffered")
                                               : "Buffered" + std::to_string(p.param);
                         });

// ---------------------------------------------------------------------------------------------
// S6: the same channel in several cases, and in both directions.

// S6
TEST(Select, TheSameChannelMayAppearInSeveralCases) {
  // Both cases are ready every round, so each is chosen with probability 1/2: a correct library
  // never choosing one of them in 200 rounds has probability 2·2^-200.
  auto ch = make_chan<int>(1);
  int fired[2] = {0, 0};
  for (int round = 0; round < 200; ++round) {
    ch.send(round);
    int handlers_run = 0;
    std::optional<int> got;
    auto take = [&](std::optional<int> v) {
      ++handlers_run;
      got = v;
    };
    const std::size_t ran = conc::select(case_recv(ch, take), case_recv(ch, take));
    EXPECT_EQ(handlers_run, 1);
    EXPECT_THAT(got, Optional(round));
    EXPECT_EQ(ch.len(), 0u);
    ++fired[ran];
  }
  EXPECT_GT(fired[0], 0);
  EXPECT_GT(fired[1], 0);

  const std::size_t sent = conc::select(case_send(ch, 10), case_send(ch, 20));
  EXPECT_THAT(ch.recv(), Optional(sent == 0 ? 10 : 20));
  EXPECT_EQ(ch.len(), 0u) << "only one of the two send cases may fire";
}

// S6: on a buffered channel, a send case and a receive case on the same channel are each ready
// when the buffer allows it.
TEST(Select, SendAndRecvCasesOnOneBufferedChannel) {
  auto ch = make_chan<int>(1);
  EXPECT_EQ(conc::select(case_send(ch, 1), case_recv(ch)), 0u) << "empty: only the send is ready";
  std::optional<int> got;
  EXPECT_EQ(conc::select(case_send(ch, 2), case_recv(ch, [&](std::optional<int> v) { got = v; })),
            1u)
      << "full: only the receive is ready";
  EXPECT_THAT(got, Optional(1));
}

// S6
TEST(Select, ASelectNeverMatchesItsOwnSendAndRecvOnOneUnbufferedChannel) {
  auto ch = make_chan<int>();
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(conc::select(case_send(ch, 1), case_recv(ch), case_default()), 2u);
  }
}

// S6: blocked on both ends of one unbuffered channel, a select is matched by a peer.
TEST(Select, ABlockedSelectOnBothEndsOfOneChannelIsMatchedByAPeer) {
  auto ch = make_chan<int>();
  std::size_t ran = 99;
  std::optional<int> got;
  auto select_both = [&] {
    ran = conc::select(case_send(ch, 1), case_recv(ch, [&](std::optional<int> v) { got = v; }));
  };

  std::jthread first(select_both);
  EXPECT_TRUE(parked(1));
  EXPECT_THAT(ch.recv(), Optional(1)) << "the peer receives: the select's send case fires";
  first.join();
  EXPECT_EQ(ran, 0u);
  EXPECT_EQ(got, std::nullopt);

  std::jthread second(select_both);
  EXPECT_TRUE(parked(1));
  ch.send(2);  // the peer sends: the select's receive case fires
  second.join();
  EXPECT_EQ(ran, 1u);
  EXPECT_THAT(got, Optional(2));
}

// S6: two such selects match each other, in one direction or the other, exactly once.
TEST(Select, TwoSelectsOnBothEndsOfOneChannelMatchEachOtherOnce) {
  auto ch = make_chan<int>();
  for (int round = 0; round < 20; ++round) {
    struct Side {
      std::size_t ran = 99;
      std::optional<int> got;
    };
    Side waiting;
    Side arriving;
    auto select_both = [ch](Side& side, int value) {
      side.ran = conc::select(case_send(ch, value),
                              case_recv(ch, [&](std::optional<int> v) { side.got = v; }));
    };
    std::jthread first([&] { select_both(waiting, 1); });
    EXPECT_TRUE(parked(1));
    select_both(arriving, 2);
    first.join();

    if (waiting.ran == 0) {  // the waiting select sent 1, the arriving one received it
      EXPECT_EQ(arriving.ran, 1u);
      EXPECT_THAT(arriving.got, Optional(1));
      EXPECT_EQ(waiting.got, std::nullopt);
    } else {  // the arriving select sent 2, the waiting one received it
      EXPECT_EQ(waiting.ran, 1u);
      EXPECT_EQ(arriving.ran, 0u);
      EXPECT_THAT(waiting.got, Optional(2));
      EXPECT_EQ(arriving.got, std::nullopt);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Handlers: exceptions propagate; select takes each kind of channel handle and value.

TEST(Select, WhatAHandlerThrowsPropagatesOutOfSelect) {
  auto ch = make_chan<int>(1);
  ch.send(1);
  auto boom = [] { throw std::runtime_error("boom"); };
  EXPECT_THROW(conc::select(case_recv(ch, boom)), std::runtime_error);
  EXPECT_EQ(ch.len(), 0u) << "the value was received before the handler ran";
  EXPECT_THROW(conc::select(case_send(ch, 2, boom)), std::runtime_error);
  EXPECT_EQ(ch.len(), 1u) << "the value was sent before the handler ran";
  EXPECT_THROW(conc::select(case_send(ch, 3), case_default(boom)), std::runtime_error);

  // From a select that was blocked and then matched, too.
  auto unbuffered = make_chan<int>();
  std::string error;
  std::jthread selector([&] {
    try {
      conc::select(case_recv(unbuffered, boom));
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
  });
  EXPECT_TRUE(parked(1));
  unbuffered.send(4);
  selector.join();
  EXPECT_EQ(error, "boom");
}

template <class C, class V>
concept CanCaseSend = requires(const C& c, V v) { conc::case_send(c, std::move(v)); };

TEST(Select, ASendCaseAcceptsAValueConvertibleToTheElementType) {
  auto strings = make_chan<std::string>(1);
  conc::select(case_send(strings, "text"));  // const char* → std::string
  EXPECT_THAT(strings.recv(), Optional(std::string("text")));

  auto longs = make_chan<long long>(1);
  conc::select(case_send(longs, 7));  // int → long long
  EXPECT_THAT(longs.recv(), Optional(7LL));

  static_assert(CanCaseSend<Chan<std::string>, const char*>);
  static_assert(!CanCaseSend<Chan<int>, std::string>, "not convertible: no send case");
}

TEST(Select, CarriesMoveOnlyValues) {
  auto ch = make_chan<std::unique_ptr<int>>(1);
  conc::select(case_send(ch, std::make_unique<int>(5)));
  int got = 0;
  conc::select(case_recv(ch, [&](std::optional<std::unique_ptr<int>> p) { got = **p; }));
  EXPECT_EQ(got, 5);
}

// C10: case_recv takes a Chan or a RecvChan, case_send a Chan or a SendChan.
TEST(Select, CasesAcceptAChanOrTheMatchingDirectionalView) {
  auto ch = make_chan<int>(1);
  SendChan<int> out = ch;
  RecvChan<int> in = ch;
  std::optional<int> got;
  auto take = [&](std::optional<int> v) { got = v; };

  EXPECT_EQ(conc::select(case_send(out, 1)), 0u);
  EXPECT_EQ(conc::select(case_recv(in, take)), 0u);
  EXPECT_THAT(got, Optional(1));
  EXPECT_EQ(conc::select(case_send(ch, 2)), 0u);
  EXPECT_EQ(conc::select(case_recv(ch, take)), 0u);
  EXPECT_THAT(got, Optional(2));
}

// ---------------------------------------------------------------------------------------------
// The pattern of Go's `case <-ctx.Done():` — a done channel that is closed to stop the work.

// S4
TEST(Select, ClosingADoneChannelStopsAWorkerThatSelectsOnIt) {
  auto data = make_chan<int>();
  auto done = make_chan<Unit>();
  int sum = 0;
  std::jthread worker([&sum, data, done] {
    for (bool stop = false; !stop;) {
      conc::select(case_recv(data, [&](std::optional<int> v) { sum += *v; }),
                   case_recv(done, [&] { stop = true; }));
    }
  });
  for (int i = 1; i <= 10; ++i) data.send(i);  // unbuffered: each is taken before send returns
  EXPECT_TRUE(parked(1));                        // the worker waits for more, or for done
  done.close();
  worker.join();  // returns only if the close stopped the worker
  EXPECT_EQ(sum, 55);
}

// S4: a producer blocked offering a value gives up when done is closed; the value is not sent.
TEST(Select, AProducerBlockedOnSendStopsWhenDoneIsClosed) {
  auto out = make_chan<int>();
  auto done = make_chan<Unit>();
  int sent = 0;
  std::jthread producer([&sent, out, done] {
    for (int i = 0;; ++i) {
      if (conc::select(case_send(out, i), case_recv(done)) == 1) return;
      ++sent;
    }
  });
  EXPECT_THAT(out.recv(), Optional(0));
  EXPECT_THAT(out.recv(), Optional(1));
  EXPECT_THAT(out.recv(), Optional(2));
  EXPECT_TRUE(parked(1));  // offering 3
  done.close();
  producer.join();
  EXPECT_EQ(sent, 3);
  EXPECT_EQ(conc::select(case_recv(out), case_default()), 1u) << "3 was never sent";
}

}  // namespace
