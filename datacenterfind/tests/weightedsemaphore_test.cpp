// Tests of datacenterfind/7: weighted_semaphore(), every find but never more than `capacity` of
// weight at once.
//
// The fakes (fake_finder.hpp) block every find until the test answers it and add up the weight
// in flight. The test lets the pattern run until every goroutine is parked (settled.hpp): then
// nothing more can start by itself, and what started is exactly what the semaphore let in.
// The goroutines reach the semaphore in an order nobody controls, so the scenarios are chosen
// for their outcome not to depend on it (two finds of 20 cannot run together, whichever comes
// first). No sleep decides anything.
#include <algorithm>
#include <chrono>
#include <cstdint>
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

using datacenterfind_tests::kSafetyNet;


constexpr const char* kAcquireTheWeightFirst =
    "More weight is in flight than the capacity. Each goroutine must acquire its finder's "
    "weight (sem.acquire(ctx, finder->weight())) BEFORE it calls find(), and release the same "
    "weight only AFTER find() returned. acquire(ctx, 1) counts finds, not weight; acquiring "
    "after find() limits nothing.";

constexpr const char* kReleaseTheWholeWeight =
    "A find ended, and the find waiting for its place never started: the weight was not all "
    "given back. Release exactly what was acquired, finder->weight(), after find() returns: "
    "release(1) gives back one unit of it, and the semaphore stays full.";

constexpr const char* kUseTheCapacity =
    "A find waits although its weight fits in what is free: the semaphore is smaller than "
    "`capacity`, or takes more than the finder's weight. Build it with "
    "conc::WeightedSemaphore sem(capacity) and acquire finder->weight().";

class WeightedSemaphoreTest : public datacenterfind_tests::SettledSuite {
 protected:
  WeightedSemaphoreTest()
      : SettledSuite({
          "weighted_semaphore",
          "Every find was answered, and weighted_semaphore() still had not returned. Does it "
          "wait for its goroutines (wg.wait())? If it does, some goroutine never got its "
          "weight: is the whole weight released after each find? Does a goroutine retry an "
          "acquire() that failed? (A weight above the capacity never fits: log the error and "
          "return.)",
          "A goroutine was still running 5 s after weighted_semaphore() returned and every find "
          "ended. weighted_semaphore() must wait (conc::WaitGroup) for every goroutine it "
          "started, and none may stay blocked in acquire().",
          "The test waits until every goroutine is parked in a conc operation (acquire(), "
          "a channel, a WaitGroup wait): only then is it sure that no more finds will start. "
          "Some goroutine kept running, or waits in something conc does not know (a "
          "std::mutex, a busy loop). Use conc::WeightedSemaphore, as the brief says."}) {}

  void add(const std::string& name, std::int64_t weight) { dcs_.add(name, weight); }

  // Calls weighted_semaphore() in a goroutine; capacity nullopt uses the default argument.
  void start(std::optional<std::int64_t> capacity) {
    const auto finders = dcs_.finders();
    if (capacity) {
      start_call("weighted_semaphore(capacity=" + std::to_string(*capacity) + ")",
                 [finders, c = *capacity] {
                   datacenterfind::weighted_semaphore("resource", finders, c);
                 });
    } else {
      start_call("weighted_semaphore() with the default capacity",
                 [finders] { datacenterfind::weighted_semaphore("resource", finders); });
    }
  }

  // Waits until every goroutine is parked, so that no more finds can start by themselves.
  // Fails the test, with `hint_text` when given, and returns false, when that never happens.
  bool settle(const char* hint_text = nullptr) {
    return settle_and_record("weight in flight " + std::to_string(weight_in_flight()), hint_text);
  }

  std::int64_t weight_in_flight() const {
    std::int64_t weight = 0;
    for (const auto& fake : in_flight()) weight += fake->weight();
    return weight;
  }

  std::vector<std::string> in_flight_names() const {
    std::vector<std::string> names;
    for (const auto& fake : in_flight()) names.push_back(fake->name());
    return names;
  }

