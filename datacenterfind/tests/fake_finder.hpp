// Instrumented finders for the datacenterfind suites: each find blocks until the test answers
// it (or its context is done), and a shared Recorder keeps what happened — who started, who
// ended and how, how many were in flight and how much weight — for assertions and for the
// journal and the timeline printed under a failure. No sleeps: the test decides when each datacenter answers.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/select.hpp"
#include "finder.hpp"
#include "workshop/journal.hpp"

namespace datacenterfind_tests {

using datacenterfind::FindResult;
using datacenterfind::Finder;

// What the fakes of one test saw, in order. Thread-safe.
class Recorder {
 public:
  struct Event {
    std::string datacenter;
    std::string what;  // "started", "answered", "failed", "cancelled"
  };

  void started(const std::string& name, std::int64_t weight) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back({name, "started"});
      ++started_;
      ++in_flight_;
      weight_in_flight_ += weight;
      max_in_flight_ = std::max(max_in_flight_, in_flight_);
      max_weight_in_flight_ = std::max(max_weight_in_flight_, weight_in_flight_);
      workshop::record_begin(name, "started",
                             std::to_string(in_flight_) + " in flight, weight " +
                                 std::to_string(weight_in_flight_));
    }
    changed_.notify_all();
  }

  void ended(const std::string& name, std::int64_t weight, const std::string& how) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back({name, how});
      ++ended_;
      --in_flight_;
      weight_in_flight_ -= weight;
      workshop::record_end(name, how,
                           how == "answered" ? workshop::Ending::completed : workshop::Ending::stopped,
                           std::to_string(in_flight_) + " in flight");
    }
    changed_.notify_all();
  }

  // Blocks until at least n finds have started (true), or the safety net passed (false).
  bool wait_started(int n, std::chrono::seconds safety_net = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, safety_net, [&] { return started_ >= n; });
  }

  // Blocks until at least n finds have ended, or the safety net passed (false).
  bool wait_ended(int n, std::chrono::seconds safety_net = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, safety_net, [&] { return ended_ >= n; });
  }

  int started() const { return locked([&] { return started_; }); }
  int ended() const { return locked([&] { return ended_; }); }
  int in_flight() const { return locked([&] { return in_flight_; }); }
  int max_in_flight() const { return locked([&] { return max_in_flight_; }); }
  std::int64_t max_weight_in_flight() const { return locked([&] { return max_weight_in_flight_; }); }
  std::vector<Event> events() const { return locked([&] { return events_; }); }

  // The names of the datacenters that had `what` happen, in order ("started", "cancelled", ...).
  std::vector<std::string> with(const std::string& what) const {
    std::vector<std::string> names;
    for (const auto& e : events()) {
      if (e.what == what) names.push_back(e.datacenter);
    }
    return names;
  }

 private:
  template <class F>
  auto locked(F f) const -> decltype(f()) {  // explicit: used above its definition
    std::lock_guard lock(mutex_);
    return f();
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Event> events_;  // guarded by mutex_
  int started_ = 0;            // guarded by mutex_
  int ended_ = 0;              // guarded by mutex_
  int in_flight_ = 0;          // guarded by mutex_
  int max_in_flight_ = 0;      // guarded by mutex_
  std::int64_t weight_in_flight_ = 0;      // guarded by mutex_
  std::int64_t max_weight_in_flight_ = 0;  // guarded by mutex_
};

// A datacenter whose finds block until the test calls answer() or fail() (then every call, past
// and future, returns at once), or until the call's context is done.
class FakeFinder final : public Finder {
 public:
  FakeFinder(std::string name, std::shared_ptr<Recorder> recorder, std::int64_t weight = 10)
      : name_(std::move(name)), recorder_(std::move(recorder)), weight_(weight) {}

  // Makes the finds return `found` (at once, from now on). Call once per fake.
  void answer(bool found = true) {
    {
      std::lock_guard lock(mutex_);
      found_ = found;
    }
    gate_.close();
  }

  // Makes find_with_error() return `err` (and the other finds return false). Call once per fake.
  void fail(conc::Error err) {
    {
      std::lock_guard lock(mutex_);
      error_ = std::move(err);
    }
    gate_.close();
  }

