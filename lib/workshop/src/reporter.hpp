// The reporter: GoogleTest's own printer, plus what the workshop adds to each test.
#pragma once

namespace workshop::internal {

class Watchdog;

// Replaces GoogleTest's default result printer by one that wraps it: each test is announced to
// `watchdog` (none when null: the watchdog is off), its journal and hints are reset when it
// starts, and when it fails the exercise block (hint.hpp) is printed on stdout right after
// GoogleTest's "[  FAILED  ]" line. Call once, after testing::InitGoogleMock, before
// RUN_ALL_TESTS. Throws only std::bad_alloc.
void install_reporter(Watchdog* watchdog);

}  // namespace workshop::internal