  // Answers every find in flight and waits until they have ended; false (with a failure) when
  // they do not.
  bool answer_in_flight() {
    const auto flying = in_flight();
    const int ended = recorder().ended();
    for (const auto& fake : flying) {
      workshop::record("test: answers " + fake->name());
      fake->answer(true);
    }
    if (recorder().wait_ended(ended + static_cast<int>(flying.size()))) return true;
    ADD_FAILURE() << "the finds answered did not end";
    return false;
  }

};

// Two finds of 20 cannot run together in 30, whichever asks first: one waits for the other.
TEST_F(WeightedSemaphoreTest, NeverRunsMoreWeightThanTheCapacity) {
  add("GRA", 20);
  add("FRA", 20);
  start(30);
  {
    workshop::Hint hint(kUseTheCapacity);
    ASSERT_TRUE(recorder().wait_started(1)) << "no find started in 5 s";
  }
  if (!settle()) return;
  {
    workshop::Hint hint(kAcquireTheWeightFirst);
    ASSERT_EQ(recorder().started(), 1)
        << "finds started with weights 20 and 20 in a capacity of 30; in flight: "
        << ::testing::PrintToString(in_flight_names());
  }
  if (!answer_in_flight()) return;
  {
    workshop::Hint hint(kReleaseTheWholeWeight);
    ASSERT_TRUE(recorder().wait_started(2))
        << "the second find of 20 had not started 5 s after the first had ended (the second "
           "should have taken its place)";
  }
  if (!answer_in_flight()) return;
  workshop::Hint hint(kAcquireTheWeightFirst);
  EXPECT_LE(recorder().max_weight_in_flight(), 30) << "the most weight ever in flight at once";
}

// The default capacity is 30: three finds of 10 fill it, the fourth waits for a place.
TEST_F(WeightedSemaphoreTest, FillsTheDefaultCapacityOfThirtyAndNoMore) {
  for (const char* name : {"SBG", "RBX", "WAW", "LIM"}) add(name, 10);
  start(std::nullopt);
  {
    workshop::Hint hint(kUseTheCapacity);
    ASSERT_TRUE(recorder().wait_started(3))
        << "only " << recorder().started() << " find(s) of weight 10 started in 5 s, with the "
        << "default capacity of 30: 3 fit";
  }
  if (!settle()) return;
  if (const int started = recorder().started(); started > 3) {
    workshop::Hint hint(kAcquireTheWeightFirst);
    FAIL() << started << " finds of weight 10 started, with the default capacity of 30: "
           << "only 3 fit; in flight: " << ::testing::PrintToString(in_flight_names());
  }
  // Answer one: its 10 go back, and the fourth takes them.
  const auto first = in_flight().front();
  workshop::record("test: answers " + first->name());
  first->answer(true);
  ASSERT_TRUE(recorder().wait_ended(1));
  workshop::Hint hint(kReleaseTheWholeWeight);
  EXPECT_TRUE(recorder().wait_started(4))
      << "the fourth find of 10 had not started 5 s after one of the first three had ended";
}

// 10 and 20 fit together in 30: the semaphore must not make the second wait.
TEST_F(WeightedSemaphoreTest, RunsFindsTogetherWhenTheirWeightsFit) {
  conc::testing::LogCapture capture;
  add("SBG", 10);
  add("GRA", 20);
  start(30);
  {
    workshop::Hint hint(kUseTheCapacity);
    ASSERT_TRUE(recorder().wait_started(2))
        << "only " << recorder().started() << " of the finds of weights 10 and 20 started in 5 "
        << "s, in a capacity of 30 where both fit";
  }
  for (const auto& fake : dcs_.fakes) fake->answer(fake->name() == "SBG");
  ASSERT_TRUE(call_->wait_returned()) << "weighted_semaphore() had not returned 5 s after every "
                                         "answer";
  workshop::Hint hint(
      "Log as the course does, once per find: conc::log::info(\"starting find\", \"datacenter\", "
      "finder->name()) before it, and conc::log::info(\"got result\", \"datacenter\", "
      "finder->name(), \"found\", found) after it.");
  EXPECT_TRUE(capture.contains("starting find", "datacenter", "SBG")) << ::testing::PrintToString(
      capture.lines());
  EXPECT_TRUE(capture.contains("starting find", "datacenter", "GRA")) << ::testing::PrintToString(
      capture.lines());
  EXPECT_TRUE(capture.contains("got result", "datacenter", "SBG", "found", true))
      << ::testing::PrintToString(capture.lines());
  EXPECT_TRUE(capture.contains("got result", "datacenter", "GRA", "found", false))
      << ::testing::PrintToString(capture.lines());
}

