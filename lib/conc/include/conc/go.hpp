// conc::go — Go's `go` statement.
//
//   conc::go([results] { results.send(find("SBG")); });   // go func() { results <- find("SBG") }()
//   conc::go(worker, jobs, results);                       // go worker(jobs, results)
//
// A goroutine here is a thread: go() runs f(args...) concurrently and returns at once. Threads
// are pooled: one that finished a goroutine waits a few seconds for the next, so starting a
// goroutine usually costs a hand-off, not a thread creation. There is no join: wait for
// goroutines with a WaitGroup, an ErrGroup or a channel, as in Go.
//
// Lifetimes: the goroutine owns what it captured. Capture by value (or shared_ptr) whatever it
// uses, never a reference to a local of the function that started it: that function may return
// first (the C++ form of Go's loop-variable bug).
//
// An exception that escapes a goroutine is Go's unrecovered panic: its what() is printed on
// stderr, with a line saying it escaped a goroutine, and the process terminates
// (std::terminate).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

namespace conc {
namespace internal {

// A move-only type-erased void() callable (std::move_only_function is C++23).
class Task {
 public:
  template <class F>
  explicit Task(F&& f) : impl_(std::make_unique<Impl<std::decay_t<F>>>(std::forward<F>(f))) {}
  void operator()() { impl_->run(); }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void run() = 0;
  };
  template <class F>
  struct Impl final : Base {
    explicit Impl(F&& f) : fn(std::move(f)) {}
    explicit Impl(const F& f) : fn(f) {}
    void run() override { fn(); }
    F fn;
  };
  std::unique_ptr<Base> impl_;
};

// Starts `task` on a pooled thread; counts it in goroutines() until it returns.
void spawn(Task task);

}  // namespace internal

// Starts f(args...) as a goroutine and returns without waiting. f and args are copied or moved
// into the goroutine (decay-copied, like std::thread). Throws std::system_error only if no
// thread can be created.
template <class F, class... A>
void go(F&& f, A&&... args) {
  internal::spawn(internal::Task(
      [fn = std::forward<F>(f), ... bound = std::forward<A>(args)]() mutable {
        std::invoke(std::move(fn), std::move(bound)...);  // runs once: hand over, as std::thread
      }));
}

// How many goroutines started by go() (and by the groups built on it) are still running. Never
// blocks. A goroutine counts until its function has returned.
std::size_t goroutines() noexcept;

}  // namespace conc
