// Test support for the sync/mutex exercises: a window the test can hold a call inside, calls run
// on threads of their own that the test watches, and goroutines started in bulk for the tests
// under load.
//
// A lost update, or two callers storing the same key, needs two calls between their read and
// their write at the same moment. Left to chance that is rare: a suite that only counts passes on
// broken code most of the time. So the exercise's code calls a hook between its read and its
// write (between_read_and_write(), between_check_and_store()), the test file defines that hook as
// `Fixture::window().enter()` (WindowTest, the fixture, is at the end), and a test can:
//
//   1. hold a first call inside the window (Window::hold),
//   2. start a second call, and see what it does (watch_while_held): with the mutex right, it
//      sleeps in the kernel waiting for the lock (workshop::ThreadProbe); without it, it gets
//      inside the window too, or returns;
//   3. let the calls finish one at a time (Window::let_through, Call::finish), so that even an
//      unprotected std::unordered_map is never written by two threads at once: a wrong answer
//      fails by assertion, never by a crash. WindowTest::watch_then_finish_in_turn does 2 and 3.
//
// Nothing here adds synchronisation between the calls it watches: the counters are relaxed
// atomics, a call held in the window only reads, and a call that got inside while another was
// there (or returned too early) records nothing in the journal until the test lets it go (the
// journal's lock would order it before the others). So ThreadSanitizer sees exactly the ordering
// the code under test provides, and reports the race of an unprotected skeleton every time.
#pragma once

#include <atomic>
#include <chrono>
#include <climits>
#include <functional>
#include <latch>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "conc/waitgroup.hpp"
#include "workshop/journal.hpp"
#include "workshop/thread_probe.hpp"

namespace mutex_tests {

using namespace std::chrono_literals;

// How long a wait that succeeds at once on a right answer may take before the test gives up:
// never what a test measures, only what turns a would-be hang into a failed assertion.
inline constexpr auto kSafetyNet = 5s;

// The name of the call running on this thread ("A", "B"...), for the journal; empty elsewhere.
inline std::string& caller_name() {
  thread_local std::string name;
  return name;
}

// The window between a read and a write: what the hook of the exercise's code enters.
class Window {
 public:
  // `name` says where the window is, for the journal: "the window between read and write".
  explicit Window(std::string name) : name_(std::move(name)) {}

  // Called by the hook. While the window is free, returns at once. While it is held, the caller
  // (numbered in order of arrival, from 1) waits inside until the test lets that many through.
  void enter() {
    const int number = entered_.fetch_add(1, std::memory_order_relaxed) + 1;
    const int inside = inside_.fetch_add(1, std::memory_order_relaxed) + 1;
    int most = most_inside_.load(std::memory_order_relaxed);
    while (inside > most &&
           !most_inside_.compare_exchange_weak(most, inside, std::memory_order_relaxed)) {
    }
    if (!holding_.load(std::memory_order_relaxed)) {
      inside_.fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    const std::string who = caller_name().empty() ? "a call" : caller_name();
    if (inside == 1) workshop::record(who + " is inside " + name_ + ", held there by the test");
    // Polls rather than waits on a condition variable: a waiter would have to lock the test's
    // mutex, and that lock would order this call before the test's next steps (see top).
    while (allowed_.load(std::memory_order_acquire) < number) {
      std::this_thread::sleep_for(50us);
    }
    workshop::record(who + " leaves " + name_);
    inside_.fetch_sub(1, std::memory_order_relaxed);
  }

  // Back to a free window, counters at zero. Call it when no call is inside.
  void reset() {
    holding_.store(false, std::memory_order_relaxed);
    allowed_.store(0, std::memory_order_relaxed);
    entered_.store(0, std::memory_order_relaxed);
    inside_.store(0, std::memory_order_relaxed);
    most_inside_.store(0, std::memory_order_relaxed);
  }

  // From now on every caller waits inside until let through. Call it before starting the calls
  // (starting a thread makes it visible to the thread).
  void hold() { holding_.store(true, std::memory_order_relaxed); }

  // Lets the first `n` callers (in order of arrival, those to come included) leave.
  void let_through(int n) {
    int allowed = allowed_.load(std::memory_order_relaxed);
    while (n > allowed && !allowed_.compare_exchange_weak(allowed, n, std::memory_order_release,
                                                          std::memory_order_relaxed)) {
    }
  }

  // Lets every caller through, now and later: how a test cleans up, whatever happened.
  void open() { let_through(INT_MAX); }

  // How many callers have entered since reset(), those still inside included.
  int entered() const { return entered_.load(std::memory_order_relaxed); }

  // The most callers inside at the same moment since reset(): more than 1 means two calls were
  // between their read and their write at once.
  int most_inside_at_once() const { return most_inside_.load(std::memory_order_relaxed); }

  const std::string& name() const { return name_; }

 private:
  const std::string name_;
  std::atomic<bool> holding_{false};
  std::atomic<int> allowed_{0};  // callers numbered up to this one may leave
  std::atomic<int> entered_{0};
  std::atomic<int> inside_{0};
  std::atomic<int> most_inside_{0};
};

// One call to the code under test, made on a thread of its own that the test watches.
class CallBase {
 public:
  CallBase(std::string name, std::string what) : name_(std::move(name)), what_(std::move(what)) {}
  virtual ~CallBase() = default;
  CallBase(const CallBase&) = delete;
  CallBase& operator=(const CallBase&) = delete;

