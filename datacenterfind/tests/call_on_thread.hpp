// A call of the pattern under test (wait_group, scatter_gather), made on a thread of its own
// (workshop::Call, workshop/call.hpp) so that the test's thread stays free to answer the fakes one
// by one and to watch what the calling thread does meanwhile. Used by the suites of exercises 1
// and 2.
//
//   FakeDatacenters dcs;  ... dcs.add("SBG") ...
//   CallOnThread call(dcs, "wait_group", [finders = dcs.finders()] {
//     datacenterfind::wait_group("file.txt", finders);
//   });
//   ... call.parked() ... dcs.fakes[0]->answer(); ... call.wait_returned() ...
//
// OnThreadSuite, at the end, is the fixture both suites derive from.
//
// What the suites learn from it, without sleeping:
// - parked_in(): what the calling thread is parked in, among the conc operations (a channel
//   receive, a select, WaitGroup::wait...) that conc::debug::blocked_threads() lists. A pattern
//   parks only to wait for its goroutines or their results.
// - launched(): how many goroutines were started since the call began and still run
//   (conc::goroutines() minus the count before it). go() counts a goroutine from its start.
// - ended_when_returned(): how many finds had ended at the moment the call returned.
//
// The destructor answers every fake still unanswered, then waits for the call to return (and, for
// a second at most, for its goroutines to end). A call stuck for good (a deadlock) can be left
// behind with give_up(), so that the test ends with its failure instead of a hang: the call must
// then own what it uses (capture the finders by value), as a goroutine must.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "conc/debug.hpp"
#include "conc/go.hpp"
#include "conc/testing/goroutines.hpp"
#include "conc/testing/log_capture.hpp"
#include "fake_finder.hpp"
#include "workshop/call.hpp"
#include "workshop/hint.hpp"
#include "workshop/journal.hpp"
#include "workshop/thread_probe.hpp"

namespace datacenterfind_tests::on_thread {

// How long a test waits for something that should happen at once before failing. Generous: it
// only turns a would-be hang into a failed assertion, and ThreadSanitizer runs 5-15x slower.
inline constexpr std::chrono::seconds kSafetyNet{5};

class CallOnThread {
 public:
  // Starts call() on a thread of its own; the journal's "call" lane shows it as `name`() from the
  // test's thread, and its end with the number of finds that had ended ("3 finds had ended"). An
  // exception that escapes call() ends the test program, as an exception escaping a thread does.
  CallOnThread(FakeDatacenters& dcs, std::string name, std::function<void()> call)
      : dcs_(dcs),
        goroutines_before_(conc::goroutines()),
        ended_when_returned_(std::make_shared<int>(0)),
        call_(std::move(name) + "()", std::move(call),
              {.runs_on = workshop::CallRunsOn::thread,
               .begin = workshop::CallBegin::in_constructor,
               .exceptions = workshop::CallExceptions::escape,
               // Shares the recorder: a call given up on may outlive this object.
               .end_detail = [recorder = dcs.recorder, ended = ended_when_returned_] {
                 *ended = recorder->ended();
                 return std::to_string(*ended) + " finds had ended";
               }}) {}

  ~CallOnThread() {
    if (given_up_) return;
    dcs_.answer_all();
    call_.wait_returned_without_safety_net();
    // Let the call's goroutines finish returning, so that none of them ends during the next
    // test and spoils its count of goroutines launched. Bounded: goroutines stuck for good (a
    // leak, which a test reports) stay stuck, and then the next test counts them as before.
    conc::testing::wait_goroutines(goroutines_before_, std::chrono::seconds(1));
  }

  CallOnThread(const CallOnThread&) = delete;
  CallOnThread& operator=(const CallOnThread&) = delete;

  // "wait_group()": the call's label in the journal.
  const std::string& label() const { return call_.label(); }

  bool returned() const { return call_.returned(); }

