// sync/mutex/1 — reference solution. The brief: sync/mutex/exercise1.md.
#include "counter.hpp"

#include <mutex>

void Counter::increment() {
  // Locked from before the read until after the write: to every other thread that locks mutex_,
  // the read-modify-write is one step, so no two increments ever read the same value. The guard
  // unlocks when it goes out of scope, on every way out (Go: mu.Lock(); defer mu.Unlock()).
  std::lock_guard lock(mutex_);
  const auto current = value_;
  between_read_and_write();
  value_ = current + 1;
}

std::int64_t Counter::value() const {
  // Locked too: the unlock at the end of an increment() happens before the next lock of mutex_,
  // which is what makes that write visible here. Without the lock, this read would race with it.
  std::lock_guard lock(mutex_);
  return value_;
}