  // "A", "B"...: who makes the call, in the journal and the messages.
  const std::string& name() const { return name_; }
  // What it calls: "increment()".
  const std::string& what() const { return what_; }
  // "A's increment()".
  std::string label() const { return name_ + "'s " + what_; }

  // True once the call has returned (never blocks).
  bool returned() const { return state_->returned.load(std::memory_order_relaxed); }

  // True when the thread is inside the call and asleep in the kernel: blocked on a lock.
  bool blocked() const {
    return state_->calling.load(std::memory_order_relaxed) && !returned() &&
           state_->probe.sleeping();
  }

  // Waits until the call has returned, then joins its thread. Returns false when it has not
  // returned within the safety net: its thread is then left behind, still blocked (it owns what
  // it uses, so nothing it touches is destroyed under it). Idempotent.
  bool finish() {
    if (!thread_.joinable()) return finished_;
    if (workshop::wait_until([this] { return returned(); }, kSafetyNet)) {
      thread_.join();
      finished_ = true;
    } else {
      workshop::record(label() + " has not returned after " +
                       std::to_string(std::chrono::seconds(kSafetyNet).count()) +
                       " s: left blocked");
      thread_.detach();
    }
    return finished_;
  }

 protected:
  struct State {
    workshop::ThreadProbe probe;
    std::atomic<bool> calling{false};   // relaxed, as the Window's counters (see top)
    std::atomic<bool> returned{false};  // relaxed: a join orders what the test reads after it
  };

  // Starts the thread: it records the call, then runs `call`, which stores its result.
  void start(std::function<void()> call) {
    thread_ = std::thread([state = state_, name = name_, label = label(), call = std::move(call)] {
      state->probe.attach();
      caller_name() = name;
      workshop::record(label + " called");
      state->calling.store(true, std::memory_order_relaxed);
      call();
      // Nothing recorded after the call: see the top of this file. The test records it.
      state->returned.store(true, std::memory_order_relaxed);
    });
  }

  std::shared_ptr<State> state_ = std::make_shared<State>();

 private:
  const std::string name_;
  const std::string what_;
  std::thread thread_;
  bool finished_ = false;
};

// A call that returns an R (void allowed): result() is readable once finish() returned true.
template <class R>
class Call final : public CallBase {
 public:
  using Result = std::conditional_t<std::is_void_v<R>, std::monostate, R>;

  // `fn` must own (by value, shared_ptr) what it uses: a call that never returns outlives the test.
  Call(std::string name, std::string what, std::function<R()> fn)
      : CallBase(std::move(name), std::move(what)) {
    start([result = result_, fn = std::move(fn)] {
      if constexpr (std::is_void_v<R>) {
        fn();
        result->emplace();
      } else {
        result->emplace(fn());
      }
    });
  }

  ~Call() override { finish(); }

  // The value the call returned. Requires finish() to have returned true.
  const Result& result() const { return **result_; }

 private:
  std::shared_ptr<std::optional<Result>> result_ = std::make_shared<std::optional<Result>>();
};

// What a second call did while a first one was held inside the window.
enum class WhileHeld {
  Blocked,    // asleep in the kernel inside the call: waiting for the lock, as it should
  GotInside,  // it entered the window too: two calls between their read and their write
  Returned,   // it returned without waiting for the held call
  Neither,    // none of these within the safety net (a lock that spins?)
};

// Waits until `second` shows what it does while the window holds `inside_before` callers.
inline WhileHeld watch_while_held(const Window& window, int inside_before,
                                  const CallBase& second) {
  const bool seen = workshop::wait_until([&] {
    return window.entered() > inside_before || second.returned() || second.blocked();
  });
  // In this order: a call that got inside sleeps there too, and the window counts it first.
  if (window.entered() > inside_before) return WhileHeld::GotInside;
  if (second.returned()) return WhileHeld::Returned;
  return seen ? WhileHeld::Blocked : WhileHeld::Neither;
}

// Records in the journal what `second` did while `held` was held inside `window`.
inline void record_while_held(WhileHeld seen, const Window& window, const CallBase& held,
                              const CallBase& second) {
  switch (seen) {
    case WhileHeld::Blocked:
      workshop::record(second.name() + " is asleep in the kernel, waiting for the lock");
      break;
    case WhileHeld::GotInside:
      workshop::record(second.name() + " got inside " + window.name() + " too, " + held.name() +
                       " still there");
      break;
    case WhileHeld::Returned:
      workshop::record(second.label() + " has returned, " + held.name() + " still held");
      break;
    case WhileHeld::Neither:
      workshop::record(second.name() + " neither slept, nor got inside, nor returned");
      break;
  }
}

// Holds calls and cleans up after them: a fixture owns one, and makes its calls through it.
class Calls {
 public:
  explicit Calls(Window& window) : window_(window) {}
  Calls(const Calls&) = delete;
  Calls& operator=(const Calls&) = delete;

