// workshop/timeline.hpp: what the recorder keeps, how the picture is laid out, and the trace JSON.

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/testing/fake_clock.hpp"
#include "workshop/journal.hpp"
#include "workshop/timeline.hpp"

namespace {

using std::chrono::milliseconds;
using testing::ElementsAre;
using testing::HasSubstr;
using workshop::Ending;
using workshop::TimelineEvent;
using workshop::TimelineLayout;
using Kind = TimelineEvent::Kind;

TimelineEvent begin(int ms, std::string lane, std::string label = "find") {
  return {milliseconds(ms), std::move(lane), Kind::begin, std::move(label)};
}
TimelineEvent end(int ms, std::string lane, std::string outcome, Ending ending = Ending::completed) {
  return {milliseconds(ms), std::move(lane), Kind::end, std::move(outcome), ending};
}
TimelineEvent mark(int ms, std::string lane, std::string label) {
  return {milliseconds(ms), std::move(lane), Kind::mark, std::move(label)};
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The redundant-requests shape: SBG answers first, the others are cancelled then.
std::vector<TimelineEvent> redundant() {
  return {begin(0, "SBG"), begin(0, "GRA"), begin(0, "BHS"), end(100, "SBG", "found"),
          end(100, "GRA", "cancelled", Ending::stopped),
          end(100, "BHS", "cancelled", Ending::stopped)};
}

TEST(Timeline, DrawsOneLanePerNameWithItsOutcome) {
  EXPECT_THAT(lines(workshop::render_timeline(redundant(), {.width = 60, .legend = false})),
              ElementsAre("     0 ms     20 ms    40 ms   60 ms    80 ms",
                          "SBG  [===========================================] found",
                          "GRA  [===========================================x cancelled",
                          "BHS  [===========================================x cancelled"));
}

TEST(Timeline, EndsASpanStillOpenWithAnArrow) {
  const auto text = workshop::render_timeline(
      {begin(0, "SBG"), begin(50, "BHS"), end(100, "SBG", "found")},
      {.width = 40, .legend = false});
  EXPECT_THAT(lines(text), ElementsAre("     0 ms          50 ms",
                                       "SBG  [===========================] found",
                                       "BHS                [=============>"));
}

TEST(Timeline, DrawsMarksAndListsTheirLabels) {
  const auto text = workshop::render_timeline(
      {begin(0, "BHS"), mark(75, "hedge", "timer fired"), begin(75, "GRA"),
       end(100, "GRA", "found")},
      {.width = 40, .legend = false});
  EXPECT_THAT(lines(text), ElementsAre("       0 ms      50 ms",
                                       "BHS    [===================>",
                                       "hedge                 *      timer fired",
                                       "GRA                   [====] found"));
}

TEST(Timeline, OrderAxisGivesEachInstantItsOwnColumn) {
  // Microseconds apart or seconds apart: on the order axis only the order shows.
  const std::vector<TimelineEvent> events = {
      {std::chrono::microseconds(1), "A", Kind::begin, ""},
      {std::chrono::microseconds(2), "B", Kind::begin, ""},
      {std::chrono::seconds(9), "A", Kind::end, "done"},
      {std::chrono::seconds(10), "B", Kind::end, "done"}};
  const auto text = workshop::render_timeline(
      events, {.width = 40, .axis = TimelineLayout::Axis::order, .legend = false});
  EXPECT_THAT(lines(text), ElementsAre("   order of events (not to scale) -->",
                                       "A  [===================]            done",
                                       "B            [====================] done"));
}

TEST(Timeline, ABeginOnABusyLaneStopsItsOpenSpan) {
  const std::vector<TimelineEvent> events = {begin(0, "W"), begin(50, "W"), end(100, "W", "done")};
  EXPECT_THAT(lines(workshop::render_timeline(events, {.width = 40, .legend = false}))[1],
              "W  [===============[==============] done");
  const auto json = workshop::chrome_trace_json({{"p", events}});
  EXPECT_THAT(json, HasSubstr(R"("ts":0.000,"dur":50000.000,"args":{"outcome":"","ending":"stopped"})"));
  EXPECT_THAT(json, HasSubstr(R"("ts":50000.000,"dur":50000.000,"args":{"outcome":"done","ending":"completed"})"));
}

TEST(Timeline, EveryLineFitsTheWidth) {
  auto events = redundant();
  events.push_back(begin(20, "a-lane-name-far-too-long-for-the-name-column"));
  events.push_back(end(90, "a-lane-name-far-too-long-for-the-name-column",
                       "an outcome far too long to print whole at the end of its line",
                       Ending::stopped));
  for (int width : {40, 80, 132}) {
    SCOPED_TRACE(width);
    const auto text = workshop::render_timeline(events, {.width = width});
    for (const auto& line : lines(text)) EXPECT_LE(line.size(), static_cast<std::size_t>(width)) << line;
    EXPECT_THAT(text, HasSubstr("..."));  // what did not fit says so
  }
}

TEST(Timeline, EndsWithALegendOfTheSymbols) {
  EXPECT_THAT(lines(workshop::render_timeline(redundant())).back(),
              HasSubstr("x cancelled or failed  > still running"));
}

TEST(Timeline, RendersNothingForNoEventAndRefusesANarrowPicture) {
  EXPECT_EQ(workshop::render_timeline({}), "");
  EXPECT_THROW(workshop::render_timeline(redundant(), {.width = 39}), std::invalid_argument);
}

TEST(Timeline, RecordsTheLibrarysTimeSoAFakeClockGivesExactTimes) {
  conc::testing::FakeClock clock;
  workshop::Timeline timeline;
  timeline.begin("SBG", "find");
  clock.advance(milliseconds(100));
  timeline.end("SBG", "found");
  timeline.mark("main", "returned");
  const auto events = timeline.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].at, milliseconds(0));
  EXPECT_EQ(events[1].at, milliseconds(100));
  EXPECT_EQ(events[1].kind, Kind::end);
  EXPECT_EQ(events[1].label, "found");
  EXPECT_EQ(events[2].lane, "main");
}

