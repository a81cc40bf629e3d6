// conc::WaitGroup — Go's sync.WaitGroup: wait for a collection of goroutines to finish.
//
//   conc::WaitGroup wg;
//   for (const auto& dc : datacenters) {
//     wg.go([dc] { dc->find("resource"); });   // wg.Add(1); go func() { defer wg.Done(); ... }()
//   }
//   wg.wait();                                 // every find has returned
//
// A counter: add(n) before starting work, done() when a piece of work ends, wait() blocks until
// the counter is zero. As in Go, a positive add() must happen before the wait() it is meant to
// delay (call it before starting the goroutine, not inside it), and a WaitGroup may be reused
// once every wait() of the previous round has returned. Not copyable or movable: share it by
// reference, and let it outlive the goroutines that call done() on it.
//
// Memory ordering: everything a goroutine did before its done() is visible after wait() returns.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <utility>

#include "conc/go.hpp"

namespace conc {

namespace internal {
struct WaitGroupWaiter;
}

class WaitGroup {
 public:
  WaitGroup() = default;
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;

  // Adds delta (which may be negative) to the counter; at zero, every wait() returns. Never
  // blocks. Throws std::logic_error("sync: negative WaitGroup counter") if the counter would go
  // below zero, leaving it unchanged.
  void add(int delta);

  // add(-1). Throws like add() when there was nothing to be done.
  void done() { add(-1); }

  // Blocks until the counter is zero (returns at once when it is). Never throws.
  void wait();

  // Go 1.25's WaitGroup.Go: add(1), then run f in a goroutine that calls done() when f returns.
  // As with go(), an exception escaping f terminates the program.
  template <class F>
  void go(F&& f) {
    add(1);
    conc::go([this, fn = std::forward<F>(f)]() mutable {
      fn();
      done();
    });
  }

 private:
  // Go's layout: the counter in the high 32 bits, the number of waiters in the low 32, so that
  // the done() that reaches zero knows in the same atomic step whether anyone must be woken,
  // and touches nothing more when nobody waits (the group may be destroyed as soon as a waiter
  // sees zero).
  std::atomic<std::uint64_t> state_{0};
  std::mutex mutex_;
  internal::WaitGroupWaiter* waiters_ = nullptr;  // parked waiters, a stack; guarded by mutex_
  std::uint32_t pending_wakes_ = 0;  // wakes owed to waiters not parked yet; guarded by mutex_
};

}  // namespace conc