  // Lets every caller out of the window and finishes every call: whatever a test did, no call
  // outlives it but one blocked for good (see CallBase::finish).
  ~Calls() { finish_all(); }

  template <class R>
  Call<R>& start(std::string name, std::string what, std::function<R()> fn) {
    auto call = std::make_unique<Call<R>>(std::move(name), std::move(what), std::move(fn));
    Call<R>& ref = *call;
    calls_.push_back(std::move(call));
    return ref;
  }

  void finish_all() {
    window_.open();
    for (auto& call : calls_) call->finish();
    calls_.clear();
  }

 private:
  Window& window_;
  std::vector<std::unique_ptr<CallBase>> calls_;
};

// Goroutines started in bulk by a test under load (conc::WaitGroup), counting those that returned.
// The test holds a shared_ptr and so does every goroutine: none outlives what it uses if some
// never return. The count is relaxed, as the Window's counters (see top): it orders nothing,
// wait() does.
class Goroutines {
 public:
  enum class Start {
    AsLaunched,  // each runs as soon as it is launched
    Together,    // each waits on a latch until all are running: the most contention
  };

  // Launches `n` goroutines, the i-th (from 0) running body(i).
  static std::shared_ptr<Goroutines> go(int n, Start start, std::function<void(int)> body) {
    auto run = std::make_shared<Goroutines>(n, start);
    for (int i = 0; i < n; ++i) {
      run->wg_.go([run, i, body] {
        if (run->start_) run->start_->arrive_and_wait();
        body(i);
        run->returned_.fetch_add(1, std::memory_order_relaxed);
      });
    }
    return run;
  }

  // Use go().
  Goroutines(int n, Start start) : n_(n) {
    if (start == Start::Together) start_.emplace(n);
  }

  // Waits until every goroutine has returned: false when some have not within the safety net.
  bool all_returned() const {
    return workshop::wait_until([this] { return returned() == n_; }, kSafetyNet);
  }

  // How many have returned so far.
  int returned() const { return returned_.load(std::memory_order_relaxed); }

  // Waits for every goroutine: what each did happened before this returns.
  void wait() { wg_.wait(); }

 private:
  const int n_;
  conc::WaitGroup wg_;
  std::optional<std::latch> start_;  // Start::Together only
  std::atomic<int> returned_{0};
};

// Where a first call got to, started while the window was held.
enum class FirstCall {
  Inside,    // held inside the window, as the test wants
  Returned,  // it returned without entering the window: the hook is not called
  Stuck,     // neither within the safety net: it is blocked before the window
};

// How a race for the window went: what the second call did while the first was held inside, and
// whether each call returned once let out.
struct Race {
  WhileHeld seen;
  bool first_returned;
  bool second_returned;
};

// The fixture of a suite whose hook enters the window named `kWhere` ("the window between read and
// write"): the window, made free with its counters at zero before each test; the calls, every one
// let out and finished after it; the steps of a race for the window, and the names the tests use.
// The test file defines its hook as `Fixture::window().enter()`.
template <const char* kWhere>
class WindowTest : public ::testing::Test {
 public:
  // The one window of the test binary.
  static Window& window() {
    static Window instance(kWhere);
    return instance;
  }

 protected:
  using CallBase = mutex_tests::CallBase;
  using FirstCall = mutex_tests::FirstCall;
  using Goroutines = mutex_tests::Goroutines;
  using WhileHeld = mutex_tests::WhileHeld;

  void SetUp() override { window_.reset(); }
  void TearDown() override { calls_.finish_all(); }

  // Waits until `first` is inside the window or has returned (window_.hold() was called before
  // it started), and says which.
  FirstCall wait_inside(const CallBase& first) {
    workshop::wait_until([&] { return window_.entered() >= 1 || first.returned(); }, kSafetyNet);
    if (window_.entered() >= 1) return FirstCall::Inside;
    return first.returned() ? FirstCall::Returned : FirstCall::Stuck;
  }

  // With `first` held inside the window (the only caller in it) and `second` started: waits for
  // what `second` does and records it, then lets the calls finish one at a time, whatever
  // happened: `first`, then `second`.
  Race watch_then_finish_in_turn(CallBase& first, CallBase& second) {
    const WhileHeld seen = watch_while_held(window_, 1, second);
    record_while_held(seen, window_, first, second);
    window_.let_through(1);
    const bool first_returned = first.finish();
    window_.let_through(2);
    const bool second_returned = second.finish();
    return {seen, first_returned, second_returned};
  }

  Window& window_ = window();
  Calls calls_{window_};
};

}  // namespace mutex_tests
