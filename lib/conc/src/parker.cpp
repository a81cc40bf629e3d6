#include "conc/internal/parker.hpp"

#include <algorithm>

#include <linux/futex.h>
#include <sched.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace conc::internal {
namespace {

void futex_wait(std::atomic<std::int32_t>* word, std::int32_t expected) noexcept {
  // Returns on a wake, a spurious wake-up, EINTR, or when *word != expected: callers re-check.
  syscall(SYS_futex, reinterpret_cast<std::int32_t*>(word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);
}

// As futex_wait, giving up after `timeout`.
void futex_wait_for(std::atomic<std::int32_t>* word, std::int32_t expected,
                    std::chrono::nanoseconds timeout) noexcept {
  const auto ns = timeout.count();
  timespec relative{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  syscall(SYS_futex, reinterpret_cast<std::int32_t*>(word), FUTEX_WAIT_PRIVATE, expected,
          &relative, nullptr, 0);
}

void futex_wake_one(std::atomic<std::int32_t>* word) noexcept {
  syscall(SYS_futex, reinterpret_cast<std::int32_t*>(word), FUTEX_WAKE_PRIVATE, 1, nullptr,
          nullptr, 0);
}

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Bounds of the adaptive spin (Parker::spin_budget_). A hand-off between two running threads
// takes well under a microsecond, a futex sleep and wake-up several; spinning longer than a few
// microseconds only burns the core the other thread needs.
constexpr int kMinSpins = 8;
constexpr int kMaxSpins = 4000;

}  // namespace

void Parker::park() noexcept {
  for (int i = 0; i < spin_budget_; ++i) {
    if (state_.load(std::memory_order_relaxed) == kNotified) break;
    cpu_relax();
  }
  // kNotified -> kEmpty consumes the token; kEmpty -> kParked announces that we sleep.
  if (state_.fetch_sub(1, std::memory_order_acquire) == kNotified) {
    spin_budget_ = std::min(spin_budget_ * 2, kMaxSpins);
    return;
  }
  spin_budget_ = std::max(spin_budget_ / 2, kMinSpins);
  for (;;) {
    futex_wait(&state_, kParked);
    std::int32_t notified = kNotified;
    if (state_.compare_exchange_strong(notified, kEmpty, std::memory_order_acquire)) return;
    // Spurious wake-up: still kParked, sleep again.
  }
}

bool Parker::park_until(std::chrono::steady_clock::time_point deadline) noexcept {
  if (state_.fetch_sub(1, std::memory_order_acquire) == kNotified) return true;
  for (;;) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    futex_wait_for(&state_, kParked, left);
    if (state_.load(std::memory_order_relaxed) == kNotified) break;
  }
  // kParked -> kEmpty on time-out; a token that arrived meanwhile is consumed and reported.
  return state_.exchange(kEmpty, std::memory_order_acquire) == kNotified;
}

void Parker::unpark() noexcept {
  if (state_.exchange(kNotified, std::memory_order_release) == kParked) futex_wake_one(&state_);
}

Parker& Parker::current() noexcept {
  thread_local Parker parker;
  return parker;
}

}  // namespace conc::internal