  // Blocks until the call returned (true) or the safety net passed (false).
  bool wait_returned(std::chrono::seconds safety_net = kSafetyNet) {
    return call_.wait_returned(safety_net);
  }

  // Finds that had ended when the call returned (-1 while it has not).
  int ended_when_returned() const {
    return call_.returned() ? *ended_when_returned_ : -1;  // written before it counted as returned
  }

  // What the calling thread is parked in ("WaitGroup::wait (0x..)"), or "" when it is not parked
  // in a conc operation.
  std::string parked_in() const { return call_.parked_in(); }
  bool parked() const { return call_.parked(); }

  // True when the call can never return: its thread waits in WaitGroup::wait() while goroutines
  // wait to send on a channel, and it is the one meant to receive (after its wait: too late).
  bool waits_for_senders_it_should_receive_from() const {
    bool caller_waits = false;
    bool someone_sends = false;
    for (const auto& blocked : conc::debug::blocked_threads()) {
      if (blocked.thread == call_.thread()) {
        caller_waits = blocked.operation.rfind("WaitGroup::wait", 0) == 0;
      } else if (blocked.operation.rfind("channel send", 0) == 0) {
        someone_sends = true;
      }
    }
    return caller_waits && someone_sends;
  }

  // Goroutines started since the call began and still running.
  std::size_t launched() const {
    const std::size_t now = conc::goroutines();
    return now > goroutines_before_ ? now - goroutines_before_ : 0;
  }
  std::size_t goroutines_before() const { return goroutines_before_; }

  // For a call stuck for good: leaves its thread behind (it owns what it uses) so that the test
  // can end with its failure instead of hanging in the destructor.
  void give_up() {
    workshop::record("the test gives up on " + call_.label() + ": its thread is left blocked");
    given_up_ = true;
  }

 private:
  FakeDatacenters& dcs_;
  const std::size_t goroutines_before_;
  const std::shared_ptr<int> ended_when_returned_;  // written by end_detail, on the call's thread
  bool given_up_ = false;
  workshop::Call<> call_;  // last: it starts the call
};

// How a scatter went: what wait_all_started() saw.
enum class Scatter {
  AllStarted,        // every find started, none answered yet: they run at once
  CallerWaitsEarly,  // the calling thread is parked (in a find, a receive, a wait) while fewer
                     // goroutines than finds were launched: it waits before launching them all
  TimedOut,          // neither within the safety net
};

// Blocks until all n finds have started, or the calling thread is parked in a conc operation
// while fewer than n goroutines were launched and fewer than n finds started. No find is
// answered meanwhile, so a pattern that asks one datacenter at a time cannot start the second:
// its calling thread waits, for good, with one goroutine launched (or none, when the find runs
// on the calling thread). A right pattern parks only once it launched them all.
inline Scatter wait_all_started(const CallOnThread& call, const Recorder& recorder, int n) {
  Scatter seen = Scatter::TimedOut;
  workshop::wait_until(
      [&] {
        if (recorder.started() >= n) {
          seen = Scatter::AllStarted;
        } else if (call.parked() && call.launched() < static_cast<std::size_t>(n) &&
                   recorder.started() < n) {
          seen = Scatter::CallerWaitsEarly;
        }
        return seen != Scatter::TimedOut;
      },
      kSafetyNet);
  if (seen == Scatter::CallerWaitsEarly) {
    workshop::record(call.label() + " is waiting (" + call.parked_in() + ") with " +
                     std::to_string(call.launched()) + " goroutine(s) launched and " +
                     std::to_string(recorder.started()) + " of " + std::to_string(n) +
                     " finds started, none answered");
  }
  return seen;
}

// The fixture of the suites of exercises 1 and 2: the fakes, a call of the pattern on a thread of
// its own, and the check that all its finds run at once. Each suite gives the words of its hints.
class OnThreadSuite : public ::testing::Test {
 protected:
  struct Hints {
    const char* pattern;      // "wait_group": the call's name, in the journal and the messages
    const char* all_at_once;  // the hint when the finds do not all run at once
    const char* waits_early;  // what the pattern does wrong when it waits with fewer goroutines
                              // launched than finds: "it asks one datacenter at a time"
  };

