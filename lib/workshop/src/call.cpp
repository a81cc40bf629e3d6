// workshop::Call, but for its result (call.hpp): the call's thread, its journal span, and the state
// it reports to, shared with that thread because a call left behind outlives its Call.

#include "workshop/call.hpp"

#include <condition_variable>
#include <exception>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "conc/debug.hpp"
#include "conc/go.hpp"
#include "workshop/journal.hpp"

namespace workshop::internal {

struct CallCore::State {
  std::string label;    // const once the call started
  CallOptions options;  // const once the call started
  std::mutex mutex;
  std::condition_variable changed;  // notified when returned turns true
  bool returned = false;            // guarded by mutex
  std::string threw;                // guarded by mutex
};

namespace {

std::string what_of(const std::exception_ptr& thrown) {
  try {
    std::rethrow_exception(thrown);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

}  // namespace

// On the call's thread: runs body and destroys it, ends the span, then publishes the outcome (in
// that order, so that a test that saw the call return records its next events after "call
// returned", and finds what the callable captured released).
void CallCore::run(const std::shared_ptr<State>& state, std::function<void()> body) {
  const CallOptions& options = state->options;
  if (options.begin == CallBegin::on_call_thread) record_begin("call", state->label);
  std::string threw;
  if (options.exceptions == CallExceptions::escape) {
    body();
  } else {
    try {
      body();
    } catch (...) {
      threw = what_of(std::current_exception());
      if (threw.empty()) threw = "an exception with an empty what()";  // "" means none
    }
  }
  body = nullptr;
  if (threw.empty()) {
    record_end("call", "returned", Ending::completed,
               options.end_detail ? options.end_detail() : std::string());
  } else {
    record_end("call", "threw: " + threw, Ending::stopped);
  }
  {
    std::lock_guard lock(state->mutex);
    state->returned = true;
    state->threw = std::move(threw);
  }
  state->changed.notify_all();
}

CallCore::CallCore(std::string label, std::function<void()> body, CallOptions options)
    : state_(std::make_shared<State>()), runs_on_(options.runs_on) {
  if (!body) throw std::invalid_argument("workshop::Call: no callable to call");
  state_->label = std::move(label);
  state_->options = std::move(options);
  if (state_->options.begin == CallBegin::in_constructor) record_begin("call", state_->label);
  // The call owns its share of the state and its body: it may outlive this object. Nothing joins
  // its thread: once the call returned, the thread only notifies and ends.
  auto call = [state = state_, body = std::move(body)]() mutable { run(state, std::move(body)); };
  if (runs_on_ == CallRunsOn::goroutine) {
    conc::go(std::move(call));
    return;
  }
  std::thread runner(std::move(call));
  std::ostringstream id;  // as conc::debug names a thread that conc::go did not start
  id << runner.get_id();
  thread_ = "thread " + id.str();
  runner.detach();
}

const std::string& CallCore::label() const { return state_->label; }

bool CallCore::returned() const {
  std::lock_guard lock(state_->mutex);
  return state_->returned;
}

bool CallCore::wait_returned(std::chrono::steady_clock::duration safety_net) const {
  std::unique_lock lock(state_->mutex);
  return state_->changed.wait_for(lock, safety_net, [&] { return state_->returned; });
}

void CallCore::wait_returned_without_safety_net() const {
  std::unique_lock lock(state_->mutex);
  state_->changed.wait(lock, [&] { return state_->returned; });
}

std::string CallCore::threw() const {
  std::lock_guard lock(state_->mutex);
  return state_->threw;
}

std::string CallCore::parked_in() const {
  if (runs_on_ == CallRunsOn::goroutine) {
    throw std::logic_error(
        "workshop::Call: parked_in() of a call run as a goroutine: conc::debug does not say "
        "which goroutine it is (run it on a thread: CallRunsOn::thread)");
  }
  for (const auto& blocked : conc::debug::blocked_threads()) {
    if (blocked.thread == thread_) return blocked.operation;
  }
  return "";
}

}  // namespace workshop::internal
