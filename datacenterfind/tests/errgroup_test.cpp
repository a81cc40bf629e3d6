// Tests of datacenterfind/4: err_group() asks every finder at once with a conc::ErrGroup and
// returns every result, or the first error; that error cancels the finds still running.
//
// How the suite watches it. The finders are fakes (fake_finder.hpp): each find blocks until the
// test answers it, fails it, or its context is done, and a shared Recorder keeps who started and
// how each find ended ("answered", "failed", "cancelled"). err_group() runs on a thread of its own
// (workshop/call.hpp), so the test decides who answers or fails, and when. Nothing sleeps: the 5 s
// safety nets only turn a would-be hang into a failed assertion.
//
// Results gathered before the error: the Go original drops them and returns the error alone (the
// reference solution does the same). The slides leave the choice to you, so the suite accepts
// both: on error, `results` may be empty or hold answers that really came, never a failed or
// cancelled datacenter.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
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
#include "workshop/thread_probe.hpp"

namespace {

using namespace std::chrono_literals;
using datacenterfind::Gathered;
using datacenterfind::Result;
using datacenterfind_tests::FakeDatacenters;
using datacenterfind_tests::FakeFinder;

using Call = workshop::Call<Gathered>;

std::string describe(const std::vector<Result>& results) {
  if (results.empty()) return "no result";
  std::string text;
  for (const auto& r : results) {
    text += text.empty() ? "" : ", ";
    text += r.datacenter ? r.datacenter->name() : "(no datacenter)";
    text += r.found ? " (found)" : " (not found)";
  }
  return text;
}

std::string describe(const conc::Error& err) { return fmt::format("{}", err); }

class ErrGroupPattern : public ::testing::Test {
 protected:
  void SetUp() override { baseline_ = conc::goroutines(); }

  // Whatever happened, nothing is left blocked for the next test: every fake answers, and the
  // goroutines of this test get a chance to end (briefly: the test's own safety net may have
  // used 5 s of the watchdog's 10 s budget already).
  void TearDown() override {
    workshop::record("test (cleanup): every datacenter still waiting answers");
    dcs.answer_all();
    if (call_) call_->wait_returned(std::chrono::seconds(1));
    conc::testing::wait_goroutines(baseline_, 1s);
  }

  Call& start() {
    const auto finders = dcs.finders();
    std::string what = "err_group(";
    for (const auto& f : finders) what += (what.back() == '(' ? "" : ", ") + f->name();
    what += ")";
    call_.emplace(what, [finders] { return datacenterfind::err_group("file.txt", finders); });
    return *call_;
  }

  void expect_all_started() {
    const int n = static_cast<int>(dcs.fakes.size());
    workshop::Hint hint(
        "err_group() must launch every find at once, each in its own task (group.go), before it "
        "waits for any of them. Here some finds never started while the first ones were still "
        "waiting for their datacenter.");
    ASSERT_TRUE(dcs.recorder->wait_started(n)) << "only " << dcs.recorder->started() << " of " << n
                                               << " finds started; none has been answered yet";
  }

  // Waits for err_group() to return; a failed assertion, with `hint`, when it does not.
  void expect_returns(const std::string& after, const std::string& hint_text) {
    workshop::Hint hint(hint_text);
    ASSERT_TRUE(call_->wait_returned()) << "err_group() has not returned 5 s after " << after
                               << "; finds still running: " << dcs.recorder->in_flight()
                               << "\nBlocked in conc:\n"
                               << conc::debug::describe_blocked();
    ASSERT_EQ(call_->threw(), "") << "err_group() threw";
  }

  // The results of a failed err_group() may be dropped or kept, but only real answers, once.
  void expect_only_real_answers(const Gathered& gathered,
                                const std::vector<std::shared_ptr<FakeFinder>>& answered) {
    workshop::Hint hint(
        "When a find fails, `results` may be empty (the Go original drops everything) or keep "
        "the answers that came before the error, each once; never a datacenter that failed or "
        "was cancelled.");
    for (const auto& result : gathered.results) {
      EXPECT_EQ(std::count(answered.begin(), answered.end(), result.datacenter), 1)
          << "results: " << describe(gathered.results);
    }
    EXPECT_LE(gathered.results.size(), answered.size())
        << "results: " << describe(gathered.results);
  }