TEST(Timeline, KeepsEventsFromManyThreadsInTimeOrder) {
  workshop::Timeline timeline;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&timeline, t] {
      for (int i = 0; i < 100; ++i) timeline.mark("thread " + std::to_string(t), "tick");
    });
  }
  for (auto& thread : threads) thread.join();
  const auto events = timeline.events();
  ASSERT_EQ(events.size(), 400u);
  for (std::size_t i = 1; i < events.size(); ++i) EXPECT_LE(events[i - 1].at, events[i].at);
}

TEST(ChromeTrace, NamesProcessesAndLanesAndTimesSpansInMicroseconds) {
  const auto json = workshop::chrome_trace_json({{"redundant", redundant()}}, {milliseconds(5)});
  EXPECT_THAT(json, HasSubstr(R"({"name":"process_name","ph":"M","pid":1,"args":{"name":"redundant"}})"));
  EXPECT_THAT(json, HasSubstr(R"("name":"thread_name","ph":"M","pid":1,"tid":2,"args":{"name":"GRA"})"));
  EXPECT_THAT(json, HasSubstr(
      R"({"name":"find","ph":"X","pid":1,"tid":1,"ts":5000.000,"dur":100000.000,"args":{"outcome":"found","ending":"completed"}})"));
  EXPECT_THAT(json, HasSubstr(R"("outcome":"cancelled","ending":"stopped")"));
}

TEST(ChromeTrace, EscapesTextAndDrawsMarksAsInstants) {
  const auto json = workshop::chrome_trace_json({{"say \"hi\"\n", {mark(1, "a\\b", "x")}}});
  EXPECT_THAT(json, HasSubstr(R"("args":{"name":"say \"hi\"\n"})"));
  EXPECT_THAT(json, HasSubstr(R"({"name":"x","ph":"i","s":"t","pid":1,"tid":1,"ts":1000.000})"));
  EXPECT_THAT(json, HasSubstr(R"("args":{"name":"a\\b"})"));
}

TEST(Journal, RecordsSpansAsLinesAndAsTimelineEvents) {
  workshop::record_begin("SBG", "started", "1 in flight");
  workshop::record_end("SBG", "cancelled", Ending::stopped);
  const auto events = workshop::journal();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].what, "SBG started (1 in flight)");
  EXPECT_EQ(events[1].what, "SBG cancelled");
  ASSERT_TRUE(events[1].span.has_value());
  EXPECT_EQ(events[1].span->lane, "SBG");
  EXPECT_EQ(events[1].span->ending, Ending::stopped);
  EXPECT_EQ(events[1].span->at, events[1].at);
}

}  // namespace
