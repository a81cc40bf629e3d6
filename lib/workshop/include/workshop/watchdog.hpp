// workshop/watchdog.hpp — the per-test time budget of the workshop's test main.
//
// Every test binary of the project links the same main (lib/workshop/src/test_main.cpp). Besides
// running GoogleTest it starts a watchdog thread: when a test runs longer than its budget, the
// watchdog prints which test, what is still blocked (conc::debug::describe_blocked()), the
// journal and the exercise's hint, then ends the process with watchdog_exit_code. A student never
// faces a hung terminal; a script tells a hang from a failed assertion by the exit code.
//
// The budget is wall-clock time per test, counted from the test's start (SetUp included) to its
// end (TearDown included). Time outside tests is watched too: a SetUpTestSuite that blocks, or a
// program that never exits after its last test (a destructor joining a thread that never ends).
//
//   WORKSHOP_TEST_BUDGET_SECONDS=2 ./build/sync/mutex/sync_mutex_1_tests   # 2 s per test
//   WORKSHOP_TEST_BUDGET_SECONDS=0 gdb ./build/...                          # watchdog off
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace workshop {

// The exit code of a test binary stopped by the watchdog: 124, as timeout(1) uses, so scripts that
// know timeout(1) read it right. GoogleTest exits 1 when an assertion failed, ThreadSanitizer 66
// when it reported a race, and a crash shows as 128 + the signal number in a shell.
inline constexpr int watchdog_exit_code = 124;

// Budget of one test; nullopt means the watchdog is off.
using Budget = std::optional<std::chrono::duration<double>>;

// The budget when WORKSHOP_TEST_BUDGET_SECONDS is unset, before sanitizer scaling.
inline constexpr std::chrono::duration<double> default_budget{10.0};

// How much slower this binary runs because of the sanitizer it was built with: 10 under
// ThreadSanitizer or AddressSanitizer (they slow code 5-15x), else 1.
double sanitizer_slowdown() noexcept;

// The sanitizer this binary was built with: "ThreadSanitizer", "AddressSanitizer" or "".
std::string_view sanitizer_name() noexcept;

// Parses a value of WORKSHOP_TEST_BUDGET_SECONDS: a non-negative decimal number of seconds
// ("10", "0.5"); "0" turns the watchdog off (nullopt). Does not apply sanitizer_slowdown().
// Throws std::invalid_argument, with a message naming the text, for anything else.
Budget parse_budget(std::string_view text);

// The budget this binary applies to each test: WORKSHOP_TEST_BUDGET_SECONDS, or default_budget
// when it is unset or invalid (then with a warning on stderr), times sanitizer_slowdown().
// Reads the environment: call it before starting threads that might modify it.
Budget test_budget();

}  // namespace workshop
