// Tests of datacenterfind/6: semaphore(), every find but never more than max_parallel at once.
//
// The fakes (fake_finder.hpp) block every find until the test answers it, and count how many are
// in flight. The test lets the pattern run until every goroutine is parked (settled.hpp): then
// nothing more can start by itself, and the number of finds started is exactly what the
// semaphore let through. Then it answers one find at a time and checks that exactly one more
// starts each time. No sleep decides anything.
#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conc/go.hpp"
#include "conc/testing.hpp"
#include "fake_finder.hpp"
#include "patterns.hpp"
#include "settled.hpp"
#include "workshop/hint.hpp"
#include "workshop/journal.hpp"

namespace {



constexpr const char* kTakeASlotFirst =
    "More finds started than the semaphore has slots. Each goroutine must put a token in the "
    "buffered channel (tokens.send(conc::Unit{})) BEFORE it calls find(), and take it out "
    "(tokens.recv()) only AFTER find() returned: the send blocks while the channel is full, and "
    "that is what holds the other finds back. Is the channel's capacity max_parallel? Taking "
    "the token after find(), or giving it back before find(), limits nothing.";

constexpr const char* kGiveTheSlotBack =
    "A find ended, and no other started in its place: its slot was never given back. After "
    "find() returns, the goroutine must take its token out of the channel (tokens.recv()), "
    "which lets the next waiting send through. Go writes `defer func() { <-semaphore }()`.";

constexpr const char* kUseTheSlots =
    "Fewer finds run at once than max_parallel allows: the semaphore is too small. Is the "
    "channel's capacity max_parallel (conc::make_chan<conc::Unit>(max_parallel))? An unbuffered "
    "channel (capacity 0) lets nobody in; a capacity of 1 runs the finds one at a time.";

class SemaphoreTest : public datacenterfind_tests::SettledSuite {
 protected:
  SemaphoreTest()
      : SettledSuite({
          "semaphore",
          "Every find was answered, and semaphore() still had not returned. Does it wait for "
          "its goroutines (wg.wait())? If it does, some goroutine never got its slot: is every "
          "token given back after its find?",
          "A goroutine was still running 5 s after semaphore() returned and every find ended. "
          "semaphore() must wait (conc::WaitGroup) for every goroutine it started, and none may "
          "stay blocked on the channel.",
          "The test waits until every goroutine is parked in a conc operation (a channel send or "
          "receive, a WaitGroup wait): only then is it sure that no more finds will start. Some "
          "goroutine kept running, or waits in something conc does not know: a "
          "std::counting_semaphore, a std::mutex, a busy loop. Use the buffered conc::Chan the "
          "brief describes."}) {}

  void add(const std::vector<std::string>& names) {
    for (const auto& name : names) dcs_.add(name);
  }

  // Calls semaphore() in a goroutine; max_parallel nullopt uses the default argument.
  void start(std::optional<int> max_parallel) {
    const auto finders = dcs_.finders();
    if (max_parallel) {
      start_call("semaphore(max_parallel=" + std::to_string(*max_parallel) + ")",
                 [finders, max = *max_parallel] {
                   datacenterfind::semaphore("resource", finders, max);
                 });
    } else {
      start_call("semaphore() with the default max_parallel",
                 [finders] { datacenterfind::semaphore("resource", finders); });
    }
  }

  // Waits until every goroutine is parked, so that no more finds can start by themselves.
  // Fails the test, and returns false, when that never happens.
  bool settle() {
    return settle_and_record(std::to_string(recorder().in_flight()) + " find(s) in flight");
  }

