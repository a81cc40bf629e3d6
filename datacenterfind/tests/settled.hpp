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
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "conc/debug.hpp"
#include "conc/go.hpp"
#include "fake_finder.hpp"
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

// A call of the pattern under test, running in its own goroutine (not a std::thread: the call
// itself must count among the goroutines that every_goroutine_parked() waits for, or the test
// could look while it is still starting goroutines), so that the test can watch it block.
class GoroutineCall {
 public:
  GoroutineCall(std::string label, std::function<void()> call)
      : label_(std::move(label)), returned_(std::make_shared<std::atomic<bool>>(false)) {
    workshop::record(label_ + " called");
    conc::go([call = std::move(call), returned = returned_, label = label_] {
      call();
      workshop::record(label + " returned");
      returned->store(true);
    });
  }

  bool returned() const { return returned_->load(); }

  // Blocks until the call returned (true) or the safety net passed (false).
  bool wait_returned() const {
    return workshop::wait_until([returned = returned_] { return returned->load(); }, kSafetyNet);
  }

  const std::string& label() const { return label_; }

 private:
  std::string label_;
  std::shared_ptr<std::atomic<bool>> returned_;  // set once the call has returned
};

}  // namespace datacenterfind_tests
