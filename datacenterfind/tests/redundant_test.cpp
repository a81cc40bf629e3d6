// Tests of datacenterfind/3: redundant() asks every finder at once, returns the first answer and
// cancels the others.
//
// How the suite watches it. The finders are fakes (fake_finder.hpp): each find blocks until the
// test answers it, or until its context is done, and a shared Recorder keeps who started and how
// each find ended ("answered", "cancelled"). redundant() runs on a thread of its own
// (workshop/call.hpp), so the test decides who answers first; the fakes also keep the context of
// each call, so "was this loser cancelled by the time redundant() returned?" is read at once,
// without waiting. Nothing sleeps: the 5 s safety nets only turn a would-be hang into a failed
// assertion.
//
// "Two answers at once" is made deterministic with a fake that ignores cancellation: its answer
// is on its way when the winner is taken, and arrives after redundant() has returned. If that
// late answer is sent on a closed channel, the goroutine throws and the process dies, so that
// scenario runs in a child process (a GoogleTest death test) and the crash becomes a failed
// assertion here, with the child's stderr ("send on closed channel") under "Actual msg:".

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conc/debug.hpp"
#include "conc/error.hpp"
#include "conc/go.hpp"
#include "conc/testing.hpp"
#include "fake_finder.hpp"
#include "patterns.hpp"
#include "workshop/call.hpp"
#include "workshop/hint.hpp"
#include "workshop/journal.hpp"

namespace {

using namespace std::chrono_literals;
using datacenterfind::Result;
using datacenterfind_tests::FakeDatacenters;
using datacenterfind_tests::FakeFinder;

using Call = workshop::Call<std::optional<Result>>;

std::string describe(const std::optional<Result>& result) {
  if (!result) return "nullopt";
  if (!result->datacenter) return "a Result with no datacenter";
  return result->datacenter->name() + (result->found ? " (found)" : " (not found)");
}

class Redundant : public ::testing::Test {
 protected:
  void SetUp() override { baseline_ = conc::goroutines(); }

  // Whatever happened, nothing is left blocked for the next test, and the goroutines of this test
  // get a chance to end (briefly: the test's own safety net may have used 5 s of the watchdog's
  // 10 s budget already). One datacenter answers first, so that the cancellation can stop the
  // others; answering them all at once would make a redundant() that closes its channel after
  // the first answer crash this process (the death test below is the one that checks that).
  void TearDown() override {
    if (call_ && !call_->returned()) {
      workshop::record("test (cleanup): one datacenter still waiting answers");
      for (const auto& fake : dcs.fakes) {
        try {
          fake->answer(true);
          break;
        } catch (const conc::ClosedChannelError&) {
          // already answered or failed
        }
      }
      call_->wait_returned(std::chrono::seconds(1));
    }
    bool all_cancelled = true;
    for (const auto& fake : dcs.fakes) {
      for (const auto& ctx : fake->contexts()) all_cancelled = all_cancelled && ctx.err();
    }
    if (all_cancelled) conc::testing::wait_goroutines(baseline_, 1s);
    workshop::record("test (cleanup): every datacenter still waiting answers");
    dcs.answer_all();
    conc::testing::wait_goroutines(baseline_, 1s);
  }

  Call& start() {
    const auto finders = dcs.finders();
    std::string what = "redundant(";
    for (const auto& f : finders) what += (what.back() == '(' ? "" : ", ") + f->name();
    what += ")";
    call_.emplace(what, [finders] { return datacenterfind::redundant("file.txt", finders); });
    return *call_;
  }

  // Waits until every fake has started its find; a failed assertion when they do not.
  void expect_all_started() {
    const int n = static_cast<int>(dcs.fakes.size());
    workshop::Hint hint(
        "redundant() must launch every find at once, each in its own goroutine (conc::go), "
        "before it waits for any answer. Here some finds never started while the first one was "
        "still waiting for its datacenter: are they launched one after the other, or only after "
        "an answer came?");
    ASSERT_TRUE(dcs.recorder->wait_started(n)) << "only " << dcs.recorder->started() << " of " << n
                                               << " finds started; none has been answered yet";
  }

  // Waits for redundant() to return; a failed assertion when it does not.
  void expect_returns(const std::string& after) {
    workshop::Hint hint(
        "redundant() must return as soon as it has the first answer, without waiting for the "
        "other datacenters (they are cancelled instead), and return nullopt when no find can "
        "answer at all (the receive must learn that every sender is done: close the channel "
        "once all the goroutines are done, as exercise 2 did).");
    ASSERT_TRUE(call_->wait_returned()) << "redundant() has not returned 5 s after " << after;
    ASSERT_EQ(call_->threw(), "") << "redundant() threw";
  }