  // The heart of the suite: with n finders and max_parallel m, min(n, m) finds start; then each
  // answer (oldest find first) lets exactly one more start, until all have ended. Fails the test
  // at the first step that differs, and returns false then.
  bool answer_one_at_a_time(int max_parallel) {
    const int n = static_cast<int>(dcs_.fakes.size());
    for (int answered = 0; answered < n; ++answered) {
      const int expected = std::min(n, answered + max_parallel);
      // At least `expected` must start: wait for them (the safety net only turns a stall into a
      // failure). Then, once nothing moves, no more than `expected` may have.
      if (!recorder().wait_started(expected)) {
        workshop::Hint hint(answered == 0 ? kUseTheSlots : kGiveTheSlotBack);
        ADD_FAILURE() << "only " << recorder().started() << " find(s) started in 5 s while "
                      << answered << " had ended: with max_parallel=" << max_parallel << ", "
                      << expected << " should have"
                      << (answered == 0 ? ""
                                        : " (the next find never started: is the token given "
                                          "back?)");
        return false;
      }
      if (!settle()) return false;
      if (const int started = recorder().started(); started > expected) {
        workshop::Hint hint(kTakeASlotFirst);
        ADD_FAILURE() << started << " finds started while " << answered
                      << " had ended: at most " << max_parallel << " may be in flight, so only "
                      << expected << " could have started";
        return false;
      }
      const auto flying = in_flight();
      if (flying.empty()) {
        ADD_FAILURE() << "no find in flight to answer";
        return false;
      }
      workshop::record("test: answers " + flying.front()->name());
      flying.front()->answer(true);
      if (!recorder().wait_ended(answered + 1)) {
        ADD_FAILURE() << flying.front()->name() << "'s find did not end once answered";
        return false;
      }
    }
    return true;
  }

};

// The headline: the default max_parallel is 2, and both slots are used.
TEST_F(SemaphoreTest, RunsTwoFindsAtOnceByDefaultAndHoldsBackTheOthers) {
  add({"SBG", "GRA", "BHS", "RBX", "WAW"});
  start(std::nullopt);
  {
    workshop::Hint hint(kUseTheSlots);
    ASSERT_TRUE(recorder().wait_started(2))
        << "only " << recorder().started() << " find(s) started in 5 s, with 5 datacenters and "
        << "the default max_parallel (2)";
  }
  if (!settle()) return;
  workshop::Hint hint(kTakeASlotFirst);
  EXPECT_EQ(recorder().started(), 2) << "finds started, with every goroutine now waiting, with 5 "
                                        "datacenters and the default max_parallel (2)";
}

class SemaphoreSlotsTest : public SemaphoreTest, public ::testing::WithParamInterface<int> {};

TEST_P(SemaphoreSlotsTest, EachAnswerLetsExactlyOneMoreFindStart) {
  const int max_parallel = GetParam();
  add({"SBG", "GRA", "BHS", "RBX", "WAW"});
  start(max_parallel);
  if (!answer_one_at_a_time(max_parallel)) return;
  workshop::Hint hint(kTakeASlotFirst);
  EXPECT_EQ(recorder().max_in_flight(), max_parallel)
      << "the most finds the fakes ever saw in flight at once";
}

INSTANTIATE_TEST_SUITE_P(MaxParallel, SemaphoreSlotsTest, ::testing::Values(1, 2, 3),
                         [](const auto& param_info) {
                           return "max_parallel_" + std::to_string(param_info.param);
                         });

TEST_F(SemaphoreTest, MaxParallelOneRunsTheFindsOneAfterTheOther) {
  add({"SBG", "GRA", "BHS"});
  start(1);
  if (!answer_one_at_a_time(1)) return;
  std::vector<std::string> seen;
  for (const auto& e : recorder().events()) seen.push_back(e.datacenter + " " + e.what);
  workshop::Hint hint(kTakeASlotFirst);
  for (std::size_t i = 0; i + 1 < seen.size(); i += 2) {
    EXPECT_EQ(seen[i].substr(0, 4), seen[i + 1].substr(0, 4))
        << "with one slot, each find must end before the next starts; the fakes saw: "
        << seen[i] << ", then " << seen[i + 1];
  }
}

TEST_F(SemaphoreTest, AsksEveryFinderExactlyOnce) {
  add({"SBG", "GRA", "BHS", "RBX", "WAW"});
  start(2);
  if (!answer_one_at_a_time(2)) return;
  auto asked = recorder().with("started");
  std::sort(asked.begin(), asked.end());
  workshop::Hint hint(
      "Every finder is asked once: one goroutine per finder, each calling find() on its own "
      "finder (captured by value: `[finder, tokens, resource]`).");
  EXPECT_EQ(asked, (std::vector<std::string>{"BHS", "GRA", "RBX", "SBG", "WAW"}));
}

TEST_F(SemaphoreTest, ReturnsOnlyOnceEveryFindHasEnded) {
  add({"SBG", "GRA", "BHS"});
  start(2);
  // Answer the finds in flight until one is left.
  for (int answered = 0; answered < 2; ++answered) {
    if (!recorder().wait_started(answered + 2) || !settle()) {
      workshop::Hint hint(answered == 0 ? kUseTheSlots : kGiveTheSlotBack);
      FAIL() << "only " << recorder().started() << " find(s) started while " << answered
             << " had ended, with max_parallel=2";
    }
    auto flying = in_flight();
    if (flying.empty()) {
      workshop::Hint hint(kGiveTheSlotBack);
      FAIL() << "no find in flight after " << answered << " answered";
    }
    workshop::record("test: answers " + flying.front()->name());
    flying.front()->answer(true);
    ASSERT_TRUE(recorder().wait_ended(answered + 1));
  }
  if (!settle()) return;
  {
    workshop::Hint hint(
        "semaphore() returned while a find was still running. It must wait for every goroutine "
        "it started: a conc::WaitGroup, and wg.wait() at the end.");
    ASSERT_EQ(recorder().in_flight(), 1) << "finds in flight with one left to answer";
    EXPECT_FALSE(call_->returned()) << "semaphore() returned before the last find ended";
  }
  workshop::record("test: answers the last find");
  dcs_.answer_all();
  workshop::Hint hint(
      "Once the last find ended, semaphore() must return: wg.wait() returns when every "
      "goroutine called done(). Is some goroutine still waiting for a slot?");
  EXPECT_TRUE(call_->wait_returned()) << "semaphore() had not returned 5 s after the last answer";
}

TEST_F(SemaphoreTest, ReturnsAtOnceWithNoFinders) {
  start(2);
  workshop::Hint hint("With no finder there is nothing to wait for: semaphore() returns.");
  EXPECT_TRUE(call_->wait_returned()) << "semaphore() with no finder had not returned after 5 s";
}

TEST_F(SemaphoreTest, RunsFewerFindersThanSlotsAtOnce) {
  add({"SBG"});
  start(2);
  if (!answer_one_at_a_time(2)) return;
  workshop::Hint hint("One finder, two slots: it runs, and semaphore() returns.");
  EXPECT_TRUE(call_->wait_returned()) << "semaphore() had not returned 5 s after the answer";
}

TEST_F(SemaphoreTest, LogsStartingFindOnlyOnceTheFindMayRun) {
  conc::testing::LogCapture capture;
  add({"SBG", "GRA", "BHS"});
  start(2);
  {
    workshop::Hint hint(kUseTheSlots);
    ASSERT_TRUE(recorder().wait_started(2)) << "2 finds should start at once, with max_parallel=2";
  }
  if (!settle()) return;
  const auto count_starting = [&] {
    const auto records = capture.records();
    return std::count_if(records.begin(), records.end(),
                         [](const auto& r) { return r.message == "starting find"; });
  };
  {
    workshop::Hint hint(
        "Log \"starting find\" once the goroutine holds its slot, right before find(), as the "
        "course does: the log then shows the finds 2 by 2. Logging before the send shows every "
        "datacenter \"starting\" at once.");
    EXPECT_EQ(count_starting(), 2) << "\"starting find\" lines while 2 finds may run; logged:\n"
                                   << ::testing::PrintToString(capture.lines());
  }
  // SBG and BHS find the resource, GRA does not.
  for (const auto& fake : dcs_.fakes) fake->answer(fake->name() != "GRA");
  ASSERT_TRUE(call_->wait_returned()) << "semaphore() had not returned 5 s after every answer";
  workshop::Hint hint(
      "Log as the course does, once per find: conc::log::info(\"starting find\", \"datacenter\", "
      "finder->name()) before it, and conc::log::info(\"got result\", \"datacenter\", "
      "finder->name(), \"found\", found) after it.");
  EXPECT_EQ(count_starting(), 3) << ::testing::PrintToString(capture.lines());
  for (const auto& [name, found] :
       std::vector<std::pair<std::string, bool>>{{"SBG", true}, {"GRA", false}, {"BHS", true}}) {
    EXPECT_TRUE(capture.contains("starting find", "datacenter", name))
        << "no \"starting find datacenter=" << name << "\"; logged:\n"
        << ::testing::PrintToString(capture.lines());
    EXPECT_TRUE(capture.contains("got result", "datacenter", name, "found", found))
        << "no \"got result datacenter=" << name << " found=" << (found ? "true" : "false")
        << "\"; logged:\n"
        << ::testing::PrintToString(capture.lines());
  }
}

}  // namespace