  // As fail(), but find_with_context() returns `err` too (fail() makes it return false, no
  // error): a datacenter that cannot answer at all. Call once per fake, instead of fail().
  void fail_every_find(conc::Error err) {
    {
      std::lock_guard lock(mutex_);
      error_ = std::move(err);
      fail_every_find_ = true;
    }
    gate_.close();
  }

  // From now on, find_with_context/find_with_error wait for answer() or fail() only, not for
  // their context: a datacenter whose answer was already on its way when the cancellation came.
  // It is how a test makes two answers arrive "at once", deterministically: the second answers
  // after the pattern has taken the first and cancelled the others.
  void ignore_cancellation() {
    std::lock_guard lock(mutex_);
    ignore_cancellation_ = true;
  }

  // The contexts given to find_with_context/find_with_error so far, oldest call first. A test
  // reads ctx.err() to know whether a call had been cancelled at a given moment (at once, without
  // waiting for the call to notice).
  std::vector<conc::Context> contexts() const {
    std::lock_guard lock(mutex_);
    return contexts_;
  }

  std::string name() const override { return name_; }
  std::int64_t weight() const override { return weight_; }

  bool find(std::string_view) override {
    recorder_->started(name_, weight_);
    gate_.recv();  // not cancellable, as the real find()
    const auto [found, err] = outcome();
    recorder_->ended(name_, weight_, err ? "failed" : "answered");
    return found;
  }

  FindResult find_with_context(const conc::Context& ctx, std::string_view) override {
    return find_until(ctx, false);
  }

  FindResult find_with_error(const conc::Context& ctx, std::string_view) override {
    return find_until(ctx, true);
  }

 private:
  FindResult find_until(const conc::Context& ctx, bool may_fail) {
    bool ignore_cancellation = false;
    {
      std::lock_guard lock(mutex_);
      contexts_.push_back(ctx);
      ignore_cancellation = ignore_cancellation_;
    }
    recorder_->started(name_, weight_);
    bool answered = false;
    conc::select(conc::case_recv(gate_, [&] { answered = true; }),
                 conc::case_recv(ignore_cancellation ? conc::RecvChan<conc::Unit>() : ctx.done()));
    if (!answered) {
      recorder_->ended(name_, weight_, "cancelled");
      return {false, ctx.err()};
    }
    auto [found, err] = outcome();
    if (err && (may_fail || fails_every_find())) {
      recorder_->ended(name_, weight_, "failed");
      return {false, err};
    }
    recorder_->ended(name_, weight_, "answered");
    return {found && !err, conc::Error()};
  }

  bool fails_every_find() const {
    std::lock_guard lock(mutex_);
    return fail_every_find_;
  }

  std::pair<bool, conc::Error> outcome() const {
    std::lock_guard lock(mutex_);
    return {found_, error_};
  }

  const std::string name_;
  const std::shared_ptr<Recorder> recorder_;
  const std::int64_t weight_;
  const conc::Chan<conc::Unit> gate_ = conc::make_chan<conc::Unit>();  // closed by answer/fail
  mutable std::mutex mutex_;
  bool found_ = false;  // guarded by mutex_
  conc::Error error_;   // guarded by mutex_
  bool fail_every_find_ = false;      // guarded by mutex_
  bool ignore_cancellation_ = false;  // guarded by mutex_
  std::vector<conc::Context> contexts_;  // guarded by mutex_
};

// A test's fakes: named datacenters sharing one recorder.
struct FakeDatacenters {
  std::shared_ptr<Recorder> recorder = std::make_shared<Recorder>();
  std::vector<std::shared_ptr<FakeFinder>> fakes;

  // Adds a fake; returns it.
  std::shared_ptr<FakeFinder> add(const std::string& name, std::int64_t weight = 10) {
    fakes.push_back(std::make_shared<FakeFinder>(name, recorder, weight));
    return fakes.back();
  }

  // What the pattern under test takes.
  datacenterfind::Finders finders() const { return {fakes.begin(), fakes.end()}; }

  // Answers every fake that has not been answered yet (so nothing is left blocked).
  void answer_all(bool found = true) {
    for (auto& fake : fakes) {
      try {
        fake->answer(found);
      } catch (const conc::ClosedChannelError&) {
        // already answered or failed
      }
    }
  }
};

}  // namespace datacenterfind_tests
