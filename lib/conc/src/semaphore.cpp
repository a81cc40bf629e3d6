// A port of golang.org/x/sync/semaphore (semaphore.go), cancellation races included.
#include "conc/semaphore.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "conc/select.hpp"

namespace conc {
namespace {

void check_weight(std::int64_t n, const char* operation) {
  if (n < 0) throw std::logic_error(fmt::format("semaphore: {} of negative weight {}", operation, n));
}

bool is_done(const RecvChan<Unit>& done) {
  return select(case_recv(done), case_default()) == 0;
}

}  // namespace

WeightedSemaphore::WeightedSemaphore(std::int64_t capacity) : size_(capacity) {
  if (capacity < 0) {
    throw std::logic_error(fmt::format("semaphore: negative capacity {}", capacity));
  }
}

Error WeightedSemaphore::acquire(const Context& ctx, std::int64_t n) {
  check_weight(n, "acquire");
  const RecvChan<Unit> done = ctx.done();
  std::unique_lock lock(mutex_);
  // A done context wins even when the tokens are free (x/sync, go.dev/issue/63615): a caller
  // that was cancelled must not start new work.
  if (is_done(done)) return ctx.err();
  if (n == 0) return Error();
  if (size_ - cur_ >= n && waiters_.empty()) {
    cur_ += n;
    return Error();
  }
  if (n > size_) {
    return Error(fmt::format("semaphore: acquire of weight {} exceeds the capacity {}", n, size_));
  }

  const auto self = waiters_.insert(waiters_.end(), Waiter{n, make_chan<Unit>()});
  const RecvChan<Unit> ready = self->ready;
  lock.unlock();

  bool granted = false;
  select(case_recv(ready, [&] { granted = true; }), case_recv(done));
  if (granted) {
    // Granted; but if ctx was cancelled meanwhile, honour the cancellation.
    if (!is_done(done)) return Error();
    release(n);
    return ctx.err();
  }

  lock.lock();
  if (is_done(ready)) {
    // Granted just after we were cancelled: give the tokens back, as if we never had them.
    cur_ -= n;
    notify_waiters_locked();
  } else {
    const bool at_front = self == waiters_.begin();
    waiters_.erase(self);
    // Leaving the head may let the waiters behind us through.
    if (at_front && size_ > cur_) notify_waiters_locked();
  }
  return ctx.err();
}

bool WeightedSemaphore::try_acquire(std::int64_t n) {
  check_weight(n, "try_acquire");
  std::lock_guard lock(mutex_);
  const bool success = size_ - cur_ >= n && waiters_.empty();
  if (success) cur_ += n;
  return success;
}

void WeightedSemaphore::release(std::int64_t n) {
  check_weight(n, "release");
  std::lock_guard lock(mutex_);
  if (cur_ - n < 0) throw std::logic_error("semaphore: released more than held");
  cur_ -= n;
  notify_waiters_locked();
}

void WeightedSemaphore::notify_waiters_locked() {
  // Strictly from the front: stop at the first waiter that does not fit, so a large waiter is
  // not starved by smaller ones that arrived after it.
  while (!waiters_.empty()) {
    Waiter& next = waiters_.front();
    if (size_ - cur_ < next.n) break;
    cur_ += next.n;
    next.ready.close();
    waiters_.pop_front();
  }
}

}  // namespace conc
