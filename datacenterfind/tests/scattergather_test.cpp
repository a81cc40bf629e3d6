// Tests of datacenterfind/2: scatter_gather(), one goroutine per find, every result gathered
// through a channel in the order the finds complete.
//
// The finders are fakes (fake_finder.hpp): each find blocks until the test answers it, so the
// test decides the order in which the datacenters complete and checks that the results come back
// in that order. Concurrency is a fact the test waits for (all finds started while none was
// answered); a pattern that gathers before it has scattered everything is seen waiting with
// fewer goroutines launched, and reported at once (wait_all_started, call_on_thread.hpp).
//
// Two mistakes do not end as a plain failed assertion unless the suite takes care:
// - closing the results channel while workers may still send: the send throws in a goroutine,
//   which ends the program (Go panics). The first test runs that scenario in a child process
//   (a GoogleTest death test), so the student reads a failed test, with the panic message and a
//   hint, before any other test runs into the crash;
// - a channel with no room, gathered only after wg.wait(): the workers wait to send, the caller
//   waits for the workers. The test recognises that deadlock (call_on_thread.hpp) and fails,
//   leaving the stuck call behind, instead of hanging until the watchdog.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "call_on_thread.hpp"
#include "conc/debug.hpp"
#include "conc/testing.hpp"
#include "fake_finder.hpp"
#include "patterns.hpp"
#include "workshop/hint.hpp"
#include "workshop/journal.hpp"
#include "workshop/thread_probe.hpp"

namespace {

using datacenterfind::Result;
using datacenterfind_tests::on_thread::CallOnThread;
using datacenterfind_tests::on_thread::kSafetyNet;

constexpr const char* kScatterFirst =
    "Scatter first, then gather: a loop that starts one goroutine per finder (each sends its "
    "Result into the channel), and only after it, the loop that receives. Calling find() in the "
    "loop (the skeleton), or receiving in the same loop that launches, waits for one datacenter "
    "before asking the next.";

constexpr const char* kGatherUntilClosed =
    "Gather with `for (Result result : results)`: it receives until the channel is closed and "
    "drained, so scatter_gather returns once every worker has sent. Close the channel when every "
    "worker is done: a goroutine that runs wg.wait() then results.close().";

constexpr const char* kRoomForEveryResult =
    "Make the channel with room for every result, conc::make_chan<Result>(finders.size()), and "
    "gather while the workers run: close it from a goroutine of its own ([wg, results] { "
    "wg->wait(); results.close(); }), not from scatter_gather before it gathers. With no room, a "
    "worker's send waits for a receiver, and the only receiver waits in wg.wait() for the "
    "workers: neither ever moves (a deadlock).";

class ScatterGatherTest : public datacenterfind_tests::on_thread::OnThreadSuite {
 protected:
  ScatterGatherTest()
      : OnThreadSuite({.pattern = "scatter_gather",
                       .all_at_once = kScatterFirst,
                       .waits_early = "it gathers before it has scattered every find"}) {}

  // Starts scatter_gather("file.txt", ...) with fakes of these names, on a thread of its own.
  std::unique_ptr<CallOnThread> call_with(const std::vector<std::string>& names) {
    return start(names, [gathered = gathered_](const datacenterfind::Finders& finders) {
      auto results = datacenterfind::scatter_gather("file.txt", finders);
      std::lock_guard lock(gathered->mutex);
      gathered->results = std::move(results);
    });
  }

  // Fails the test (false) unless the call returns now that every find was answered; a call
  // stuck for good is left behind, so that the test ends with its failure.
  bool returns(CallOnThread& call) {
    workshop::wait_until(
        [&] { return call.returned() || call.waits_for_senders_it_should_receive_from(); },
        kSafetyNet);
    if (call.returned()) return true;
    const bool deadlock = call.waits_for_senders_it_should_receive_from();
    workshop::record("still blocked: " + conc::debug::describe_blocked());
    workshop::Hint hint(deadlock ? kRoomForEveryResult : kGatherUntilClosed);
    if (deadlock) {
      ADD_FAILURE() << "Deadlock: every find was answered, and scatter_gather waits in "
                    << call.parked_in() << " while its workers wait to send their results "
                    << "(what is blocked is in the journal below).";
    } else {
      ADD_FAILURE() << "scatter_gather did not return within " << kSafetyNet.count()
                    << " s of the last answer; it waits in "
                    << (call.parked() ? call.parked_in() : std::string("no conc operation"))
                    << " (what is blocked is in the journal below).";
    }
    call.give_up();
    return false;
  }