  FakeDatacenters dcs;
  std::optional<Call> call_;
  std::size_t baseline_ = 0;
};

TEST_F(Redundant, LaunchesEveryFindBeforeAnyAnswers) {
  dcs.add("SBG");
  dcs.add("GRA");
  dcs.add("BHS");
  start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
}

TEST_F(Redundant, ReturnsTheFirstAnswer) {
  dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  dcs.add("BHS");
  auto& call = start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  workshop::record("test: GRA answers first (found)");
  gra->answer(true);
  ASSERT_NO_FATAL_FAILURE(expect_returns("GRA answered"));
  workshop::Hint hint(
      "GRA answered first and the others never answered: redundant() must return GRA's Result "
      "(the finder itself, as given, and found = true).");
  const auto result = call.result().value();
  ASSERT_TRUE(result.has_value()) << "redundant() returned nullopt";
  EXPECT_EQ(result->datacenter, gra) << "redundant() returned " << describe(result);
  EXPECT_TRUE(result->found);
}

TEST_F(Redundant, ReturnsTheFirstAnswerEvenWhenItIsNotFound) {
  dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  auto& call = start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  workshop::record("test: GRA answers first (not found)");
  gra->answer(false);
  ASSERT_NO_FATAL_FAILURE(expect_returns("GRA answered"));
  workshop::Hint hint(
      "\"Not found\" is an answer too: GRA answered first, so redundant() returns GRA's Result "
      "with found = false. Only a find that returns an error (it was cancelled, or failed) is "
      "no answer.");
  const auto result = call.result().value();
  ASSERT_TRUE(result.has_value()) << "redundant() returned nullopt";
  EXPECT_EQ(result->datacenter, gra) << "redundant() returned " << describe(result);
  EXPECT_FALSE(result->found);
}

TEST_F(Redundant, CancelsTheOtherFindsBeforeReturning) {
  const auto sbg = dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  const auto bhs = dcs.add("BHS");
  auto& call = start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  workshop::record("test: BHS answers first");
  bhs->answer(true);
  ASSERT_NO_FATAL_FAILURE(expect_returns("BHS answered"));
  ASSERT_EQ(describe(call.result().value()), "BHS (found)");

  {
    workshop::Hint hint(
        "When redundant() returns, the finds that lost must already be cancelled: give every "
        "find the same cancellable context (auto [ctx, cancel] = conc::with_cancel(conc::"
        "background())), and call cancel() once you have the first answer, before returning. "
        "conc::background() is never cancelled: with it, the losers run until their datacenter "
        "answers, for nothing.");
    for (const auto& loser : {sbg, gra}) {
      const auto contexts = loser->contexts();
      ASSERT_EQ(contexts.size(), 1u) << loser->name() << "'s finds (find_with_context calls)";
      EXPECT_TRUE(conc::is(contexts[0].err(), conc::Canceled))
          << loser->name() << "'s find was not cancelled when redundant() returned: its "
          << "context's err() is " << fmt::format("{}", contexts[0].err());
    }
  }
  if (HasFailure()) return;

  workshop::Hint hint(
      "The losers' contexts were cancelled, but their finds did not all end with "
      "\"cancelled\": did every goroutine call find_with_context with that context?");
  ASSERT_TRUE(dcs.recorder->wait_ended(3)) << "finds ended: " << dcs.recorder->ended() << " of 3";
  std::vector<std::string> cancelled = dcs.recorder->with("cancelled");
  std::sort(cancelled.begin(), cancelled.end());
  EXPECT_EQ(cancelled, (std::vector<std::string>{"GRA", "SBG"}));
}

TEST_F(Redundant, LeavesNoGoroutineRunningOnceTheLosersStop) {
  const auto sbg = dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  dcs.add("BHS");
  start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  workshop::record("test: SBG answers first");
  sbg->answer(true);
  ASSERT_NO_FATAL_FAILURE(expect_returns("SBG answered"));
  {
    workshop::Hint hint(
        "The losers are never cancelled, so their goroutines go on until their datacenter "
        "answers, after redundant() has returned: cancel them (conc::with_cancel) before "
        "returning. The shape to get, against the timeline observed below:\n"
        "call  [==========================]      returned\n"
        "SBG     [================]              answered\n"
        "GRA       [======================x      cancelled\n"
        "BHS         [======================x    cancelled");
    for (const auto& fake : dcs.fakes) {
      if (fake == sbg) continue;
      const auto contexts = fake->contexts();
      ASSERT_TRUE(!contexts.empty() && contexts[0].err())
          << fake->name() << "'s find was still running, not cancelled";
    }
  }
  workshop::Hint hint(
      "Every loser was cancelled, yet some goroutine started by redundant() is still running "
      "(the list of blocked threads above says where). A goroutine that waits forever is a "
      "leak: one blocked on a send nobody will receive (the channel needs a slot per finder), "
      "or one waiting for something that never comes.");
  EXPECT_TRUE(conc::testing::wait_goroutines(baseline_, 5s))
      << conc::goroutines() - baseline_ << " goroutine(s) still running 5 s after the losers "
      << "were cancelled:\n"
      << conc::debug::describe_blocked();
}

TEST_F(Redundant, ReturnsNulloptWhenNoFindCanAnswer) {
  const auto sbg = dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  auto& call = start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  workshop::record("test: SBG and GRA fail");
  sbg->fail_every_find(conc::Error("SBG is down"));
  gra->fail_every_find(conc::Error("GRA is down"));
  ASSERT_NO_FATAL_FAILURE(expect_returns("every find failed"));
  workshop::Hint hint(
      "No find answered (each returned an error): redundant() must return nullopt, not a "
      "Result.");
  EXPECT_EQ(describe(call.result().value()), "nullopt");
}

TEST_F(Redundant, ReturnsNulloptWithoutFinders) {
  auto& call = start();
  ASSERT_NO_FATAL_FAILURE(expect_returns("it was called with no finder"));
  workshop::Hint hint("With no finder, nobody can answer: redundant() returns nullopt.");
  EXPECT_EQ(describe(call.result().value()), "nullopt");
}

TEST_F(Redundant, LogsEveryLaunchAndTheWinningResult) {
  conc::testing::LogCapture capture;
  dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  gra->answer(true);
  ASSERT_NO_FATAL_FAILURE(expect_returns("GRA answered"));
  workshop::Hint hint(
      "redundant() logs as the Go original: conc::log::info(\"launching find\", \"datacenter\", "
      "name) in each goroutine, and, once, conc::log::info(\"got result\", \"datacenter\", name, "
      "\"found\", found) for the answer it returns.");
  const auto lines = capture.lines();
  std::string listing;
  for (const auto& line : lines) listing += "  " + line + "\n";
  for (const std::string expected :
       {"INFO launching find datacenter=SBG", "INFO launching find datacenter=GRA",
        "INFO got result datacenter=GRA found=true"}) {
    EXPECT_EQ(std::count(lines.begin(), lines.end(), expected), 1)
        << "times \"" << expected << "\" was logged; the log was:\n"
        << listing;
  }
}

// The child process of the death test below: SBG wins; GRA's answer was already on its way (it
// ignores the cancellation) and arrives after redundant() returned. Writes what it saw on stderr
// and exits 0 when redundant() behaved, 1 when not; a crash shows as a signal.
void late_answer_after_the_winner() {
  const std::size_t baseline = conc::goroutines();
  FakeDatacenters dcs;
  const auto sbg = dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  gra->ignore_cancellation();
  const auto finders = dcs.finders();
  Call call("redundant(SBG, GRA)",
            [finders] { return datacenterfind::redundant("file.txt", finders); });
  auto fail = [](const std::string& why) {
    std::fprintf(stderr, "%s\n", why.c_str());
    std::exit(1);
  };
  if (!dcs.recorder->wait_started(2)) fail("the two finds did not both start");
  sbg->answer(true);
  if (!call.wait_returned()) fail("redundant() did not return after SBG answered");
  if (describe(call.result().value()) != "SBG (found)") {
    fail("redundant() returned " + describe(call.result().value()) + ", not SBG's answer");
  }
  std::fprintf(stderr, "SBG won; now GRA's answer, already on its way, arrives late\n");
  gra->answer(true);
  if (!dcs.recorder->wait_ended(2)) fail("GRA's find did not end after it answered");
  if (!conc::testing::wait_goroutines(baseline, 5s)) {
    fail("a goroutine started by redundant() is still running 5 s after GRA's late answer:\n" +
         conc::debug::describe_blocked());
  }
  std::fprintf(stderr, "one winner, the late answer dropped, no goroutine left\n");
  std::exit(0);
}

TEST(RedundantTwoAnswersAtOnce, TheLateAnswerIsDroppedWithoutASendOnAClosedChannel) {
  workshop::Hint hint(
      "SBG won, but GRA's answer was already on its way: its goroutine sends it after "
      "redundant() has returned. If it died with \"send on closed channel\" (see \"Actual msg\" "
      "above), the channel was closed while a goroutine could still send: the Go original's bug "
      "(close(results) right after the first receive). Close a channel only when no goroutine "
      "can send on it any more (after a WaitGroup's wait), or do not close it at all. If it "
      "reports a goroutine still running, the late send blocked forever: give the channel a "
      "slot per finder, so that a send nobody receives still completes.");
  EXPECT_EXIT(late_answer_after_the_winner(), ::testing::ExitedWithCode(0),
              "one winner, the late answer dropped, no goroutine left");
}

}  // namespace