  // Fails at once when a find other than `failed` runs with a context that can never be
  // cancelled (background(), whose done() is the nil channel): then nothing can stop it.
  void expect_cancellable(const std::shared_ptr<FakeFinder>& failed) {
    workshop::Hint hint(
        "When a find fails, the others must be cancelled, but these finds run with a context "
        "that can never be cancelled (conc::background(), or the context of a conc::ErrGroup "
        "built without one). Build the group on a context: conc::ErrGroup "
        "group(conc::background()); and give every find group.context(): the group cancels it "
        "as soon as a task returns an error.");
    for (const auto& fake : dcs.fakes) {
      if (fake == failed) continue;
      const auto contexts = fake->contexts();
      ASSERT_FALSE(contexts.empty()) << fake->name() << "'s find was not called";
      EXPECT_FALSE(contexts[0].done() == conc::RecvChan<conc::Unit>())
          << fake->name() << "'s find runs with a context that is never cancelled";
    }
  }

  FakeDatacenters dcs;
  std::optional<Call> call_;
  std::size_t baseline_ = 0;
};

TEST_F(ErrGroupPattern, LaunchesEveryFindBeforeAnyAnswers) {
  dcs.add("SBG");
  dcs.add("GRA");
  dcs.add("BHS");
  start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
}

TEST_F(ErrGroupPattern, GathersEveryResultAndNoErrorWhenNoFindFails) {
  const auto sbg = dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  const auto bhs = dcs.add("BHS");
  auto& call = start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  workshop::record("test: GRA, SBG, BHS answer (SBG: not found)");
  gra->answer(true);
  sbg->answer(false);
  bhs->answer(true);
  ASSERT_NO_FATAL_FAILURE(expect_returns(
      "every datacenter answered",
      "Every find answered: err_group() must return once all of them are done. If it "
      "hangs, look at what is blocked above: a task blocked on a send because the "
      "results channel has no room while nobody receives yet (give it a slot per "
      "finder)?"));
  const Gathered gathered = call.result().value();
  workshop::Hint hint(
      "No find failed: err_group() returns every result, one per finder (the finder as given, "
      "and what it found), and a nil error.");
  EXPECT_FALSE(gathered.err) << "err is " << describe(gathered.err);
  ASSERT_EQ(gathered.results.size(), 3u) << "results: " << describe(gathered.results);
  for (const auto& [fake, found] :
       {std::pair{sbg, false}, std::pair{gra, true}, std::pair{bhs, true}}) {
    const auto it = std::find_if(gathered.results.begin(), gathered.results.end(),
                                 [&f = fake](const Result& r) { return r.datacenter == f; });
    ASSERT_NE(it, gathered.results.end())
        << "no result for " << fake->name() << " in " << describe(gathered.results);
    EXPECT_EQ(it->found, found) << fake->name() << "'s result";
  }
}

TEST_F(ErrGroupPattern, ReturnsTheFailingDatacentersError) {
  const auto sbg = dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  const auto bhs = dcs.add("BHS");
  const conc::Error down("GRA is down");
  auto& call = start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  workshop::record("test: GRA fails");
  gra->fail(down);
  ASSERT_TRUE(dcs.recorder->wait_ended(1));
  // Whether or not they were cancelled already, SBG and BHS may answer now: the first error is
  // still GRA's.
  workshop::record("test: SBG and BHS answer (if they are still waiting)");
  sbg->answer(true);
  bhs->answer(true);
  ASSERT_NO_FATAL_FAILURE(
      expect_returns("GRA failed and every other datacenter answered",
                     "err_group() must return once every find is done, failed or not."));
  const Gathered gathered = call.result().value();
  {
    workshop::Hint hint(
        "GRA's find failed: err_group() must return that error (the very conc::Error GRA "
        "returned, not a copy of its text nor a new one). A WaitGroup has no room for an error: "
        "use a conc::ErrGroup, whose tasks return the find's error; group.wait() returns the "
        "first one.");
    EXPECT_TRUE(conc::is(gathered.err, down))
        << "err is " << describe(gathered.err) << ", results: " << describe(gathered.results);
  }
  std::vector<std::shared_ptr<FakeFinder>> answered;
  for (const auto& fake : {sbg, bhs}) {
    const auto who = dcs.recorder->events();
    if (std::any_of(who.begin(), who.end(), [&](const auto& e) {
          return e.datacenter == fake->name() && e.what == "answered";
        })) {
      answered.push_back(fake);
    }
  }
  expect_only_real_answers(gathered, answered);
}

TEST_F(ErrGroupPattern, CancelsTheOtherFindsWhenOneFails) {
  const auto sbg = dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  const auto bhs = dcs.add("BHS");
  auto& call = start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  workshop::record("test: GRA fails; SBG and BHS never answer");
  ASSERT_NO_FATAL_FAILURE(expect_cancellable(gra));
  if (HasFailure()) return;
  gra->fail(conc::Error("GRA is down"));
  ASSERT_NO_FATAL_FAILURE(expect_returns(
      "GRA failed (SBG and BHS never answer: only a cancellation can stop them)",
      "When a find fails, the others must be cancelled: their answers are no longer wanted. "
      "Build the group on a context (conc::ErrGroup group(conc::background())), and give every "
      "find group.context(): the group cancels it as soon as a task returns an error. A group "
      "built with no context (conc::ErrGroup group;) has background() as its context, which is "
      "never cancelled."));
  workshop::Hint hint(
      "err_group() returned after GRA failed, but the other finds were not cancelled: did every "
      "find get group.context()?");
  std::vector<std::string> cancelled = dcs.recorder->with("cancelled");
  std::sort(cancelled.begin(), cancelled.end());
  EXPECT_EQ(cancelled, (std::vector<std::string>{"BHS", "SBG"}));
  EXPECT_TRUE(call.result().value().err) << "err_group() returned no error";
}

TEST_F(ErrGroupPattern, ReturnsOnlyOnceEveryFindHasEnded) {
  const auto sbg = dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  const auto bhs = dcs.add("BHS");
  gra->ignore_cancellation();  // its answer is on its way: the cancellation cannot stop it
  auto& call = start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  workshop::record("test: SBG fails; GRA cannot be cancelled");
  ASSERT_NO_FATAL_FAILURE(expect_cancellable(sbg));
  if (HasFailure()) return;
  const conc::Error down("SBG is down");
  sbg->fail(down);
  {
    workshop::Hint hint(
        "SBG failed, so BHS must be cancelled (build the group on a context and give every find "
        "group.context()).");
    ASSERT_TRUE(dcs.recorder->wait_ended(2))
        << "BHS was not cancelled; finds ended: " << dcs.recorder->ended() << " of 3";
  }
  {
    workshop::Hint hint(
        "GRA's find is still running (its answer was on its way when the cancellation came): "
        "err_group() must wait for it before returning, as group.wait() does. A function that "
        "returns while its goroutines still run leaves work behind that nobody waits for (and "
        "that may still use what the caller frees).");
    ASSERT_TRUE(workshop::wait_until([&] { return call.returned() || call.parked(); }))
        << "err_group() neither returned nor waited in conc";
    ASSERT_FALSE(call.returned()) << "err_group() returned while GRA's find was still running";
  }
  workshop::record("test: GRA answers");
  gra->answer(true);
  ASSERT_NO_FATAL_FAILURE(
      expect_returns("GRA answered", "err_group() must return once every find is done."));
  workshop::Hint hint("SBG failed first: err_group() returns SBG's error.");
  EXPECT_TRUE(conc::is(call.result().value().err, down))
      << "err is " << describe(call.result().value().err);
  expect_only_real_answers(call.result().value(), {gra});
}

TEST_F(ErrGroupPattern, LogsTheErrorAsTheGoOriginal) {
  conc::testing::LogCapture capture;
  const auto sbg = dcs.add("SBG");
  const auto dc_error = dcs.add("DCError");
  start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  dc_error->fail(conc::Error("something went wrong"));
  ASSERT_TRUE(dcs.recorder->wait_ended(1));
  sbg->answer(true);  // if it is still waiting (not cancelled yet)
  ASSERT_NO_FATAL_FAILURE(expect_returns("DCError failed and SBG answered",
                                         "err_group() must return once every find is done."));
  workshop::Hint hint(
      "When a find fails, err_group() logs the error once, at error level, as the Go original: "
      "conc::log::error(\"an error occured\", \"error\", err). (\"occured\" is the original's "
      "spelling; the course keeps it so that the logs read the same.)");
  const auto lines = capture.lines();
  std::string listing;
  for (const auto& line : lines) listing += "  " + line + "\n";
  const std::string expected = "ERROR an error occured error=\"something went wrong\"";
  EXPECT_EQ(std::count(lines.begin(), lines.end(), expected), 1)
      << "times \"" << expected << "\" was logged; the log was:\n"
      << listing;
}

TEST_F(ErrGroupPattern, LogsEveryResultWhenNoFindFails) {
  conc::testing::LogCapture capture;
  const auto sbg = dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  sbg->answer(true);
  gra->answer(false);
  ASSERT_NO_FATAL_FAILURE(expect_returns("every datacenter answered",
                                         "err_group() must return once every find is done."));
  workshop::Hint hint(
      "With no error, err_group() logs each result as the Go original: conc::log::info(\"got "
      "result\", \"datacenter\", name, \"found\", found).");
  const auto lines = capture.lines();
  std::string listing;
  for (const auto& line : lines) listing += "  " + line + "\n";
  for (const std::string expected : {"INFO got result datacenter=SBG found=true",
                                     "INFO got result datacenter=GRA found=false"}) {
    EXPECT_EQ(std::count(lines.begin(), lines.end(), expected), 1)
        << "times \"" << expected << "\" was logged; the log was:\n"
        << listing;
  }
}

TEST_F(ErrGroupPattern, LeavesNoGoroutineRunningAfterAnError) {
  dcs.add("SBG");
  const auto gra = dcs.add("GRA");
  dcs.add("BHS");
  start();
  ASSERT_NO_FATAL_FAILURE(expect_all_started());
  ASSERT_NO_FATAL_FAILURE(expect_cancellable(gra));
  if (HasFailure()) return;
  gra->fail(conc::Error("GRA is down"));
  ASSERT_NO_FATAL_FAILURE(
      expect_returns("GRA failed (the others never answer)",
                     "When a find fails, the others must be cancelled (conc::ErrGroup built on a "
                     "context, group.context() given to every find), and err_group() returns once "
                     "every task is done."));
  workshop::Hint hint(
      "err_group() returned, yet a goroutine it started is still running (the list of blocked "
      "threads says where): every goroutine must be done when it returns.");
  EXPECT_TRUE(conc::testing::wait_goroutines(baseline_, 5s))
      << conc::goroutines() - baseline_ << " goroutine(s) still running 5 s after err_group() "
      << "returned:\n"
      << conc::debug::describe_blocked();
}

TEST_F(ErrGroupPattern, ReturnsNoResultAndNoErrorWithoutFinders) {
  auto& call = start();
  ASSERT_NO_FATAL_FAILURE(expect_returns("it was called with no finder",
                                         "With no finder, there is nothing to wait for."));
  workshop::Hint hint("With no finder: no result, and a nil error.");
  EXPECT_TRUE(call.result().value().results.empty());
  EXPECT_FALSE(call.result().value().err) << "err is " << describe(call.result().value().err);
}

}  // namespace
