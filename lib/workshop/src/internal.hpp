// Internals of the workshop's test main, shared by its source files (not installed, not for tests
// of exercises). The public API is in include/workshop/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "workshop/journal.hpp"

namespace workshop::internal {

// hint.cpp — called by the reporter on the thread that runs the tests.

// A test starts: forgets the hints noted at the previous test's failures.
void hints_begin_test();
// An assertion failed, on any thread: notes the hints alive now for the running test.
void hints_note_failure();
// The distinct hints noted at the running test's failures, then those alive now, oldest first.
std::vector<std::string> hints_of_test();

// journal.cpp — a test starts: empties the journal, restarts its clock, and makes the calling
// thread the one recorded as "test".
void journal_begin_test();

// crash_report.cpp — installs a std::terminate handler that prints the running test's failure
// block (below) before the previous handler ends the process. Call once, from main.
void install_crash_report();

// failure_block.cpp — what follows GoogleTest's report of a failed (or stopped) test:
//
//   ---- <exercise id> failed: <Suite.Name>      ("---- failed: <Suite.Name>" without exercise)
//   Reread: <brief>                              (when the test's file registered an exercise)
//   Hint: <text>                                 (one line per hint)
//   What happened, oldest first: ...             (the journal, when not empty)
//
// Empty when there is no exercise, no hint and no event: library tests read as plain GoogleTest.
// Every line ends with '\n'. Throws only std::bad_alloc.
std::string failure_block(std::string_view test_name, std::string_view file,
                          const std::vector<std::string>& hints, const std::vector<Event>& events);

// The journal as indented lines, the last `max_events` only (with a line saying how many were
// left out). Empty for no event.
std::string format_journal(const std::vector<Event>& events, std::size_t max_events);

}  // namespace workshop::internal