// The course's datacenters. Whatever order the goroutines reach the semaphore in, the weight in
// flight never passes 30, BHS (30) always runs alone, and when a find waits it is because the
// one at the head of the queue does not fit: then the heaviest one waiting does not fit either.
TEST_F(WeightedSemaphoreTest, RunsTheCourseDatacentersWithinThirty) {
  add("SBG", 10);
  add("GRA", 20);
  add("BHS", 30);
  add("RBX", 10);
  add("WAW", 10);
  start(30);
  // The finds not started yet, and the heaviest of them (0 when none waits).
  const auto heaviest_waiting = [&] {
    std::int64_t heaviest = 0;
    const auto started = recorder().with("started");
    for (const auto& fake : dcs_.fakes) {
      if (std::find(started.begin(), started.end(), fake->name()) == started.end()) {
        heaviest = std::max(heaviest, fake->weight());
      }
    }
    return heaviest;
  };
  for (int round = 1; recorder().ended() < 5; ++round) {
    // The capacity is used: wait until nothing waiting would fit any more (FIFO: the head of
    // the queue does not fit, so neither does the heaviest waiting), then until nothing moves.
    const bool full = workshop::wait_until(
        [&] {
          const std::int64_t heaviest = heaviest_waiting();
          return heaviest == 0 || weight_in_flight() + heaviest > 30;
        },
        kSafetyNet);
    if (!full) {
      workshop::Hint hint(recorder().ended() > 0 ? kReleaseTheWholeWeight : kUseTheCapacity);
      FAIL() << "weight " << weight_in_flight() << " in flight for 5 s, "
             << recorder().ended() << " of 5 finds ended, and every find waiting would fit in "
             << "the " << 30 - weight_in_flight() << " left; in flight: "
             << ::testing::PrintToString(in_flight_names());
    }
    if (!settle()) return;
    const auto flying = in_flight_names();
    const std::int64_t weight = weight_in_flight();
    workshop::record("test: round " + std::to_string(round) + ", in flight: " +
                     ::testing::PrintToString(flying));
    if (weight > 30) {
      workshop::Hint hint(kAcquireTheWeightFirst);
      FAIL() << "weight " << weight << " in flight at once, capacity 30: "
             << ::testing::PrintToString(flying);
    }
    if (std::find(flying.begin(), flying.end(), "BHS") != flying.end() && flying.size() > 1) {
      workshop::Hint hint(kAcquireTheWeightFirst);
      FAIL() << "BHS (weight 30) ran together with others: " << ::testing::PrintToString(flying);
    }
    if (!answer_in_flight()) return;
  }
  auto asked = recorder().with("started");
  std::sort(asked.begin(), asked.end());
  workshop::Hint hint(
      "Every finder is asked once: one goroutine per finder, each calling find() on its own "
      "finder (captured by value).");
  EXPECT_EQ(asked, (std::vector<std::string>{"BHS", "GRA", "RBX", "SBG", "WAW"}));
}

