// workshop/call.hpp — one call of the code under test, made on a thread of its own so that the
// test stays free to drive it, and watched from the test: has it returned, what did it return,
// where is it parked.
//
// A concurrency suite cannot call the pattern it tests and wait: the pattern waits for fakes that
// only the test answers, for a FakeClock that only the test moves. So the test starts the call
// elsewhere, acts, and checks what the call did, with a safety net instead of a hang:
//
//   workshop::Call<std::optional<Result>> call("redundant(SBG, GRA)", [finders] {
//     return datacenterfind::redundant("file.txt", finders);  // owns what it uses: a copy
//   });
//   dcs.fakes[0]->answer();
//   ASSERT_TRUE(call.wait_returned()) << "redundant() has not returned 5 s after SBG answered";
//   ASSERT_EQ(call.threw(), "");
//   EXPECT_EQ(call.result().value()->datacenter->name(), "SBG");
//
// Go's counterpart is the test that writes `go func() { got = f(); close(done) }()`, then
// selects on done and a time.After. The standard's nearest, std::async(std::launch::async, f)
// with future::wait_for, does not fit: the future's destructor waits for the call to return, and a
// test must be able to end, with its failure, while the call it reports is stuck for good (a
// deadlock). A Call leaves such a call behind instead (see Lifetimes).
//
// The journal and its timeline (journal.hpp) get a lane of the call's own, "call": a span opened
// with the label ("call redundant(SBG, GRA)") and ended by "returned" (plus the detail of
// CallOptions::end_detail, if any: "call returned (3 finds had ended)"), or by "threw: <what()>",
// drawn stopped. The options below say where the call runs, which thread opens its span, and
// what becomes of an exception; the defaults suit a call whose result the test reads.
//
// Memory ordering: everything the call did before it returned (its result, what it wrote in the
// objects it captured, its journal events, and the destruction of the callable with what it
// captured) happens before returned() or a wait_returned...() returns true: read it afterwards
// without another lock. Its thread is never joined: once the call returned, it only ends.
//
// Lifetimes: the callable must own what it uses (capture by value or shared_ptr), as a goroutine
// must: a call still running when its Call is destroyed is left behind, with its callable and the
// state it reports to, and may outlive the test (its late journal events then land in the next
// test's journal). Destroying the Call never blocks. A Call is neither copied nor moved;
// a function may still return one it built (`return workshop::Call<R>(...);`). Its members may be
// called from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace workshop {

// Where a Call runs its callable.
enum class CallRunsOn {
  thread,     // a std::thread of its own: conc::goroutines() does not count it, conc::debug names
              // it "thread <id>", and parked_in() can find it
  goroutine,  // conc::go: counted by conc::goroutines() as the pattern's own goroutines are, so
              // that "every goroutine is parked" includes the call; conc::debug names it
              // "goroutine N" and does not tell N, so parked_in() cannot find it
};

// Which thread opens the call's span in the journal.
enum class CallBegin {
  on_call_thread,  // the call's own, as its first event (the journal names it "thread 1")
  in_constructor,  // the thread that constructs the Call (the test's: "test"), before the call
                   // starts
};

// What becomes of an exception that the callable throws.
enum class CallExceptions {
  kept,    // caught: the span ends "threw: <what()>", threw() returns that what(), and the call
           // counts as returned (with no result)
  escape,  // not caught: it ends the process, as any exception that escapes a thread does
           // (std::terminate on a std::thread; conc::go's panic message, then std::terminate)
};

struct CallOptions {
  CallRunsOn runs_on = CallRunsOn::thread;
  CallBegin begin = CallBegin::on_call_thread;
  CallExceptions exceptions = CallExceptions::kept;
  // When set, called once on the call's thread right after the callable returned (not when it
  // threw), before the span ends: what it returns is the detail of the "returned" event ("3
  // finds had ended"). It may take a snapshot of what the call left (and keep it: what it writes
  // is published as the result is). It must not block for long, nor throw.
  std::function<std::string()> end_detail = {};
};

namespace internal {

// What a Call is, but for its result: the call's thread, its journal span and the state it
// reports to (call.cpp). Its members are documented on Call's, which forward to them.
class CallCore {
 public:
  CallCore(std::string label, std::function<void()> body, CallOptions options);
  CallCore(const CallCore&) = delete;
  CallCore& operator=(const CallCore&) = delete;

