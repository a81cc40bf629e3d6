#include "conc/waitgroup.hpp"

#include <stdexcept>
#include <thread>

#include "conc/internal/blocking.hpp"
#include "conc/internal/parker.hpp"

namespace conc {
namespace internal {
struct WaitGroupWaiter {
  Parker* parker;
  WaitGroupWaiter* next;
};
}  // namespace internal

namespace {
std::int32_t counter_of(std::uint64_t state) noexcept {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(state >> 32));
}
std::uint32_t waiters_of(std::uint64_t state) noexcept { return static_cast<std::uint32_t>(state); }
}  // namespace

void WaitGroup::add(int delta) {
  const auto step = static_cast<std::uint64_t>(static_cast<std::int64_t>(delta)) << 32;
  // A CAS loop rather than fetch_add: a call that would go below zero must change nothing, not
  // change and undo (others would see the negative counter in between).
  std::uint64_t before = state_.load(std::memory_order_relaxed);
  std::uint64_t state;
  do {
    state = before + step;
    if (static_cast<std::int64_t>(counter_of(before)) + delta < 0) {
      throw std::logic_error("sync: negative WaitGroup counter");
    }
  } while (!state_.compare_exchange_weak(before, state, std::memory_order_acq_rel,
                                         std::memory_order_relaxed));
  if (counter_of(state) > 0 || waiters_of(state) == 0 || delta == 0) return;

  // This call took the counter to zero with waiters: wake them all. The state keeps showing
  // "zero, with waiters" until the very end, so that a new wait() neither returns nor parks
  // while we work (see wait()); resetting it to 0 is our last access to *this, because a waiter
  // that sees 0 may return and destroy the group.
  internal::WaitGroupWaiter* woken = nullptr;
  {
    std::lock_guard lock(mutex_);
    woken = waiters_;
    waiters_ = nullptr;
    std::uint32_t parked = 0;
    for (auto* w = woken; w != nullptr; w = w->next) ++parked;
    pending_wakes_ += waiters_of(state) - parked;  // owed to waiters not parked yet
  }
  std::uint64_t expected = state;
  const bool unchanged = state_.compare_exchange_strong(expected, 0, std::memory_order_acq_rel);
  // The woken waiters stay parked until we unpark them, so their nodes are still valid here.
  while (woken != nullptr) {
    internal::WaitGroupWaiter* next = woken->next;
    woken->parker->unpark();
    woken = next;
  }
  if (!unchanged) throw std::logic_error("sync: WaitGroup misuse: add called concurrently with wait");
}

void WaitGroup::wait() {
  // "Counter zero, with waiters" means a done() is still waking the last round: wait for it to
  // reset the state, its last access to the group, before returning or joining a new round.
  const auto waking = [](std::uint64_t state) { return counter_of(state) == 0 && state != 0; };
  for (;;) {
    std::uint64_t state = state_.load(std::memory_order_acquire);
    if (state == 0) return;
    if (waking(state)) {
      std::this_thread::yield();
      continue;
    }
    if (state_.compare_exchange_weak(state, state + 1, std::memory_order_acq_rel)) break;
  }
  internal::WaitGroupWaiter self{&internal::Parker::current(), nullptr};
  bool owed = false;  // the counter reached zero before we could park
  {
    std::lock_guard lock(mutex_);
    if (pending_wakes_ > 0) {
      --pending_wakes_;
      owed = true;
    } else {
      self.next = waiters_;
      waiters_ = &self;
    }
  }
  if (owed) {
    while (waking(state_.load(std::memory_order_acquire))) std::this_thread::yield();
    return;
  }
  internal::BlockedScope blocked({.operation = "WaitGroup::wait", .object = this});
  self.parker->park();
}

}  // namespace conc