  explicit OnThreadSuite(Hints hints) : hints_(hints) {}

  // Starts pattern(finders) with fakes of these names, on a thread of its own. `pattern` must own
  // what it uses (capture by value): a call stuck for good outlives the test.
  std::unique_ptr<CallOnThread> start(const std::vector<std::string>& names,
                                      std::function<void(const datacenterfind::Finders&)> pattern) {
    for (const auto& name : names) dcs_.add(name);
    return std::make_unique<CallOnThread>(
        dcs_, hints_.pattern,
        [finders = dcs_.finders(), pattern = std::move(pattern)] { pattern(finders); });
  }

  // Fails the test (true) unless all n finds are running at once.
  bool not_all_at_once(const CallOnThread& call, int n) {
    const Scatter seen = wait_all_started(call, *dcs_.recorder, n);
    if (seen == Scatter::AllStarted) return false;
    workshop::Hint hint(hints_.all_at_once);
    if (seen == Scatter::CallerWaitsEarly && call.launched() == 0) {
      ADD_FAILURE() << hints_.pattern
                    << " called find() itself, on the calling thread, and is stuck in it "
                    << "waiting for " << first_started() << "'s answer: "
                    << "no goroutine was launched, so no other datacenter can be asked meanwhile. "
                    << "The test answers no find until all " << n << " have started.";
    } else if (seen == Scatter::CallerWaitsEarly) {
      ADD_FAILURE() << hints_.pattern << " is waiting (" << call.parked_in()
                    << ") after launching only " << call.launched() << " goroutine(s), with "
                    << dcs_.recorder->started() << " of " << n
                    << " finds started: " << hints_.waits_early << ". "
                    << "The test answers no find until all " << n << " have started.";
    } else {
      ADD_FAILURE() << "only " << dcs_.recorder->started() << " of " << n
                    << " finds started within " << kSafetyNet.count()
                    << " s, while none was answered: the finds do not all run at once.";
    }
    return true;
  }

  // Answers SBG and GRA, the first two of three fakes, and waits until their finds have ended,
  // then until the call has returned or is parked (waiting for BHS, as it should). The failure of
  // a find to end is fatal: check HasFatalFailure() after it.
  void answer_all_but_bhs(const CallOnThread& call) {
    dcs_.fakes[0]->answer();
    dcs_.fakes[1]->answer();
    ASSERT_TRUE(dcs_.recorder->wait_ended(2)) << "SBG and GRA were answered but their finds did "
                                                 "not return (a fake's fault, not yours)";
    workshop::wait_until([&] { return call.returned() || call.parked(); }, kSafetyNet);
  }

  // Records the lines logged during a call over SBG and GRA (answered found and not found), then
  // checks them: "starting find" for each, and "got result" with what each found.
  static void expect_logged_a_find_of_sbg_and_gra(const conc::testing::LogCapture& capture) {
    for (const auto& line : capture.lines()) workshop::record("logged: " + line);
    EXPECT_TRUE(capture.contains("starting find", "datacenter", "SBG"));
    EXPECT_TRUE(capture.contains("starting find", "datacenter", "GRA"));
    EXPECT_TRUE(capture.contains("got result", "datacenter", "SBG", "found", true));
    EXPECT_TRUE(capture.contains("got result", "datacenter", "GRA", "found", false));
  }

  // The datacenter whose find started first, for messages.
  std::string first_started() const {
    const auto started = dcs_.recorder->with("started");
    return started.empty() ? std::string("a datacenter") : started.front();
  }

  FakeDatacenters dcs_;

 private:
  Hints hints_;
};

}  // namespace datacenterfind_tests::on_thread
