// conc::internal::Parker — one thread's "sleep until someone wakes me" token.
//
// Every blocking operation of the library ends in Parker::park() on the blocked thread and
// Parker::unpark() from the thread that satisfies it (the sender that hands a value over, the
// closer, the timer). It is the futex-based parker of Rust's standard library: one atomic word,
// a short spin before sleeping (a hand-off often completes within a microsecond on another
// core, and sleeping costs two system calls), then FUTEX_WAIT. A token is never lost: unpark()
// before park() makes park() return at once.
//
// Memory ordering: everything the unparking thread wrote before unpark() is visible to the
// parked thread after park() returns (release/acquire on the state word).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace conc::internal {

class Parker {
 public:
  // Blocks until unpark() has been called since the last park() returned; returns at once when
  // it already was. Only the owning thread calls park(). Never throws.
  void park() noexcept;

  // As park(), but gives up at `deadline` (real time): returns true when woken by unpark(),
  // false on time-out (no token was consumed). Never throws.
  bool park_until(std::chrono::steady_clock::time_point deadline) noexcept;

  // Wakes the owner, or makes its next park() return at once. Any thread may call it. Never
  // throws. The Parker may be destroyed as soon as the parked thread has returned: unpark()
  // does not touch it after the store that wakes the owner (the futex wake takes an address,
  // not an object, so a late wake on dead memory is at worst a spurious wake-up elsewhere).
  void unpark() noexcept;

  // The calling thread's parker (it lives as long as the thread).
  static Parker& current() noexcept;

 private:
  static constexpr std::int32_t kEmpty = 0;
  static constexpr std::int32_t kParked = -1;
  static constexpr std::int32_t kNotified = 1;

  std::atomic<std::int32_t> state_{kEmpty};
  // How long park() spins before sleeping, adapted to what spinning achieved lately: doubled
  // when the token came while spinning, halved when the thread had to sleep anyway. A fixed
  // count is wrong on one machine or another. Only the owning thread touches it.
  int spin_budget_ = 64;
};

}  // namespace conc::internal
