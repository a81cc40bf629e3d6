// conc::testing::LogCapture — what conc::log printed, as data a test can assert on.
//
//   conc::testing::LogCapture capture;
//   datacenterfind::wait_group("file.txt", finders);
//   EXPECT_TRUE(capture.contains("got result", "datacenter", "SBG", "found", true));
//   EXPECT_THAT(capture.lines(), Contains("INFO starting find datacenter=SBG"));
//
// Go has no such type: Go tests swap in a handler (slog.New(slog.NewTextHandler(&buf, nil))).
// While a LogCapture is alive, every record that passes the level (conc::log::set_level) is
// recorded instead of printed. Records hold keys and values as they would be printed, so
// conc::Error values, durations and quoting are asserted exactly as a reader sees them.
//
// Thread-safe: goroutines may log while the test reads records(). Every record logged by a call
// that returned before records() (or lines(), contains()) was called is in its result. The
// accessors block only while a record is being appended, and throw only std::bad_alloc.
// Lifetime: one LogCapture at a time; printing resumes when it is destroyed. Records logged
// concurrently with the destructor are either captured or printed, never lost.
#pragma once

#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "conc/log.hpp"

namespace conc::testing {

class LogCapture {
 public:
  struct Record {
    log::Level level;
    std::string message;
    std::vector<log::Attr> attrs;  // in the order they were given, as printed

    // The line as printed, without the time: "INFO starting find datacenter=BHS".
    std::string line() const;

    friend bool operator==(const Record&, const Record&) = default;
  };

  // Starts capturing. Throws std::logic_error when another LogCapture is alive: destroy the
  // first before creating the next.
  LogCapture();

  // Stops capturing: records logged from now on are printed again. Blocks while another thread is
  // writing a record.
  ~LogCapture();

  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // A copy of the records captured so far, oldest first.
  std::vector<Record> records() const;

  // Each record's line(), oldest first.
  std::vector<std::string> lines() const;

  // True when some record has this message and, among its attributes, every key, value pair
  // given (formatted as conc::log formats them): contains("got result", "found", true).
  template <class... Args>
  bool contains(std::string_view message, const Args&... kv) const {
    return contains_attrs(message, log::detail::make_attrs(kv...));
  }

  // Forgets the records captured so far.
  void clear();

 private:
  friend void log::detail::emit(log::Level, std::string_view, std::vector<log::Attr>);
  void append(Record record);
  bool contains_attrs(std::string_view message, const std::vector<log::Attr>& wanted) const;

  mutable std::mutex mu_;
  std::vector<Record> records_;  // guarded by mu_
};

// So that GoogleTest prints a Record as its line in failure messages.
void PrintTo(const LogCapture::Record& record, std::ostream* os);

}  // namespace conc::testing