// Go's Acquire would wait forever for 40 in a capacity of 30; conc's returns an error at once.
// The pattern logs it, as the course does, skips that finder, and runs the others.
TEST_F(WeightedSemaphoreTest, ReportsAFinderHeavierThanTheCapacityAndRunsTheOthers) {
  conc::testing::LogCapture capture;
  add("SBG", 10);
  add("BIG", 40);
  add("RBX", 10);
  start(30);
  {
    workshop::Hint hint(kUseTheCapacity);
    ASSERT_TRUE(recorder().wait_started(2))
        << "SBG and RBX (10 each) should both start in a capacity of 30; started: "
        << ::testing::PrintToString(recorder().with("started"));
  }
  if (!settle(
          "A goroutine kept running instead of waiting or returning. Does it retry acquire() "
          "in a loop when it returns an error? A weight above the capacity never fits: log "
          "\"fail to acquire semaphore\" with the error, and return from that goroutine.")) {
    return;
  }
  {
    const auto started = recorder().with("started");
    workshop::Hint hint(
        "acquire() returns an error when the weight can never fit (40 > 30): the goroutine "
        "must then skip its find. Check acquire()'s result: `if (conc::Error err = "
        "sem.acquire(ctx, weight)) { log it; return; }`.");
    EXPECT_TRUE(std::find(started.begin(), started.end(), "BIG") == started.end())
        << "BIG (weight 40) was asked with a capacity of 30";
  }
  if (!answer_in_flight()) return;
  {
    workshop::Hint hint(
        "weighted_semaphore() must return once every find it could run has ended: a finder "
        "too heavy is skipped, not waited for.");
    ASSERT_TRUE(call_->wait_returned())
        << "weighted_semaphore() had not returned 5 s after SBG and RBX answered";
  }
  bool reported = false;
  for (const auto& record : capture.records()) {
    if (record.level != conc::log::Level::Error || record.message != "fail to acquire semaphore") {
      continue;
    }
    for (const auto& attr : record.attrs) {
      if (attr.key == "error" && attr.value.find("40") != std::string::npos &&
          attr.value.find("30") != std::string::npos) {
        reported = true;
      }
    }
  }
  workshop::Hint hint(
      "Report the finder that cannot run, as the course does: conc::log::error(\"fail to "
      "acquire semaphore\", \"error\", err), with the error acquire() returned (it names the "
      "weight and the capacity).");
  EXPECT_TRUE(reported) << "no ERROR line \"fail to acquire semaphore error=...\" naming 40 and "
                           "30; logged:\n"
                        << ::testing::PrintToString(capture.lines());
}

TEST_F(WeightedSemaphoreTest, ReturnsOnlyOnceEveryFindHasEnded) {
  add("SBG", 10);
  add("GRA", 20);
  start(30);
  {
    workshop::Hint hint(kUseTheCapacity);
    ASSERT_TRUE(recorder().wait_started(2)) << "SBG (10) and GRA (20) fit together in 30";
  }
  workshop::record("test: answers SBG");
  dcs_.fakes[0]->answer(true);
  ASSERT_TRUE(recorder().wait_ended(1));
  if (!settle()) return;
  {
    workshop::Hint hint(
        "weighted_semaphore() returned while a find was still running. It must wait for every "
        "goroutine it started: a conc::WaitGroup, and wg.wait() at the end.");
    EXPECT_FALSE(call_->returned()) << "weighted_semaphore() returned while GRA's find ran";
  }
  workshop::record("test: answers GRA");
  dcs_.fakes[1]->answer(true);
  workshop::Hint hint("Once the last find ended, weighted_semaphore() must return.");
  EXPECT_TRUE(call_->wait_returned())
      << "weighted_semaphore() had not returned 5 s after the last answer";
}

TEST_F(WeightedSemaphoreTest, ReturnsAtOnceWithNoFinders) {
  start(30);
  workshop::Hint hint("With no finder there is nothing to wait for: weighted_semaphore() returns.");
  EXPECT_TRUE(call_->wait_returned())
      << "weighted_semaphore() with no finder had not returned after 5 s";
}

}  // namespace
