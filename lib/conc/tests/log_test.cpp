#include "conc/log.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <latch>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/error.hpp"
#include "conc/testing/log_capture.hpp"

namespace {

using conc::log::Level;
using conc::testing::LogCapture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using namespace std::chrono_literals;

constexpr const char* kTimestamp = "[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}";

// Sets the log level for one test and restores the previous one.
class LevelForTest {
 public:
  explicit LevelForTest(Level level) : previous_(conc::log::level()) {
    conc::log::set_level(level);
  }
  ~LevelForTest() { conc::log::set_level(previous_); }
  LevelForTest(const LevelForTest&) = delete;
  LevelForTest& operator=(const LevelForTest&) = delete;

 private:
  Level previous_;
};

// What conc::log prints while it is alive; stderr again afterwards.
class PrintedText {
 public:
  PrintedText() { conc::log::set_output(&out_); }
  ~PrintedText() { conc::log::set_output(nullptr); }
  PrintedText(const PrintedText&) = delete;
  PrintedText& operator=(const PrintedText&) = delete;
  std::string str() const { return out_.str(); }

 private:
  std::ostringstream out_;
};

// How a value is printed after "key=".
template <class T>
std::string printed(const T& value) {
  LogCapture capture;
  conc::log::info("m", "k", value);
  return capture.records().at(0).attrs.at(0).value;
}

struct Point {
  int x;
  int y;
};

// Counts how often a value is formatted, to prove dropped records cost no formatting.
struct CountsFormatting {
  int* count;
};

}  // namespace

template <>
struct fmt::formatter<Point> : fmt::formatter<std::string_view> {
  auto format(const Point& p, format_context& ctx) const {
    return fmt::format_to(ctx.out(), "({}, {})", p.x, p.y);
  }
};

template <>
struct fmt::formatter<CountsFormatting> : fmt::formatter<std::string_view> {
  auto format(const CountsFormatting& c, format_context& ctx) const {
    ++*c.count;
    return fmt::format_to(ctx.out(), "counted");
  }
};

namespace {

// --- the line ---

TEST(Log, PrintsGoDefaultHandlerLine) {
  PrintedText text;
  conc::log::info("starting find", "datacenter", "BHS");
  EXPECT_THAT(text.str(),
              MatchesRegex(std::string(kTimestamp) + " INFO starting find datacenter=BHS\n"));
}

TEST(Log, StampsLocalWallClockTime) {
  PrintedText text;
  const std::time_t before = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  conc::log::info("now");
  const std::time_t after = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());

  std::tm printed_tm{};
  std::istringstream(text.str()) >> std::get_time(&printed_tm, "%Y/%m/%d %H:%M:%S");
  printed_tm.tm_isdst = -1;  // let mktime find out, as the line is local time
  const std::time_t printed_time = std::mktime(&printed_tm);
  EXPECT_LE(before, printed_time) << text.str();
  EXPECT_LE(printed_time, after) << text.str();
}

TEST(Log, PrintsMessageAsGivenWithoutQuotes) {
  LogCapture capture;
  conc::log::info("x = \"y\" z");
  EXPECT_THAT(capture.lines(), ElementsAre("INFO x = \"y\" z"));
}

TEST(Log, WritesToStderrByDefaultAndAfterSetOutputNullptr) {
  std::ostringstream elsewhere;
  conc::log::set_output(&elsewhere);
  conc::log::set_output(nullptr);
  ::testing::internal::CaptureStderr();  // GoogleTest's own helper: redirects file descriptor 2
  conc::log::info("to stderr", "n", 1);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, MatchesRegex(std::string(kTimestamp) + " INFO to stderr n=1\n"));
  EXPECT_THAT(elsewhere.str(), IsEmpty());
}

// --- levels ---

TEST(Log, PrintsLevelWords) {
  LevelForTest debug(Level::Debug);
  LogCapture capture;
  conc::log::debug("d");
  conc::log::info("i");
  conc::log::warn("w");
  conc::log::error("e");
  EXPECT_THAT(capture.lines(), ElementsAre("DEBUG d", "INFO i", "WARN w", "ERROR e"));
}

