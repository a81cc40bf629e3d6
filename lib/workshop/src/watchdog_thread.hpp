// The watchdog thread: stops the process when what it watches outlives the budget.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace workshop::internal {

// Watches, one after the other: the start of the program, each test suite's set-up, each test,
// the time between tests (tear-downs), and the exit of the program after its last test. Each of
// them has the whole budget. When one of them lasts longer than the budget, it
// prints why on stderr (see fire() in watchdog_thread.cpp) and ends the process with
// workshop::watchdog_exit_code, without running destructors (std::_Exit).
//
// The reporter calls test_started/test_ended from the thread that runs the tests; each call
// takes an uncontended lock and wakes nobody, which is all a passing test pays.
class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts the watchdog thread, watching "the start of the program" from now. The Watchdog is
  // never destroyed, so that it keeps watching while static destructors run at exit. Call once.
  // Throws std::system_error when the thread cannot start.
  static Watchdog& start(std::chrono::duration<double> budget);

  // Test suite `name` starts now: its SetUpTestSuite runs next.
  void suite_started(std::string name);
  // The test `name` ("Suite.Name"), defined at file:line, starts now.
  void test_started(std::string name, std::string file, int line);
  // The running test ended: next come another test or the suite's TearDownTestSuite.
  void test_ended();
  // The running test suite ended (its TearDownTestSuite returned).
  void suite_ended();
  // RUN_ALL_TESTS returned: the program has a budget to exit.
  void program_ending();

  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

 private:
  enum class Phase { starting, suite_set_up, test, between_tests, between_suites, exiting };

  explicit Watchdog(std::chrono::duration<double> budget);
  void run();
  [[noreturn]] void fire();  // requires mutex_ held, and keeps it until the process ends

  const Clock::duration budget_;
  const double budget_seconds_;  // budget_ as shown to students

  std::mutex mutex_;
  // Never notified: a deadline only ever moves later, so the thread waking at an old deadline
  // recomputes and waits again. Tests pay no wake-up.
  std::condition_variable deadline_changed_;
  Phase phase_ = Phase::starting;           // guarded by mutex_
  Clock::time_point since_ = Clock::now();  // start of phase_; guarded by mutex_
  std::string suite_;                       // running or last test suite; guarded by mutex_
  std::string test_;                        // running or last test, "Suite.Name"; by mutex_
  std::string file_;                        // test_'s source file; guarded by mutex_
  int line_ = 0;                            // test_'s line; guarded by mutex_

  std::thread thread_;  // last: starts once the fields above are initialised
};

}  // namespace workshop::internal
