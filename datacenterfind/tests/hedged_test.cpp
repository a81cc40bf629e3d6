// datacenterfind/5 — hedged(): one request first, one more each time the hedge delay passes
// without an answer, the first answer wins and the requests still running are cancelled.
//
// How the suite watches it: hedged() runs on a thread of its own against fake datacenters whose
// finds block until the test answers them (tests/fake_finder.hpp), while a
// conc::testing::FakeClock holds library time still. Before each step the test waits until
// hedged() and every request it launched are parked in conc (conc::testing::wait_blocked): then
// hedged() has launched what it meant to launch, and the next move of the clock, or the next
// answer, is the only thing that can happen. Most checks are made again once hedged() has returned
// and every goroutine it started has ended: what the fakes saw then is final. A request launched
// too early cannot slip past either: the tests move the clock to just short of a hedge while
// hedged() waits in its select, so a timer armed too short fires inside advance() and commits
// hedged() to a launch before any datacenter answers; the final list of datacenters asked shows
// it. The 5 s safety nets only turn a would-be hang into a failed assertion that says what
// hedged() was doing.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <conc/go.hpp>
#include <conc/testing.hpp>

#include "fake_finder.hpp"
#include "patterns.hpp"
#include "workshop/call.hpp"
#include "workshop/hint.hpp"
#include "workshop/journal.hpp"

namespace {

using namespace std::chrono_literals;
using conc::Duration;
using datacenterfind::Finder;
using datacenterfind::Finders;
using datacenterfind::FindResult;
using datacenterfind::Result;
using datacenterfind_tests::FakeDatacenters;
using datacenterfind_tests::FakeFinder;
using Names = std::vector<std::string>;

// Only turns a would-be hang into a failed assertion: a right answer takes microseconds.
constexpr Duration kSafetyNet = 5s;
// The course's hedge delay, hedged()'s default.
constexpr Duration kHedge = 75ms;

// A datacenter whose find_with_context() fails with the error the test gives its fake's fail()
// (the fakes' own find_with_context() cannot fail: only a cancelled context ends it without an
// answer). Recorded by the fake: "started", then "failed" or "cancelled".
class FailingFinder final : public Finder {
 public:
  explicit FailingFinder(std::shared_ptr<FakeFinder> fake) : fake_(std::move(fake)) {}
  std::string name() const override { return fake_->name(); }
  std::int64_t weight() const override { return fake_->weight(); }
  bool find(std::string_view resource) override { return fake_->find(resource); }
  FindResult find_with_context(const conc::Context& ctx, std::string_view resource) override {
    return fake_->find_with_error(ctx, resource);
  }
  FindResult find_with_error(const conc::Context& ctx, std::string_view resource) override {
    return fake_->find_with_error(ctx, resource);
  }

