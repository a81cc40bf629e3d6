// conc::WeightedSemaphore — golang.org/x/sync/semaphore: bounded access to a resource of a
// given capacity, where each user takes a weight of it.
//
//   conc::WeightedSemaphore sem(30);                     // semaphore.NewWeighted(30)
//   if (conc::Error err = sem.acquire(ctx, dc->weight())) return err;   // cancelled first
//   dc->find(resource);
//   sem.release(dc->weight());
//
// Waiters are served strictly in arrival order (FIFO): a large request at the head of the queue
// blocks smaller ones behind it even when they would fit, so that a large request is never
// starved by a stream of small ones. Not copyable or movable; thread-safe.
//
// Memory ordering: a release() happens before the acquire() it lets through returns.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/error.hpp"

namespace conc {

class WeightedSemaphore {
 public:
  // A semaphore with `capacity` tokens, all free. Throws std::logic_error when capacity < 0.
  explicit WeightedSemaphore(std::int64_t capacity);
  WeightedSemaphore(const WeightedSemaphore&) = delete;
  WeightedSemaphore& operator=(const WeightedSemaphore&) = delete;

  // Takes n tokens, blocking until they are free and every earlier waiter has been served, or
  // until ctx is done. Returns nil on success. Returns ctx.err() when ctx is done first (also
  // when it was already done on entry, even if the tokens are free), and then takes nothing.
  // Returns an error naming n and the capacity at once when n > capacity (Go would wait for
  // ctx forever). acquire(ctx, 0) succeeds at once. Throws std::logic_error when n < 0.
  Error acquire(const Context& ctx, std::int64_t n);

  // Takes n tokens only if they are free now and nobody is waiting; returns whether it did.
  // Never blocks. Throws std::logic_error when n < 0.
  bool try_acquire(std::int64_t n);

  // Gives back n tokens and serves the waiters at the head of the queue that now fit. Never
  // blocks for long. Throws std::logic_error("semaphore: released more than held") when more
  // tokens would be free than the capacity (nothing is released then), or when n < 0.
  void release(std::int64_t n);

 private:
  struct Waiter {
    std::int64_t n;
    Chan<Unit> ready;  // closed when the tokens are granted
  };
  void notify_waiters_locked();

  const std::int64_t size_;
  std::mutex mutex_;
  std::int64_t cur_ = 0;       // tokens taken; guarded by mutex_
  std::list<Waiter> waiters_;  // FIFO; guarded by mutex_
};

}  // namespace conc