  // The scenario of ClosesTheChannelOnlyOnceEveryWorkerHasSent, run in a child process: answers
  // every find, waits for the call and for its goroutines, and ends the child with 0. A worker
  // that sends on a closed channel kills the child first.
  [[noreturn]] void gather_all_then_exit() {
    auto call = call_with({"SBG", "GRA", "BHS"});
    datacenterfind_tests::on_thread::wait_all_started(*call, *dcs_.recorder, 3);
    dcs_.answer_all();
    workshop::wait_until(
        [&] { return call->returned() || call->waits_for_senders_it_should_receive_from(); },
        kSafetyNet);
    if (call->returned()) {
      // Late senders send now, if ever.
      conc::testing::wait_goroutines(call->goroutines_before(), kSafetyNet);
    }
    // Stuck for good otherwise: nothing more is sent. Other tests say why.
    std::_Exit(0);
  }

  std::vector<Result> gathered() const {
    std::lock_guard lock(gathered_->mutex);
    return gathered_->results;
  }

  void record_gathered() const {
    std::string names;
    for (const auto& result : gathered()) {
      names += " " + (result.datacenter ? result.datacenter->name() : std::string("(null)")) +
               (result.found ? ":found" : ":not-found");
    }
    workshop::record("scatter_gather returned:" +
                     (names.empty() ? std::string(" nothing") : names));
  }

  struct Gathered {
    std::mutex mutex;
    std::vector<Result> results;  // guarded by mutex
  };

