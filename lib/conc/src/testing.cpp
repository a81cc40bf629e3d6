#include <atomic>
#include <stdexcept>
#include <thread>

#include "conc/debug.hpp"

#include "conc/internal/goroutines.hpp"
#include "conc/internal/timer_service.hpp"
#include "conc/testing/fake_clock.hpp"
#include "conc/testing/goroutines.hpp"

namespace conc::testing {
namespace {
std::atomic<bool> fake_clock_alive{false};
}

FakeClock::FakeClock() {
  if (fake_clock_alive.exchange(true)) {
    throw std::logic_error("FakeClock: another FakeClock is alive (the library has one clock)");
  }
  internal::use_fake_clock(std::chrono::steady_clock::now());
}

FakeClock::~FakeClock() {
  internal::use_real_clock();
  fake_clock_alive.store(false);
}

void FakeClock::advance(Duration d) {
  if (d < Duration::zero()) throw std::logic_error("FakeClock::advance: negative duration (time only moves forward)");
  internal::advance_fake_clock(d);
}

TimePoint FakeClock::now() const noexcept { return internal::clock_now(); }

bool wait_blocked(std::size_t count, Duration timeout) {
  // Polling is fine here: it decides nothing but how soon the test goes on.
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (debug::blocked_threads().size() >= count) return true;
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

bool wait_goroutines(std::size_t at_most, Duration timeout) {
  return internal::wait_goroutines_at_most(at_most, timeout);
}

}  // namespace conc::testing
