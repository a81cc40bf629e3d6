// The one GoogleTest main of the workshop: every test binary of the project links it (through the
// workshop_test_main library, by workshop_test() in cmake/Workshop.cmake).
//
// It runs the tests as gtest_main does, and adds what a student needs when a test fails: the
// exercise's brief and hint after the failure (hint.hpp), the journal of the test (journal.hpp),
// a watchdog that stops a blocked test with a message saying what is still blocked
// (watchdog.hpp), and the same block when a test crashes the program (crash_report.cpp).
//
// Exit code: 0 when every test passed, 1 when one failed (RUN_ALL_TESTS), 124 when the watchdog
// stopped the binary (workshop::watchdog_exit_code).

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "internal.hpp"
#include "reporter.hpp"
#include "watchdog_thread.hpp"
#include "workshop/watchdog.hpp"

int main(int argc, char** argv) {
  // The watchdog is a thread, and forking a threaded process (GoogleTest's default "fast" death
  // tests) is unsafe and makes GoogleTest warn at every death test. "threadsafe" re-executes the
  // binary instead, whose own watchdog then guards the child. The flag and the environment
  // variable still override this.
  if (std::getenv("GTEST_DEATH_TEST_STYLE") == nullptr) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
  testing::InitGoogleMock(&argc, argv);

  const workshop::Budget budget = workshop::test_budget();  // before any thread starts
  workshop::internal::Watchdog* watchdog =
      budget ? &workshop::internal::Watchdog::start(*budget) : nullptr;
  workshop::internal::install_reporter(watchdog);
  workshop::internal::install_crash_report();

  const int result = RUN_ALL_TESTS();
  if (watchdog != nullptr) watchdog->program_ending();
  return result;
}
