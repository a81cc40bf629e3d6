// What the library's test files share: safety nets and the ways they wait for threads to park.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "conc/chan.hpp"
#include "conc/debug.hpp"
#include "conc/testing.hpp"

namespace conc_tests {

// A safety net for waits that succeed at once when the library is right: never what a test
// measures, it only turns a hang into a failure (and it is generous: TSan is slow).
inline constexpr auto kSafetyNet = std::chrono::seconds(10);

// True once at least n threads are parked in a conc operation (false after kSafetyNet).
inline bool parked(std::size_t n) { return conc::testing::wait_blocked(n, kSafetyNet); }

// The threads parked in a library operation whose description starts with `operation`.
inline std::vector<conc::debug::BlockedThread> blocked_in(std::string_view operation) {
  std::vector<conc::debug::BlockedThread> found;
  for (auto& blocked : conc::debug::blocked_threads()) {
    if (blocked.operation.starts_with(operation)) found.push_back(std::move(blocked));
  }
  return found;
}

// The message of the ClosedChannelError that f throws, or "" when it throws none.
template <class F>
std::string closed_channel_error_of(F&& f) {
  try {
    f();
  } catch (const conc::ClosedChannelError& e) {
    return e.what();
  }
  return "";
}

}  // namespace conc_tests