  const std::string& label() const;
  bool returned() const;
  bool wait_returned(std::chrono::steady_clock::duration safety_net) const;
  void wait_returned_without_safety_net() const;
  std::string threw() const;
  const std::string& thread() const { return thread_; }
  std::string parked_in() const;

 private:
  struct State;  // shared with the call's thread, which may outlive this object
  static void run(const std::shared_ptr<State>& state, std::function<void()> body);

  const std::shared_ptr<State> state_;
  const CallRunsOn runs_on_;
  std::string thread_;  // conc::debug's name of the call's thread, "" for a goroutine; const
                        // once the constructor returned
};

}  // namespace internal

// A call of callable(), started at construction on a thread of its own (CallRunsOn). R is what
// the callable returns (void: nothing to keep).
template <class R = void>
class Call {
 public:
  // Starts callable() as `options` say, labelled `label` on the journal's "call" lane, and
  // returns at once: it does not wait for the call to start. Throws std::invalid_argument
  // (with a "workshop::Call: " message) when callable is empty, std::system_error when no
  // thread can be started.
  Call(std::string label, std::function<R()> callable, CallOptions options = {})
      : value_(std::make_shared<std::optional<Value>>()),
        core_(std::move(label), body(std::move(callable), value_), std::move(options)) {}

  // Never blocks: a call still running is left behind (see Lifetimes above).
  ~Call() = default;

  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  // The label given to the constructor. Never blocks.
  const std::string& label() const { return core_.label(); }

  // True once the call has returned (or thrown, with CallExceptions::kept). Never blocks for
  // long.
  bool returned() const { return core_.returned(); }

  // Blocks until the call has returned (true) or `safety_net` has passed (false): a failure of
  // the test, never a way to order events. Never throws.
  bool wait_returned(std::chrono::steady_clock::duration safety_net = std::chrono::seconds(5))
      const {
    return core_.wait_returned(safety_net);
  }

  // Blocks until the call has returned, however long that takes: only the watchdog ends a test
  // stuck here. For a teardown that has unblocked the call and must not leave it behind. Never
  // throws.
  void wait_returned_without_safety_net() const { core_.wait_returned_without_safety_net(); }

  // What the call returned: nullopt until it has returned, and when it threw (see threw()).
  // Never blocks for long.
  std::optional<R> result() const
    requires(!std::is_void_v<R>)
  {
    if (!core_.returned()) return std::nullopt;
    return *value_;  // written once, before returned() turned true: no lock needed
  }

  // The what() of the exception the call threw (CallExceptions::kept), or "" (it has not
  // returned, or returned normally). Never blocks for long.
  std::string threw() const { return core_.threw(); }

  // What the call's thread is parked in among the conc operations conc::debug lists
  // ("WaitGroup::wait (0x..)", "channel receive (chan 0x..)"), or "" when it is not parked in
  // one (it runs, waits in something else, or has returned). A snapshot: it may be stale as soon
  // as it returns. Never blocks for long. Throws std::logic_error for a call run as a goroutine.
  std::string parked_in() const { return core_.parked_in(); }
  bool parked() const { return !parked_in().empty(); }

  // How conc::debug::blocked_threads() names the call's thread ("thread 1403..."), to read its
  // snapshot directly; "" for a call run as a goroutine. Never blocks.
  const std::string& thread() const { return core_.thread(); }

 private:
  using Value = std::conditional_t<std::is_void_v<R>, bool, R>;  // bool: unused for void

  static std::function<void()> body(std::function<R()> callable,
                                    std::shared_ptr<std::optional<Value>> value) {
    if (!callable) return {};  // CallCore rejects it
    if constexpr (std::is_void_v<R>) {
      return callable;
    } else {
      return [callable = std::move(callable), value = std::move(value)] {
        value->emplace(callable());
      };
    }
  }

  // Shared with the call's thread, which writes it once, before the call counts as returned.
  const std::shared_ptr<std::optional<Value>> value_;
  internal::CallCore core_;  // last: it starts the call, which may write value_ at once
};

}  // namespace workshop
