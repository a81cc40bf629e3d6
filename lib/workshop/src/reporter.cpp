// The reporter: a listener that wraps GoogleTest's default printer.
//
// Why wrap it rather than append a second listener: GoogleTest calls the end-of-test events of
// its listeners in reverse order, so an appended listener would print the exercise block before
// the "[  FAILED  ]" line, in the middle of GoogleTest's report.

#include "reporter.hpp"

#include <cstdio>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "internal.hpp"
#include "watchdog_thread.hpp"

namespace workshop::internal {
namespace {

class Reporter final : public testing::TestEventListener {
 public:
  // `printer` may be null (someone removed GoogleTest's printer): then only the workshop prints.
  Reporter(std::unique_ptr<testing::TestEventListener> printer, Watchdog* watchdog)
      : printer_(std::move(printer)), watchdog_(watchdog) {}

  void OnTestStart(const testing::TestInfo& test) override {
    hints_begin_test();
    journal_begin_test();
    if (watchdog_ != nullptr) {
      watchdog_->test_started(full_name(test), test.file(), test.line());
    }
    if (printer_) printer_->OnTestStart(test);
  }

  // Called on the thread whose assertion failed, which may not be the test's.
  void OnTestPartResult(const testing::TestPartResult& result) override {
    if (result.failed()) hints_note_failure();
    if (printer_) printer_->OnTestPartResult(result);
  }

  void OnTestEnd(const testing::TestInfo& test) override {
    if (watchdog_ != nullptr) watchdog_->test_ended();
    if (printer_) printer_->OnTestEnd(test);
    if (test.result() != nullptr && test.result()->Failed()) {
      const std::string block = failure_block(full_name(test), test.file(), hints_of_test(),
                                              workshop::journal());
      // stdout, as GoogleTest's own report, so that the two never interleave.
      std::fputs(block.c_str(), stdout);
      std::fflush(stdout);
    }
  }

  // Everything else: GoogleTest's printer alone.
  void OnTestProgramStart(const testing::UnitTest& u) override {
    forward(u, &L::OnTestProgramStart);
  }
  void OnTestIterationStart(const testing::UnitTest& u, int iteration) override {
    if (printer_) printer_->OnTestIterationStart(u, iteration);
  }
  void OnEnvironmentsSetUpStart(const testing::UnitTest& u) override {
    forward(u, &L::OnEnvironmentsSetUpStart);
  }
  void OnEnvironmentsSetUpEnd(const testing::UnitTest& u) override {
    forward(u, &L::OnEnvironmentsSetUpEnd);
  }
  void OnTestSuiteStart(const testing::TestSuite& suite) override {
    if (watchdog_ != nullptr) watchdog_->suite_started(suite.name());
    forward(suite, &L::OnTestSuiteStart);
  }
  void OnTestSuiteEnd(const testing::TestSuite& suite) override {
    if (watchdog_ != nullptr) watchdog_->suite_ended();
    forward(suite, &L::OnTestSuiteEnd);
  }
#ifndef GTEST_REMOVE_LEGACY_TEST_CASEAPI_
  // GoogleTest 1.12's printer prints the suite header from the legacy event, not the new one.
  void OnTestCaseStart(const testing::TestCase& s) override { forward(s, &L::OnTestCaseStart); }
  void OnTestCaseEnd(const testing::TestCase& s) override { forward(s, &L::OnTestCaseEnd); }
#endif
  void OnTestDisabled(const testing::TestInfo& t) override { forward(t, &L::OnTestDisabled); }
  void OnEnvironmentsTearDownStart(const testing::UnitTest& u) override {
    forward(u, &L::OnEnvironmentsTearDownStart);
  }
  void OnEnvironmentsTearDownEnd(const testing::UnitTest& u) override {
    forward(u, &L::OnEnvironmentsTearDownEnd);
  }
  void OnTestIterationEnd(const testing::UnitTest& u, int iteration) override {
    if (printer_) printer_->OnTestIterationEnd(u, iteration);
  }
  void OnTestProgramEnd(const testing::UnitTest& u) override { forward(u, &L::OnTestProgramEnd); }

 private:
  using L = testing::TestEventListener;

  template <class Arg>
  void forward(const Arg& arg, void (L::*event)(const Arg&)) {
    if (printer_) (printer_.get()->*event)(arg);
  }

  static std::string full_name(const testing::TestInfo& test) {
    return std::string(test.test_suite_name()) + "." + test.name();
  }

  std::unique_ptr<testing::TestEventListener> printer_;
  Watchdog* const watchdog_;
};

}  // namespace

void install_reporter(Watchdog* watchdog) {
  testing::TestEventListeners& listeners = testing::UnitTest::GetInstance()->listeners();
  std::unique_ptr<testing::TestEventListener> printer;
  if (listeners.default_result_printer() != nullptr) {
    printer.reset(listeners.Release(listeners.default_result_printer()));
  }
  listeners.Append(new Reporter(std::move(printer), watchdog));  // GoogleTest owns listeners
}

}  // namespace workshop::internal