 private:
  std::shared_ptr<FakeFinder> fake_;
};

std::string describe(const std::optional<Result>& result) {
  if (!result) return "nothing (std::nullopt)";
  if (!result->datacenter) return "a Result without a datacenter";
  return result->datacenter->name() + " found=" + (result->found ? "true" : "false");
}

std::string listing(const Names& names) {
  if (names.empty()) return "(none)";
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// One call of hedged() on a thread of its own (workshop/call.hpp): the test answers the fakes and
// moves the clock while hedged() waits, and waits for it to return with a safety net.
using HedgedCall = workshop::Call<std::optional<Result>>;

// What the call returned (it returned, and did not throw).
std::optional<Result> answer_of(const HedgedCall& call) {
  return call.result().value_or(std::nullopt);
}

class Hedged : public ::testing::Test {
 protected:
  void TearDown() override {
    // Whatever happened, nothing stays blocked on a fake after the test.
    dcs.answer_all();
  }

  // Starts hedged() on the fakes (with hedged()'s default delay when `hedge` is nullopt).
  HedgedCall start(std::optional<Duration> hedge = kHedge) {
    return start_on(dcs.finders(), hedge);
  }
  HedgedCall start_on(Finders finders, std::optional<Duration> hedge = kHedge) {
    start_time_ = clock.now();
    std::string names;
    for (const auto& finder : finders) names += (names.empty() ? "" : ", ") + finder->name();
    return HedgedCall("hedged(" + names + ")", [finders = std::move(finders), hedge] {
      auto result = hedge ? datacenterfind::hedged("file.txt", finders, *hedge)
                          : datacenterfind::hedged("file.txt", finders);
      workshop::record("hedged returns " + describe(result));
      return result;
    });
  }

  // Moves the clock by d, and tells the journal.
  void advance(Duration d) {
    clock.advance(d);
    workshop::record("clock advanced to " + ms(clock.now() - start_time_));
  }

  // Waits until `launched` requests have started, `running` of them are still waiting for their
  // datacenter, and those and hedged() are all parked in conc: hedged() has done what it does
  // before the clock moves or a datacenter answers. False (after reporting a failure) when that
  // never happens.
  bool settled(const HedgedCall& call, int launched, std::optional<int> running = std::nullopt) {
    const int parked = running.value_or(launched) + 1;
    const bool started = dcs.recorder->wait_started(launched, std::chrono::seconds(5)) &&
                         dcs.recorder->wait_ended(launched - (parked - 1), std::chrono::seconds(5));
    if (started && !call.returned() &&
        conc::testing::wait_blocked(static_cast<std::size_t>(parked), kSafetyNet)) {
      return true;
    }
    if (call.returned()) {
      workshop::Hint hint(
          "hedged() returned though no datacenter had answered yet. It must wait for an answer: "
          "select on the replies and on the hedge timer, and return only on a reply.");
      ADD_FAILURE() << "hedged() returned " << describe(answer_of(call))
                    << " before any datacenter answered (clock at " << ms(clock.now() - start_time_)
                    << ", requests started: " << listing(dcs.recorder->with("started")) << ")";
      return false;
    }
    workshop::Hint hint(
        "hedged() must start a request at once, then wait in a conc::select on the replies and "
        "the hedge timer (a conc::Timer: std::this_thread::sleep_for does not follow the "
        "FakeClock, and a real sleep never ends the way the tests move time).");
    ADD_FAILURE() << "expected " << launched << " request(s) started and hedged() waiting in "
                  << "conc (clock at " << ms(clock.now() - start_time_) << "), but "
                  << dcs.recorder->started() << " started ("
                  << listing(dcs.recorder->with("started")) << ") and hedged() is not waiting";
    return false;
  }

  // Lets hedged() launch `launched` requests, one per hedge delay: settled() with the first, then,
  // each time the clock has moved by the whole delay, with one more. False (after reporting a
  // failure) as soon as one of them is not.
  bool launches_one_per_hedge(const HedgedCall& call, int launched) {
    if (!settled(call, 1)) return false;
    for (int n = 2; n <= launched; ++n) {
      advance(kHedge);
      if (!settled(call, n)) return false;
    }
    return true;
  }

  // `fake` answers `found`, then hedged() must return it: returns(), with the hint that says so.
  bool answers(HedgedCall& call, FakeFinder& fake, bool found) {
    fake.answer(found);
    return returns(call, fake.name() + " answered: hedged() must return its answer.");
  }

  // Waits for hedged() to return; false (after reporting a failure) when it does not.
  bool returns(HedgedCall& call, const std::string& hint_text) {
    if (call.wait_returned()) {
      workshop::Hint hint("hedged() must not throw.");
      EXPECT_EQ(call.threw(), "") << "hedged() threw";
      return call.threw().empty();
    }
    workshop::Hint hint(hint_text);
    ADD_FAILURE() << "hedged() did not return within " << ms(kSafetyNet)
                  << " of real time; requests started: " << listing(dcs.recorder->with("started"));
    return false;
  }

  // Every goroutine hedged() started has ended: no leak, and what the fakes saw is final.
  void expect_no_goroutine_left() {
    workshop::Hint hint(
        "A request goroutine is still running after hedged() returned. Cancel the context when "
        "hedged() returns, and let every request send its reply without waiting for a receiver "
        "(a channel buffered for every finder).");
    EXPECT_TRUE(conc::testing::wait_goroutines(baseline_, kSafetyNet))
        << conc::goroutines() << " goroutine(s) still running after hedged() returned";
  }

  static std::string ms(Duration d) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
    if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + " ms";
    return std::to_string(ns) + " ns";
  }

  const std::size_t baseline_ = conc::goroutines();
  conc::testing::FakeClock clock;
  FakeDatacenters dcs;

 private:
  conc::TimePoint start_time_;
};

TEST_F(Hedged, StartsWithOneRequestAndSendsNoOtherOnceItAnswers) {
  auto sbg = dcs.add("SBG");
  dcs.add("GRA");
  dcs.add("BHS");
  auto call = start();
  if (!settled(call, 1)) return;
  {
    workshop::Hint hint(
        "hedged() asks one datacenter first; the next one only when the hedge delay has passed "
        "without an answer, and the test has not moved the clock yet. Do not launch every "
        "request in the loop, and wait with conc time (a conc::Timer in a conc::select), not "
        "std::this_thread::sleep_for: real time passes, the FakeClock's does not.");
    ASSERT_EQ(dcs.recorder->with("started"), (Names{"SBG"}))
        << "before the clock moved, only the first datacenter may be asked";
  }
  // Just short of the hedge delay: a timer due now would fire inside advance(), while hedged()
  // waits in its select, so a launch it triggers happens before SBG's answer can be seen.
  advance(kHedge - 1ns);
  if (!settled(call, 1)) return;
  if (!answers(call, *sbg, true)) return;
  {
    workshop::Hint hint("SBG answered before the hedge delay: hedged() returns SBG's answer.");
    ASSERT_TRUE(answer_of(call).has_value()) << "hedged() returned nothing";
    ASSERT_TRUE(answer_of(call)->datacenter) << "the Result names no datacenter";
    EXPECT_EQ(answer_of(call)->datacenter->name(), "SBG");
    EXPECT_TRUE(answer_of(call)->found);
  }
  advance(10 * kHedge);  // a timer left running must not launch anything now
  expect_no_goroutine_left();
  workshop::Hint hint(
      "SBG answered at 75 ms - 1 ns, before the first hedge delay: no other datacenter may ever "
      "be asked, neither before the delay (is the timer armed with the whole `hedge`?) nor after "
      "hedged() returned (launch in the timer's case only).");
  EXPECT_EQ(dcs.recorder->with("started"), (Names{"SBG"}))
      << "datacenters asked, once every goroutine hedged() started has ended";
}

TEST_F(Hedged, AsksTheNextDatacenterOnlyWhenTheHedgeDelayHasPassed) {
  dcs.add("SBG");
  auto gra = dcs.add("GRA");
  dcs.add("BHS");
  dcs.add("RBX");
  auto call = start(std::nullopt);  // hedged()'s default delay: 75 ms
  if (!settled(call, 1)) return;

  advance(kHedge - 1ns);
  if (!settled(call, 1)) return;
  {
    workshop::Hint hint(
        "The next request waits for the whole hedge delay (75 ms by default) of conc time: start "
        "a conc::Timer(hedge) and launch when its channel delivers (std::this_thread::sleep_for "
        "counts real time, which the tests' FakeClock does not follow).");
    ASSERT_EQ(dcs.recorder->with("started"), (Names{"SBG"})) << "clock at 75 ms - 1 ns";
  }
  advance(1ns);
  if (!settled(call, 2)) return;
  {
    workshop::Hint hint(
        "When the hedge delay has passed without an answer, launch exactly one more request, on "
        "the next datacenter in order, then wait again.");
    ASSERT_EQ(dcs.recorder->with("started"), (Names{"SBG", "GRA"})) << "clock at 75 ms";
  }
  advance(kHedge - 1ns);
  if (!settled(call, 2)) return;
  {
    workshop::Hint hint(
        "Each hedge delay counts from the last launch: reset the timer (timer.reset(hedge)) after "
        "launching, rather than keeping one deadline for all.");
    ASSERT_EQ(dcs.recorder->with("started"), (Names{"SBG", "GRA"})) << "clock at 150 ms - 1 ns";
  }
  advance(1ns);
  if (!settled(call, 3)) return;
  {
    workshop::Hint hint("A second hedge delay without an answer: the third datacenter is asked.");
    ASSERT_EQ(dcs.recorder->with("started"), (Names{"SBG", "GRA", "BHS"})) << "clock at 150 ms";
  }

  if (!answers(call, *gra, true)) return;
  {
    workshop::Hint hint("GRA answered first: hedged() returns GRA's answer.");
    ASSERT_TRUE(answer_of(call).has_value()) << "hedged() returned nothing";
    ASSERT_TRUE(answer_of(call)->datacenter) << "the Result names no datacenter";
    EXPECT_EQ(answer_of(call)->datacenter->name(), "GRA");
  }
  advance(10 * kHedge);
  expect_no_goroutine_left();
  workshop::Hint hint(
      "GRA answered at 150 ms, when SBG, GRA and BHS had been asked: RBX must never be asked, "
      "neither before its time nor after the answer.");
  EXPECT_EQ(dcs.recorder->with("started"), (Names{"SBG", "GRA", "BHS"}))
      << "datacenters asked, once every goroutine hedged() started has ended";
}

TEST_F(Hedged, CountsEachHedgeDelayFromTheLastLaunch) {
  dcs.add("SBG");
  auto gra = dcs.add("GRA");
  dcs.add("BHS");
  auto call = start();
  if (!launches_one_per_hedge(call, 2)) return;
  advance(kHedge - 1ns);  // GRA was launched 75 ms - 1 ns ago: BHS's turn has not come
  if (!settled(call, 2)) return;
  if (!answers(call, *gra, true)) return;
  {
    workshop::Hint hint("GRA answered first: hedged() returns GRA's answer.");
    ASSERT_TRUE(answer_of(call).has_value()) << "hedged() returned nothing";
    ASSERT_TRUE(answer_of(call)->datacenter) << "the Result names no datacenter";
    EXPECT_EQ(answer_of(call)->datacenter->name(), "GRA");
  }
  expect_no_goroutine_left();
  workshop::Hint hint(
      "GRA answered 75 ms - 1 ns after it was launched: BHS must not have been asked. Each hedge "
      "delay counts from the last launch: after launching, arm the timer again with the whole "
      "delay (timer.reset(hedge)).");
  EXPECT_EQ(dcs.recorder->with("started"), (Names{"SBG", "GRA"}))
      << "datacenters asked, once every goroutine hedged() started has ended";
}

// The Go original's bug: its loop ends when the last timer fires, and it returns nothing although
// every request is still running.
TEST_F(Hedged, KeepsWaitingForAnAnswerOnceEveryRequestIsLaunched) {
  dcs.add("SBG");
  auto gra = dcs.add("GRA");
  auto call = start();
  if (!launches_one_per_hedge(call, 2)) return;
  advance(100 * kHedge);  // every timer has fired long ago; nobody answered
  if (!settled(call, 2)) return;

  if (!answers(call, *gra, true)) return;
  workshop::Hint hint(
      "Every request was launched and the hedge delay passed again: there is nothing left to "
      "launch, but the answers are still coming. Keep waiting for a reply (e.g. select on a nil "
      "timer channel once everything is launched) instead of leaving the loop with nothing.");
  ASSERT_TRUE(answer_of(call).has_value())
      << "hedged() returned nothing, but GRA answered after every request was launched";
  ASSERT_TRUE(answer_of(call)->datacenter) << "the Result names no datacenter";
  EXPECT_EQ(answer_of(call)->datacenter->name(), "GRA");
  EXPECT_TRUE(answer_of(call)->found);
  expect_no_goroutine_left();
}

TEST_F(Hedged, CancelsTheRequestsStillRunningWhenItReturns) {
  dcs.add("SBG");
  auto gra = dcs.add("GRA");
  dcs.add("BHS");
  auto call = start();
  if (!launches_one_per_hedge(call, 3)) return;

  if (!answers(call, *gra, false)) return;
  {
    workshop::Hint hint("GRA answered (found=false is an answer too): hedged() returns it.");
    ASSERT_TRUE(answer_of(call).has_value()) << "hedged() returned nothing";
    ASSERT_TRUE(answer_of(call)->datacenter) << "the Result names no datacenter";
    EXPECT_EQ(answer_of(call)->datacenter->name(), "GRA");
    EXPECT_FALSE(answer_of(call)->found);
  }
  workshop::Hint hint(
      "Once hedged() has its answer, the requests still running are useless: give every request "
      "the same context (conc::with_cancel) and cancel it when hedged() returns.");
  ASSERT_TRUE(dcs.recorder->wait_ended(3, std::chrono::seconds(5)))
      << "SBG and BHS were never cancelled; ended so far: " << dcs.recorder->ended();
  auto cancelled = dcs.recorder->with("cancelled");
  std::sort(cancelled.begin(), cancelled.end());  // they see the cancellation in any order
  EXPECT_EQ(cancelled, (Names{"BHS", "SBG"})) << "datacenters that saw their request cancelled";
  expect_no_goroutine_left();
}

TEST_F(Hedged, AFailedRequestIsNotAnAnswer) {
  auto sbg = dcs.add("SBG");
  auto gra = dcs.add("GRA");
  auto call = start_on({std::make_shared<FailingFinder>(sbg), gra});
  if (!settled(call, 1)) return;

  sbg->fail(conc::Error("connection refused"));
  if (!settled(call, 1, 0)) return;  // SBG failed; hedged() alone is waiting
  advance(kHedge);
  if (!settled(call, 2, 1)) return;
  if (!answers(call, *gra, true)) return;
  workshop::Hint hint(
      "SBG's request failed (find_with_context returned an error): that is not an answer. Count "
      "it, keep hedging, and return the first reply without an error.");
  ASSERT_TRUE(answer_of(call).has_value()) << "hedged() returned nothing";
  ASSERT_TRUE(answer_of(call)->datacenter) << "the Result names no datacenter";
  EXPECT_EQ(answer_of(call)->datacenter->name(), "GRA");
  EXPECT_TRUE(answer_of(call)->found);
  expect_no_goroutine_left();
}

TEST_F(Hedged, ReturnsNothingOnceEveryRequestFailed) {
  auto sbg = dcs.add("SBG");
  auto gra = dcs.add("GRA");
  auto call =
      start_on({std::make_shared<FailingFinder>(sbg), std::make_shared<FailingFinder>(gra)});
  if (!launches_one_per_hedge(call, 2)) return;

  sbg->fail(conc::Error("connection refused"));
  gra->fail(conc::Error("connection reset"));
  if (!returns(call,
               "Every request failed and none is left to launch: no answer can come any more. "
               "Count the failed replies, and return std::nullopt when every launched request "
               "failed and every finder was launched.")) {
    return;
  }
  workshop::Hint hint("Every request failed: hedged() has no answer to return (std::nullopt).");
  EXPECT_FALSE(answer_of(call).has_value()) << "hedged() returned " << describe(answer_of(call));
  expect_no_goroutine_left();
}

TEST_F(Hedged, ReturnsNothingWithoutDatacenters) {
  auto call = start();
  if (!returns(call, "No finders: there is nobody to ask; return std::nullopt at once.")) return;
  workshop::Hint hint("No finders: hedged() returns std::nullopt.");
  EXPECT_FALSE(answer_of(call).has_value()) << "hedged() returned " << describe(answer_of(call));
  expect_no_goroutine_left();
}

TEST_F(Hedged, LogsEachLaunchAndTheAnswer) {
  conc::testing::LogCapture capture;
  dcs.add("SBG");
  auto gra = dcs.add("GRA");
  auto call = start();
  if (!launches_one_per_hedge(call, 2)) return;
  if (!answers(call, *gra, true)) return;
  expect_no_goroutine_left();

  workshop::Hint hint(
      "Log as the course does: conc::log::info(\"launching find\", \"datacenter\", name) for "
      "each request launched, and conc::log::info(\"got result\", \"datacenter\", name, "
      "\"found\", found) for the answer returned.");
  const auto lines = capture.lines();
  const Names wanted = {"INFO launching find datacenter=SBG", "INFO launching find datacenter=GRA",
                        "INFO got result datacenter=GRA found=true"};
  Names got;
  for (const auto& line : lines) {
    for (const auto& w : wanted) {
      if (line == w) got.push_back(line);
    }
  }
  EXPECT_EQ(got, wanted) << "log lines captured:\n" << [&] {
    std::string text;
    for (const auto& line : lines) text += "  " + line + "\n";
    return text;
  }();
}

}  // namespace
