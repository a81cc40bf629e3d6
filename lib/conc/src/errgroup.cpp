#include "conc/errgroup.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "conc/go.hpp"
#include "conc/internal/blocking.hpp"

namespace conc {

ErrGroup::ErrGroup() = default;

ErrGroup::ErrGroup(const Context& parent) { std::tie(ctx_, cancel_) = with_cancel(parent); }

ErrGroup::~ErrGroup() {
  tasks_.wait();
  if (cancel_) cancel_();
}

void ErrGroup::go(std::function<Error()> task) {
  std::unique_lock lock(mutex_);
  if (limit_ >= 0 && active_ >= limit_) {
    internal::BlockedScope blocked({.operation = "ErrGroup::go (the limit is reached)", .object = this});
    slot_freed_.wait(lock, [&] { return limit_ < 0 || active_ < limit_; });
  }
  start_locked(lock, task);
}

bool ErrGroup::try_go(std::function<Error()> task) {
  std::unique_lock lock(mutex_);
  if (limit_ >= 0 && active_ >= limit_) return false;
  return start_locked(lock, task);
}

bool ErrGroup::start_locked(std::unique_lock<std::mutex>& lock, std::function<Error()>& task) {
  ++active_;
  tasks_.add(1);
  lock.unlock();
  conc::go([this, task = std::move(task)] {
    Error err;
    std::exception_ptr thrown;
    try {
      err = task();
    } catch (...) {
      thrown = std::current_exception();
    }
    finish(err, thrown);
  });
  return true;
}

void ErrGroup::finish(const Error& err, std::exception_ptr thrown) {
  bool cancel_now = false;
  {
    std::lock_guard lock(mutex_);
    if (thrown && !first_exception_) first_exception_ = thrown;
    if (err && !first_error_) first_error_ = err;
    if ((err || thrown) && !failed_) cancel_now = failed_ = true;
    --active_;
  }
  slot_freed_.notify_one();
  if (cancel_now && cancel_) cancel_();
  tasks_.done();  // last: after it, wait() may return and the group may be destroyed
}

void ErrGroup::set_limit(int n) {
  std::lock_guard lock(mutex_);
  if (active_ != 0) {
    throw std::logic_error(fmt::format(
        "errgroup: modify limit while {} goroutines in the group are still active", active_));
  }
  limit_ = n < 0 ? -1 : n;
  slot_freed_.notify_all();
}

Error ErrGroup::wait() {
  tasks_.wait();
  if (cancel_) cancel_();
  std::lock_guard lock(mutex_);
  if (first_exception_) std::rethrow_exception(first_exception_);
  return first_error_;
}

}  // namespace conc