TEST(Log, NamesLevelsBetweenTheNamedOnesLikeGo) {
  EXPECT_EQ(conc::log::to_string(Level{2}), "INFO+2");
  EXPECT_EQ(conc::log::to_string(Level{-2}), "DEBUG+2");
  EXPECT_EQ(conc::log::to_string(Level{-6}), "DEBUG-2");
  EXPECT_EQ(conc::log::to_string(Level{12}), "ERROR+4");
}

TEST(Log, SuppressesDebugAtTheDefaultLevel) {
  ASSERT_EQ(conc::log::level(), Level::Info) << "a test left the level changed";
  LogCapture capture;
  conc::log::debug("hidden");
  conc::log::info("shown");
  EXPECT_THAT(capture.lines(), ElementsAre("INFO shown"));
}

TEST(Log, SetLevelDropsRecordsBelowIt) {
  LevelForTest warn(Level::Warn);
  LogCapture capture;
  conc::log::debug("d");
  conc::log::info("i");
  conc::log::warn("w");
  conc::log::error("e");
  EXPECT_THAT(capture.lines(), ElementsAre("WARN w", "ERROR e"));
  EXPECT_FALSE(conc::log::enabled(Level::Info));
  EXPECT_TRUE(conc::log::enabled(Level::Warn));
}

TEST(Log, DoesNotFormatValuesOfDroppedRecords) {
  int count = 0;
  LogCapture capture;
  conc::log::debug("dropped", "v", CountsFormatting{&count});
  EXPECT_EQ(count, 0);
  conc::log::info("kept", "v", CountsFormatting{&count});
  EXPECT_EQ(count, 1);
}

// --- quoting, as slog's text handler and strconv.Quote ---

TEST(Log, LeavesSafeStringsUnquoted) {
  EXPECT_EQ(printed("BHS"), "BHS");
  EXPECT_EQ(printed(std::string("a/b:c")), "a/b:c");
  EXPECT_EQ(printed("back\\slash"), "back\\slash");
  EXPECT_EQ(printed("µ"), "µ");
}

TEST(Log, QuotesValuesContainingSpaces) { EXPECT_EQ(printed("hello world"), "\"hello world\""); }

TEST(Log, QuotesEmptyValues) { EXPECT_EQ(printed(""), "\"\""); }

TEST(Log, QuotesAndEscapesEqualsSignsAndQuotes) {
  EXPECT_EQ(printed("a=b"), "\"a=b\"");
  EXPECT_EQ(printed("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(printed("\"a\\b\""), "\"\\\"a\\\\b\\\"\"");
}

TEST(Log, EscapesControlCharactersLikeStrconvQuote) {
  EXPECT_EQ(printed("line1\nline2"), "\"line1\\nline2\"");
  EXPECT_EQ(printed("\t"), "\"\\t\"");
  EXPECT_EQ(printed("\x01"), "\"\\x01\"");
}

TEST(Log, EscapesInvalidUtf8AndNonPrintableCharacters) {
  EXPECT_EQ(printed("a\xff"), "\"a\\xff\"");
  EXPECT_EQ(printed("a\u00a0b"), "\"a\\u00a0b\"");  // no-break space
  EXPECT_EQ(printed("é\u200b"), "\"é\\u200b\"");     // zero-width space; é stays
}

TEST(Log, QuotesKeysLikeValues) {
  LogCapture capture;
  conc::log::info("m", "my key", 1);
  EXPECT_THAT(capture.lines(), ElementsAre("INFO m \"my key\"=1"));
}

// --- values ---

TEST(Log, PrintsBoolsAsTrueAndFalse) {
  EXPECT_EQ(printed(true), "true");
  EXPECT_EQ(printed(false), "false");
}

