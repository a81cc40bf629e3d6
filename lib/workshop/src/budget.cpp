// The per-test budget: WORKSHOP_TEST_BUDGET_SECONDS, scaled for sanitizer builds.

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "workshop/watchdog.hpp"

// GCC defines __SANITIZE_THREAD__ / __SANITIZE_ADDRESS__; clang 14 has __has_feature instead.
// (__has_feature must be tested in its own #if: GCC 12 cannot parse it after `defined(...) &&`.)
#if defined(__SANITIZE_THREAD__)
#define WORKSHOP_SANITIZER_NAME "ThreadSanitizer"
#elif defined(__SANITIZE_ADDRESS__)
#define WORKSHOP_SANITIZER_NAME "AddressSanitizer"
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WORKSHOP_SANITIZER_NAME "ThreadSanitizer"
#elif __has_feature(address_sanitizer)
#define WORKSHOP_SANITIZER_NAME "AddressSanitizer"
#endif
#endif
#ifndef WORKSHOP_SANITIZER_NAME
#define WORKSHOP_SANITIZER_NAME ""
#endif

namespace workshop {

std::string_view sanitizer_name() noexcept { return WORKSHOP_SANITIZER_NAME; }

double sanitizer_slowdown() noexcept { return sanitizer_name().empty() ? 1.0 : 10.0; }

Budget parse_budget(std::string_view text) {
  double seconds = 0;
  const char* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, seconds);
  if (text.empty() || error != std::errc() || stop != end || !std::isfinite(seconds) ||
      seconds < 0) {
    throw std::invalid_argument("WORKSHOP_TEST_BUDGET_SECONDS='" + std::string(text) +
                                "' is not a number of seconds (10, 0.5, or 0 to turn the "
                                "watchdog off)");
  }
  if (seconds == 0) return std::nullopt;
  return std::chrono::duration<double>(seconds);
}

Budget test_budget() {
  Budget budget = default_budget;
  if (const char* text = std::getenv("WORKSHOP_TEST_BUDGET_SECONDS")) {
    try {
      budget = parse_budget(text);
    } catch (const std::invalid_argument& e) {
      std::fprintf(stderr, "workshop: %s; using the default budget of %g s per test\n", e.what(),
                   default_budget.count());
    }
  }
  if (budget) *budget *= sanitizer_slowdown();
  return budget;
}

}  // namespace workshop
