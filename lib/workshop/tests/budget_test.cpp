// workshop/watchdog.hpp: the budget's parsing and scaling. (The watchdog firing is proven by the
// fixtures in fixtures/, run by CTest: a test cannot watch its own process die.)

#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "workshop/watchdog.hpp"

namespace {

using Seconds = std::chrono::duration<double>;
using testing::HasSubstr;

TEST(ParseBudget, ReadsWholeAndDecimalSeconds) {
  EXPECT_EQ(workshop::parse_budget("10"), Seconds(10));
  EXPECT_EQ(workshop::parse_budget("0.5"), Seconds(0.5));
  EXPECT_EQ(workshop::parse_budget("1e2"), Seconds(100));
}

TEST(ParseBudget, ZeroTurnsTheWatchdogOff) {
  EXPECT_EQ(workshop::parse_budget("0"), std::nullopt);
  EXPECT_EQ(workshop::parse_budget("0.0"), std::nullopt);
}

TEST(ParseBudget, RejectsWhatIsNotANonNegativeNumberOfSeconds) {
  for (const char* text : {"", "ten", "10s", " 10", "-1", "inf", "nan", "1e999"}) {
    EXPECT_THROW(workshop::parse_budget(text), std::invalid_argument) << "text: '" << text << "'";
  }
}

TEST(ParseBudget, ErrorNamesTheVariableAndTheText) {
  try {
    workshop::parse_budget("10s");
    FAIL() << "parse_budget(\"10s\") did not throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("WORKSHOP_TEST_BUDGET_SECONDS='10s'"));
  }
}

TEST(SanitizerSlowdown, IsTenExactlyWhenASanitizerIsNamed) {
  EXPECT_EQ(workshop::sanitizer_slowdown(), workshop::sanitizer_name().empty() ? 1.0 : 10.0);
}

TEST(WatchdogExitCode, DiffersFromAssertionFailureAndSanitizerReports) {
  // 1: RUN_ALL_TESTS with a failed test; 66: ThreadSanitizer's report; 128+: killed by a signal.
  EXPECT_NE(workshop::watchdog_exit_code, 1);
  EXPECT_NE(workshop::watchdog_exit_code, 66);
  EXPECT_LT(workshop::watchdog_exit_code, 128);
}

}  // namespace
