// select's algorithm: Go's runtime/select.go, with threads instead of goroutines.
#include <algorithm>
#include <array>
#include <chrono>
#include <mutex>
#include <thread>

#include "conc/internal/blocking.hpp"
#include "conc/select.hpp"

namespace conc::internal {
namespace {

class LockAll {
 public:
  // Locks each distinct mutex once, in address order, so that two selects over the same channels
  // can never deadlock and a channel named by several cases is locked once.
  LockAll(std::mutex* const* mutexes, int count) : count_(0) {
    for (int i = 0; i < count; ++i) locks_[count_++] = mutexes[i];
    std::sort(locks_.begin(), locks_.begin() + count_);
    count_ = static_cast<int>(std::unique(locks_.begin(), locks_.begin() + count_) - locks_.begin());
  }
  void lock() const {
    for (int i = 0; i < count_; ++i) locks_[i]->lock();
  }
  void unlock() const {
    for (int i = count_ - 1; i >= 0; --i) locks_[i]->unlock();
  }

 private:
  std::array<std::mutex*, kMaxSelectCases> locks_;  // [0, count_) used; not zeroed (hot path)
  int count_;
};

}  // namespace

std::uint64_t random_u64() noexcept {
  // wyrand: one multiply per number, plenty for choosing among ready cases.
  thread_local std::uint64_t state =
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
      (reinterpret_cast<std::uintptr_t>(&state) * 0x9E3779B97F4A7C15ull);
  state += 0xa0761d6478bd642full;
  const __uint128_t product = static_cast<__uint128_t>(state) * (state ^ 0xe7037ed1a0b428dbull);
  return static_cast<std::uint64_t>(product >> 64) ^ static_cast<std::uint64_t>(product);
}

int select_impl(SelectCase* const* cases, int count, bool can_default) {
  // The cases that can ever fire (nil channels are left out), in a random poll order. Only
  // [0, active) is used: not zeroing the rest saves ~1.5 KB of stores per select.
  std::array<int, kMaxSelectCases> order;
  std::array<std::mutex*, kMaxSelectCases> mutexes;
  int active = 0;
  for (int i = 0; i < count; ++i) {
    if (std::mutex* m = cases[i]->mutex()) {
      order[active] = i;
      mutexes[active] = m;
      ++active;
    }
  }
  if (active == 0) {
    if (can_default) return -1;
    block_forever("select with no case that can fire (no channel, or only nil channels)");
  }
  for (int i = active - 1; i > 0; --i) {  // Fisher-Yates
    const int j = static_cast<int>(random_u64() % static_cast<std::uint64_t>(i + 1));
    std::swap(order[i], order[j]);
  }

  LockAll locks(mutexes.data(), active);
  locks.lock();

  // Pass 1: the first ready case in the random order wins.
  for (int k = 0; k < active; ++k) {
    Parker* woken = nullptr;
    if (cases[order[k]]->try_locked(woken)) {
      locks.unlock();
      if (woken) woken->unpark();
      return order[k];
    }
  }
  if (can_default) {
    locks.unlock();
    return -1;
  }

  // Pass 2: wait on every channel at once. Queuing in the random order keeps the choice random
  // among several cases on the one channel that later becomes ready.
  SelectState self;
  for (int k = 0; k < active; ++k) cases[order[k]]->enqueue_locked(&self, order[k]);
  {
    BlockedScope blocked({.operation = "select", .object = &self, .cases = std::size_t(active)});
    locks.unlock();
    self.parker->park();
  }

  // Pass 3: the winner's waiter was removed by whoever claimed it; remove the others.
  const int won = self.winner.load(std::memory_order_acquire);
  locks.lock();
  for (int k = 0; k < active; ++k) cases[order[k]]->dequeue_locked();
  locks.unlock();
  return won;
}

[[noreturn]] void block_forever(const char* operation) {
  BlockedScope blocked({.operation = operation});
  for (;;) Parker::current().park();  // nobody ever unparks us
}

}  // namespace conc::internal
