// workshop/journal.hpp: what a test records, and how threads are named in it.

#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "workshop/journal.hpp"

namespace {

using testing::ElementsAre;
using testing::IsEmpty;

std::vector<std::string> texts() {
  std::vector<std::string> out;
  for (const workshop::Event& event : workshop::journal()) {
    out.push_back(event.thread + ": " + event.what);
  }
  return out;
}

TEST(Journal, StartsEmptyInEachTest_First) {
  EXPECT_THAT(workshop::journal(), IsEmpty());
  workshop::record("left by the first test");
}

TEST(Journal, StartsEmptyInEachTest_Second) { EXPECT_THAT(workshop::journal(), IsEmpty()); }

TEST(Journal, KeepsEventsInOrderWithTheirThread) {
  workshop::record("before");
  std::thread([] { workshop::record("from a thread"); }).join();
  std::thread([] { workshop::record("from another"); }).join();
  workshop::record("after");
  EXPECT_THAT(texts(), ElementsAre("test: before", "thread 1: from a thread",
                                   "thread 2: from another", "test: after"));
}

TEST(Journal, TimesEventsFromTheStartOfTheTest) {
  workshop::record("one");
  workshop::record("two");
  const std::vector<workshop::Event> events = workshop::journal();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_GE(events[0].at.count(), 0);
  EXPECT_LE(events[0].at, events[1].at);
}

}  // namespace
