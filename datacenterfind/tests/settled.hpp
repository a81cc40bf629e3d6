// For the semaphore suites (exercises 6 and 7): run a pattern in a goroutine, and wait until
// nothing can move any more without the test — every goroutine parked in a conc operation.
//
// A semaphore holds finds back: "no more than 2 started" is only worth checking once the others
// have had every chance to start. They have when every goroutine is parked — the finds in
// flight inside the fakes, the rest waiting on the semaphore, the call itself in its wait:
// then no goroutine runs, so none can start a find until the test answers one. No sleep, and
// nothing that depends on where the pattern blocks (inside the goroutines, as Go's version,
// or in the launching loop).
//
// One blind spot: a goroutine that was just woken (its channel got a value) but has not run
// yet still shows as parked. So "settled" proves nothing about what must still happen. The
// suites use it one way only: first wait for what must happen (Recorder::wait_started(n)),
// then settle, then check that nothing more than that happened. A goroutine is woken only by
// another that runs, so before the test answers any find the skeleton wakes nobody, and the
// check is exact.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "conc/debug.hpp"
#include "conc/go.hpp"
#include "conc/testing/goroutines.hpp"
#include "fake_finder.hpp"
#include "workshop/call.hpp"
#include "workshop/hint.hpp"
#include "workshop/journal.hpp"
#include "workshop/thread_probe.hpp"

namespace datacenterfind_tests {

inline constexpr std::chrono::seconds kSafetyNet{5};

// True when every running goroutine is parked in a conc operation (channel, select, WaitGroup,
// semaphore). The count is read before and after the snapshot: a goroutine started meanwhile
// is running, not parked, and makes the counts disagree.
inline bool every_goroutine_parked() {
  const std::size_t before = conc::goroutines();
  std::size_t parked = 0;
  for (const auto& thread : conc::debug::blocked_threads()) {
    if (thread.thread.starts_with("goroutine ")) ++parked;
  }
  return parked == before && conc::goroutines() == before;
}

// Blocks until every goroutine shows as parked (true), or the safety net passed (false: some
// goroutine keeps running, or waits outside conc: a std::mutex, a std::counting_semaphore, a
// busy loop).
inline bool wait_settled() {
  return workshop::wait_until(every_goroutine_parked, kSafetyNet);
}

// The fakes whose find started and has not ended yet, oldest first.
inline std::vector<std::shared_ptr<FakeFinder>> in_flight(const FakeDatacenters& dcs) {
  std::vector<std::string> names;
  for (const auto& e : dcs.recorder->events()) {
    if (e.what == "started") {
      names.push_back(e.datacenter);
    } else if (const auto it = std::find(names.begin(), names.end(), e.datacenter);
               it != names.end()) {
      names.erase(it);
    }
  }
  std::vector<std::shared_ptr<FakeFinder>> fakes;
  for (const auto& name : names) {
    for (const auto& fake : dcs.fakes) {
      if (fake->name() == name) fakes.push_back(fake);
    }
  }
  return fakes;
}

// The fixture of the semaphore suites: the fakes, the call under test, and the checks every test
// ends with (the call returned once every find was answered; it left no goroutine behind). Each
// suite gives the words of its hints.
class SettledSuite : public ::testing::Test {
 protected:
  struct Hints {
    const char* pattern;        // "semaphore"
    const char* not_returned;   // every find answered, and the call has not returned
    const char* leaked;         // the call returned, and a goroutine still runs
    const char* never_settled;  // some goroutine never parked in conc
  };

  explicit SettledSuite(Hints hints) : hints_(hints) {}

  void SetUp() override { baseline_ = conc::goroutines(); }

  void TearDown() override {
    dcs_.answer_all();  // whatever happened, let every find end
    // A test that failed has said what went wrong; a pattern stuck for the same reason would
    // only add a second message, and 5 s more, per test. Give it a moment to return (so that
    // its goroutines do not write into the next test's journal), and leave it.
    if (HasFailure()) {
      if (call_) call_->wait_returned(kCleanUp);
      return;
    }
    if (call_) {
      workshop::Hint hint(hints_.not_returned);
      if (!call_->wait_returned()) {
        ADD_FAILURE() << call_->label() << " had not returned 5 s after every find was answered";
        return;  // its goroutines are stuck too: the leak check below would only wait 5 s more
      }
    }
    workshop::Hint hint(hints_.leaked);
    EXPECT_TRUE(conc::testing::wait_goroutines(baseline_, kSafetyNet))
        << conc::goroutines() - baseline_ << " goroutine(s) left behind";
  }

  // Starts call() in a goroutine (not a std::thread: the call itself must count among the
  // goroutines that every_goroutine_parked() waits for, or the test could look while it is still
  // starting goroutines), so that the test can watch it block; `label` names it in the journal.
  void start_call(std::string label, std::function<void()> call) {
    call_.emplace(std::move(label), std::move(call),
                  workshop::CallOptions{.runs_on = workshop::CallRunsOn::goroutine,
                                        .begin = workshop::CallBegin::in_constructor,
                                        .exceptions = workshop::CallExceptions::escape});
  }

  // Waits until every goroutine is parked, so that no more finds can start by themselves;
  // records `what` then. Fails the test (with `hint`, else the suite's never_settled hint) and
  // returns false when that never happens.
  bool settle_and_record(const std::string& what, const char* hint = nullptr) {
    if (wait_settled()) {
      workshop::record("test: every goroutine is parked; " + what);
      return true;
    }
    workshop::Hint shown(hint != nullptr ? hint : hints_.never_settled);
    ADD_FAILURE() << "5 s after " << hints_.pattern
                  << "() was called, some goroutine was still not parked";
    return false;
  }

  std::vector<std::shared_ptr<FakeFinder>> in_flight() const {
    return datacenterfind_tests::in_flight(dcs_);
  }

  Recorder& recorder() const { return *dcs_.recorder; }

  // After a failure, how long TearDown waits for the pattern to return before the next test.
  static constexpr std::chrono::milliseconds kCleanUp{500};

  FakeDatacenters dcs_;
  std::optional<workshop::Call<>> call_;  // the call under test, once start_call() started it
  std::size_t baseline_ = 0;

 private:
  Hints hints_;
};

}  // namespace datacenterfind_tests