  std::shared_ptr<Gathered> gathered_ = std::make_shared<Gathered>();
};

// First, so that a program ended by this mistake has already shown this test's verdict and hint:
// the tests after it run the same mistake in the test binary itself, and the panic ends it.
TEST_F(ScatterGatherTest, ClosesTheChannelOnlyOnceEveryWorkerHasSent) {
  workshop::Hint hint(
      "A worker sent its result on a channel that was already closed: conc throws \"send on "
      "closed channel\" in that goroutine, and, as Go's panic, that ends the program (the message "
      "above, after \"Actual msg\"). Close the channel only once every worker has sent: in a "
      "goroutine of its own that first waits for them (wg.wait(); results.close();), never right "
      "after the launching loop.");
  // The scenario runs in a child process: if it ends the program, only the child dies, and this
  // test reports how. It passes when the child ends normally.
  EXPECT_EXIT(gather_all_then_exit(), ::testing::ExitedWithCode(0), "")
      << "scatter_gather of SBG, GRA and BHS, all answered, must end without killing the program "
         "(how the child process died is above)";
}

TEST_F(ScatterGatherTest, StartsEveryFindBeforeGatheringAny) {
  auto call = call_with({"SBG", "GRA", "BHS"});
  if (not_all_at_once(*call, 3)) return;
  dcs_.answer_all();
  returns(*call);
}

TEST_F(ScatterGatherTest, GathersEveryResultOnceTaggedWithItsDatacenter) {
  auto call = call_with({"SBG", "GRA", "BHS"});
  if (not_all_at_once(*call, 3)) return;
  dcs_.fakes[0]->answer(true);   // SBG has it
  dcs_.fakes[1]->answer(false);  // GRA has not
  dcs_.fakes[2]->answer(true);   // BHS has it
  if (!returns(*call)) return;
  record_gathered();

  workshop::Hint hint(
      "Each worker sends one Result{finder, finder->find(resource)}: ITS finder (captured by "
      "value in the goroutine: [finder]), and what that find returned. The gatherer appends "
      "every Result it receives, once.");
  const auto results = gathered();
  EXPECT_EQ(results.size(), 3u) << "results gathered from 3 datacenters";
  std::map<std::string, int> seen;
  for (const auto& result : results) {
    ASSERT_NE(result.datacenter, nullptr) << "a Result with no datacenter";
    ++seen[result.datacenter->name()];
    const bool expected = result.datacenter->name() != "GRA";
    EXPECT_EQ(result.found, expected) << "found, in the Result of " << result.datacenter->name();
  }
  for (std::size_t i = 0; i < dcs_.fakes.size(); ++i) {
    const auto& fake = dcs_.fakes[i];
    EXPECT_EQ(seen[fake->name()], 1) << "results tagged " << fake->name();
    bool same_finder = false;
    for (const auto& result : results) same_finder |= result.datacenter == fake;
    EXPECT_TRUE(same_finder) << "no Result holds the very finder " << fake->name()
                             << " (the shared_ptr scatter_gather was given)";
  }
}

TEST_F(ScatterGatherTest, GathersResultsInTheOrderTheFindsComplete) {
  auto call = call_with({"SBG", "GRA", "BHS"});
  if (not_all_at_once(*call, 3)) return;

  // The test picks the order: BHS, then SBG, then GRA, each once the previous one's worker has
  // ended, that is, has sent its result (or given it to the gatherer).
  const std::vector<std::pair<std::size_t, std::string>> order{{2, "BHS"}, {0, "SBG"}, {1, "GRA"}};
  // Once the calling thread waits, it has started every goroutine it starts before gathering
  // (the workers and the closer), so from then on the count of goroutines only falls, by one
  // as each worker ends.
  workshop::wait_until([&] { return call->parked() || call->returned(); }, kSafetyNet);
  for (const auto& [index, name] : order) {
    const std::size_t running = call->launched();
    workshop::record("the test answers " + name);
    dcs_.fakes[index]->answer();
    const bool sent = workshop::wait_until(
        [&] {
          return call->launched() < running || call->waits_for_senders_it_should_receive_from();
        },
        kSafetyNet);
    if (call->waits_for_senders_it_should_receive_from()) {  // returns() below says it
      dcs_.answer_all();
      break;
    }
    if (!sent) {
      workshop::Hint hint(
          "Each worker sends its Result into the channel and ends: with room for every result "
          "(conc::make_chan<Result>(finders.size())), its send never waits for the gatherer.");
      ADD_FAILURE() << "after " << name << "'s answer, no goroutine of scatter_gather ended within "
                    << kSafetyNet.count() << " s: " << name << "'s worker did not send and end";
      dcs_.answer_all();
      break;
    }
  }
  if (!returns(*call)) return;
  record_gathered();

  std::vector<std::string> names;
  for (const auto& result : gathered()) {
    names.push_back(result.datacenter ? result.datacenter->name() : "(null)");
  }
  workshop::Hint hint(
      "Return the results in the order they were received from the channel: the order in which "
      "the finds completed, not the order of the finders. Append each one in the gathering loop.");
  EXPECT_EQ(names, (std::vector<std::string>{"BHS", "SBG", "GRA"}));
}

TEST_F(ScatterGatherTest, ReturnsOnlyOnceEveryResultIsIn) {
  auto call = call_with({"SBG", "GRA", "BHS"});
  if (not_all_at_once(*call, 3)) return;

  // BHS is still searching: scatter_gather must be waiting for its result.
  answer_all_but_bhs(*call);
  if (HasFatalFailure()) return;
  {
    workshop::Hint hint(kGatherUntilClosed);
    EXPECT_FALSE(call->returned()) << "scatter_gather returned while BHS's find was still running";
  }

  workshop::record("the test answers BHS, the last one");
  dcs_.fakes[2]->answer();
  if (!returns(*call)) return;
  record_gathered();
  workshop::Hint hint(kGatherUntilClosed);
  EXPECT_EQ(call->ended_when_returned(), 3) << "finds that had ended when scatter_gather returned";
  EXPECT_EQ(gathered().size(), 3u) << "results gathered from 3 datacenters";
}

TEST_F(ScatterGatherTest, LogsStartingFindForEachDatacenter) {
  conc::testing::LogCapture capture;
  auto call = call_with({"SBG", "GRA"});
  if (not_all_at_once(*call, 2)) return;
  dcs_.fakes[0]->answer(true);
  dcs_.fakes[1]->answer(false);
  if (!returns(*call)) return;
  workshop::Hint hint(
      "Log conc::log::info(\"starting find\", \"datacenter\", finder->name()) in each worker, "
      "before its find, and \"got result\" (with \"datacenter\" and \"found\") in the gathering "
      "loop, once per result received.");
  expect_logged_a_find_of_sbg_and_gra(capture);
}

TEST_F(ScatterGatherTest, LeavesNoGoroutineRunningOnceItReturns) {
  auto call = call_with({"SBG", "GRA", "BHS"});
  if (not_all_at_once(*call, 3)) return;
  dcs_.answer_all();
  if (!returns(*call)) return;
  workshop::Hint hint(
      "Every goroutine scatter_gather starts must end soon after it returns: the workers once "
      "they have sent (the channel has room for every result, so no send waits), the closer "
      "once it has closed the channel. A goroutine still running is blocked for good: a send on "
      "a full channel nobody reads any more, or a wait for a WaitGroup that never reaches zero.");
  EXPECT_TRUE(conc::testing::wait_goroutines(call->goroutines_before(), kSafetyNet))
      << conc::goroutines() - call->goroutines_before() << " goroutine(s) still running "
      << kSafetyNet.count()
      << " s after scatter_gather returned: " << conc::debug::describe_blocked();
}

TEST_F(ScatterGatherTest, ReturnsNothingAtOnceWithNoDatacenters) {
  auto call = call_with({});
  if (!returns(*call)) return;
  workshop::Hint hint("With no finders there is nothing to gather: an empty vector.");
  EXPECT_TRUE(gathered().empty());
}

}  // namespace