TEST(Log, PrintsIntegersInDecimal) {
  EXPECT_EQ(printed(42), "42");
  EXPECT_EQ(printed(-7L), "-7");
  EXPECT_EQ(printed(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
}

TEST(Log, PrintsFloatsLikeGoFormatFloatG) {
  EXPECT_EQ(printed(1.5), "1.5");
  EXPECT_EQ(printed(0.0), "0");
  EXPECT_EQ(printed(-2.25), "-2.25");
  EXPECT_EQ(printed(100000.0), "100000");
  EXPECT_EQ(printed(1e6), "1e+06");
  EXPECT_EQ(printed(1234567.0), "1.234567e+06");
  EXPECT_EQ(printed(0.0001), "0.0001");
  EXPECT_EQ(printed(0.00001), "1e-05");
  EXPECT_EQ(printed(0.1f), "0.10000000149011612");  // float widened to double, as slog does
  EXPECT_EQ(printed(std::nan("")), "NaN");
  EXPECT_EQ(printed(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(printed(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(Log, PrintsDurationsLikeGoDurationString) {
  EXPECT_EQ(printed(100ms), "100ms");
  EXPECT_EQ(printed(1500ms), "1.5s");
  EXPECT_EQ(printed(2min), "2m0s");
  EXPECT_EQ(printed(0s), "0s");
  EXPECT_EQ(printed(75us), "75µs");
  EXPECT_EQ(printed(1500ns), "1.5µs");
  EXPECT_EQ(printed(1ns), "1ns");
  EXPECT_EQ(printed(1h), "1h0m0s");
  EXPECT_EQ(printed(1h + 2min + 3s + 4ms), "1h2m3.004s");
  EXPECT_EQ(printed(-1500ms), "-1.5s");
  EXPECT_EQ(printed(std::chrono::duration<double>(0.25)), "250ms");
  EXPECT_EQ(printed(std::chrono::steady_clock::duration::max()), "2562047h47m16.854775807s");
  EXPECT_EQ(printed(std::chrono::hours::max()), "2562047h47m16.854775807s");  // saturates
  EXPECT_EQ(printed(std::chrono::nanoseconds::min()), "-2562047h47m16.854775808s");
}

TEST(Log, PrintsErrorsByMessage) {
  const conc::Error not_found("not found");
  EXPECT_EQ(printed(not_found), "\"not found\"");
  EXPECT_EQ(printed(conc::wrap(not_found, "SBG")), "\"SBG: not found\"");
  EXPECT_EQ(printed(conc::Error("timeout")), "timeout");
  EXPECT_EQ(printed(conc::Error()), "<nil>");
}

TEST(Log, PrintsOtherValuesThroughFmt) {
  EXPECT_EQ(printed(Point{1, 2}), "\"(1, 2)\"");
  EXPECT_EQ(printed(std::string_view("sv")), "sv");
  EXPECT_EQ(printed(nullptr), "<nil>");
}

TEST(Log, PrintsBadKeyForATrailingValueWithoutKey) {
  LogCapture capture;
  conc::log::info("m", "a", 1, "dangling");
  EXPECT_THAT(capture.lines(), ElementsAre("INFO m a=1 !BADKEY=dangling"));
}

TEST(Log, PrintsBadKeyForANonStringInAKeysPlace) {
  LogCapture capture;
  conc::log::info("m", 42, "k", "v");
  EXPECT_THAT(capture.lines(), ElementsAre("INFO m !BADKEY=42 k=v"));
}

// --- concurrency ---

TEST(Log, ConcurrentLinesNeverInterleave) {
  constexpr int kThreads = 8;
  constexpr int kLinesEach = 200;
  const std::string payload(100, 'x');
  PrintedText text;
  {
    std::latch start(kThreads);
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();  // all threads log at once
        for (int i = 0; i < kLinesEach; ++i) {
          conc::log::info("concurrent", "thread", t, "i", i, "payload", payload);
        }
      });
    }
  }  // joined

  const auto whole_line = MatchesRegex(std::string(kTimestamp) +
                                       " INFO concurrent thread=[0-9]+ i=[0-9]+ payload=x{100}");
  std::istringstream lines(text.str());
  std::set<std::pair<int, int>> seen;
  std::vector<std::string> broken;
  for (std::string line; std::getline(lines, line);) {
    if (!::testing::Matches(whole_line)(line)) {
      broken.push_back(line);
      continue;
    }
    int t = -1;
    int i = -1;
    std::sscanf(line.c_str() + line.find("thread="), "thread=%d i=%d", &t, &i);
    seen.emplace(t, i);
  }
  EXPECT_THAT(broken, IsEmpty());
  EXPECT_EQ(seen.size(), std::size_t{kThreads * kLinesEach});
}

// --- LogCapture ---

TEST(LogCapture, RecordsLevelMessageAndAttributesInOrder) {
  LogCapture capture;
  conc::log::warn("slow", "datacenter", "GRA", "took", 200ms, "err", conc::Error("boom now"));
  const std::vector<LogCapture::Record> records = capture.records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].level, Level::Warn);
  EXPECT_EQ(records[0].message, "slow");
  EXPECT_THAT(records[0].attrs, ElementsAre(conc::log::Attr{"datacenter", "GRA"},
                                            conc::log::Attr{"took", "200ms"},
                                            conc::log::Attr{"err", "\"boom now\""}));
  EXPECT_EQ(records[0].line(), "WARN slow datacenter=GRA took=200ms err=\"boom now\"");
}

TEST(LogCapture, DoesNotPrintWhileAliveAndPrintsAgainAfter) {
  PrintedText text;
  {
    LogCapture capture;
    conc::log::info("captured");
  }
  EXPECT_THAT(text.str(), IsEmpty());
  conc::log::info("printed");
  EXPECT_THAT(text.str(), HasSubstr("INFO printed"));
}

TEST(LogCapture, SecondCaptureThrowsLogicError) {
  LogCapture first;
  try {
    LogCapture second;
    FAIL() << "a second LogCapture was constructed while the first is alive";
  } catch (const std::logic_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("another LogCapture is alive"));
  }
  conc::log::info("still captured");
  EXPECT_THAT(first.lines(), ElementsAre("INFO still captured"));
}

TEST(LogCapture, NewCaptureMayStartAfterThePreviousEnds) {
  { LogCapture first; }
  EXPECT_NO_THROW(LogCapture second);
}

TEST(LogCapture, ContainsMatchesMessageAndAnySubsetOfAttributes) {
  LogCapture capture;
  conc::log::info("got result", "datacenter", "SBG", "found", true);
  EXPECT_TRUE(capture.contains("got result"));
  EXPECT_TRUE(capture.contains("got result", "found", true));
  EXPECT_TRUE(capture.contains("got result", "found", true, "datacenter", "SBG"));
  EXPECT_FALSE(capture.contains("got result", "found", false));
  EXPECT_FALSE(capture.contains("got result", "datacenter", "GRA"));
  EXPECT_FALSE(capture.contains("got", "found", true));
}

TEST(LogCapture, ClearForgetsRecords) {
  LogCapture capture;
  conc::log::info("before");
  capture.clear();
  conc::log::info("after");
  EXPECT_THAT(capture.lines(), ElementsAre("INFO after"));
}

TEST(LogCapture, RecordsEveryRecordLoggedConcurrently) {
  constexpr int kThreads = 8;
  constexpr int kRecordsEach = 100;
  LogCapture capture;
  {
    std::latch start(kThreads);
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        for (int i = 0; i < kRecordsEach; ++i) conc::log::info("r", "t", t, "i", i);
      });
    }
  }  // joined
  std::set<std::string> distinct;
  for (const LogCapture::Record& record : capture.records()) distinct.insert(record.line());
  EXPECT_EQ(distinct.size(), std::size_t{kThreads * kRecordsEach});
}

}  // namespace
