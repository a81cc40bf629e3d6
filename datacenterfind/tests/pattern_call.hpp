// Runs one call of a pattern on a thread of its own, so that the test can answer the fakes while
// the pattern waits for them, and wait for the call to return with a safety net instead of
// hanging. Used by the redundant and err_group suites.
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

#include "conc/debug.hpp"
#include "workshop/journal.hpp"

namespace datacenterfind_tests {

template <class R>
class PatternCall {
 public:
  // Starts `call` on a new thread; `what` names it in the journal ("redundant(SBG, GRA)").
  PatternCall(std::string what, std::function<R()> call) : state_(std::make_shared<State>()) {
    state_->what = std::move(what);
    std::thread([state = state_, call = std::move(call)] {
      {
        std::ostringstream id;
        id << std::this_thread::get_id();
        std::lock_guard lock(state->mutex);
        state->thread = "thread " + id.str();  // as conc::debug names a thread not started by go
      }
      workshop::record_begin("call", state->what);
      std::optional<R> result;
      std::string threw;
      try {
        result.emplace(call());
      } catch (const std::exception& e) {
        threw = e.what();
      } catch (...) {
        threw = "an exception that is not a std::exception";
      }
      if (threw.empty()) {
        workshop::record_end("call", "returned");
      } else {
        workshop::record_end("call", "threw: " + threw, workshop::Ending::stopped);
      }
      {
        std::lock_guard lock(state->mutex);
        state->result = std::move(result);
        state->threw = std::move(threw);
        state->returned = true;
      }
      state->changed.notify_all();
    }).detach();  // a call that never returns must not hang the test: the thread is left behind
  }

  // Blocks until the call returned (true) or the safety net passed (false).
  bool wait(std::chrono::seconds safety_net = std::chrono::seconds(5)) const {
    std::unique_lock lock(state_->mutex);
    return state_->changed.wait_for(lock, safety_net, [&] { return state_->returned; });
  }

  bool returned() const {
    std::lock_guard lock(state_->mutex);
    return state_->returned;
  }

  // What the call returned; nullopt until it returned, or when it threw (see threw()).
  std::optional<R> result() const {
    std::lock_guard lock(state_->mutex);
    return state_->result;
  }

  // The what() of the exception the call threw, or "".
  std::string threw() const {
    std::lock_guard lock(state_->mutex);
    return state_->threw;
  }

  // True when the calling thread is parked in a conc operation right now (a channel, a select, a
  // WaitGroup's or an ErrGroup's wait...): it waits for something, and is not on its way out.
  bool parked_in_conc() const {
    std::string thread;
    {
      std::lock_guard lock(state_->mutex);
      thread = state_->thread;
    }
    if (thread.empty()) return false;
    for (const auto& blocked : conc::debug::blocked_threads()) {
      if (blocked.thread == thread) return true;
    }
    return false;
  }

 private:
  // Shared with the thread, which may outlive the test.
  struct State {
    std::mutex mutex;
    std::condition_variable changed;
    std::string what;         // written before the thread starts
    std::string thread;       // guarded by mutex
    bool returned = false;    // guarded by mutex
    std::optional<R> result;  // guarded by mutex
    std::string threw;        // guarded by mutex
  };
  std::shared_ptr<State> state_;
};

}  // namespace datacenterfind_tests
