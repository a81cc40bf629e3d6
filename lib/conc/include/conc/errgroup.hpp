// conc::ErrGroup — golang.org/x/sync/errgroup: run tasks in goroutines, wait for all, keep the
// first error, and cancel the others' context when one fails.
//
//   conc::ErrGroup group(ctx);                        // errgroup.WithContext(ctx)
//   for (const auto& dc : datacenters) {
//     group.go([&group, dc]() -> conc::Error {        // g.Go(func() error { ... })
//       return dc->find_with_error(group.context(), "resource").err;
//     });
//   }
//   conc::Error err = group.wait();                   // the first error, or nil
//
// A group is not copyable or movable: tasks refer to it. Its destructor waits for the tasks
// still running (without rethrowing), so a group never outlives what it started.
//
// Memory ordering: everything a task did before returning is visible after wait() returns.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>

#include "conc/context.hpp"
#include "conc/error.hpp"
#include "conc/waitgroup.hpp"

namespace conc {

class ErrGroup {
 public:
  // Go's zero Group: no limit, and context() is background() (nothing is cancelled).
  ErrGroup();

  // Go's WithContext(parent): context() is a child of parent, cancelled the first time a task
  // returns a non-nil error (or throws), or when wait() returns, whichever comes first.
  explicit ErrGroup(const Context& parent);

  // Waits for the tasks still running; never throws (a task's exception is dropped only here,
  // when nobody called wait() to receive it).
  ~ErrGroup();
  ErrGroup(const ErrGroup&) = delete;
  ErrGroup& operator=(const ErrGroup&) = delete;

  // The group's context: pass it to the tasks so they stop when one of them fails.
  Context context() const { return ctx_; }

  // Runs task in a new goroutine. Blocks while the limit set by set_limit() is reached (forever
  // with a limit of 0, as in Go). The first task to return a non-nil error (or to throw) sets
  // the group's result and cancels context(). Call go() before wait(), not concurrently with it.
  void go(std::function<Error()> task);

  // Runs task in a new goroutine only if the limit is not reached; returns whether it did. Never
  // blocks.
  bool try_go(std::function<Error()> task);

  // Limits how many tasks run at once; n < 0 removes the limit, n == 0 admits none. Throws
  // std::logic_error("errgroup: modify limit while N goroutines in the group are still active")
  // if tasks are running.
  void set_limit(int n);

  // Blocks until every task has returned, then returns the first non-nil error a task returned
  // (nil if none). If a task threw, rethrows the first exception thrown, even when another
  // task returned an error first: an exception is a bug and must not be hidden behind an error.
  // Cancels context() before returning.
  Error wait();

 private:
  bool start_locked(std::unique_lock<std::mutex>& lock, std::function<Error()>& task);
  void finish(const Error& err, std::exception_ptr thrown);

  Context ctx_;
  CancelFunc cancel_;  // empty for the zero group
  WaitGroup tasks_;
  mutable std::mutex mutex_;
  std::condition_variable slot_freed_;
  int limit_ = -1;                // guarded by mutex_
  int active_ = 0;                // guarded by mutex_
  bool failed_ = false;           // a task failed (error or exception); guarded by mutex_
  Error first_error_;             // guarded by mutex_
  std::exception_ptr first_exception_;  // guarded by mutex_
};

}  // namespace conc
