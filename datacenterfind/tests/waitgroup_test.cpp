// Tests of datacenterfind/1: wait_group(), every find at once, return once all have ended.
//
// The finders are fakes (fake_finder.hpp): each find blocks until the test answers it. So "at
// once" is a fact the test can wait for: all the finds have started while none was answered.
// A sequential loop cannot get there: its first find waits for an answer the test has not given,
// and its calling thread is then parked with nothing else launched, which the test sees
// (wait_all_started, call_on_thread.hpp) and reports at once instead of waiting for a time-out.
// "Returns only after every find ended" is checked the same way: every fake but one answered,
// the call must be waiting, not gone; answer the last one, and it returns with every find ended.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "call_on_thread.hpp"
#include "conc/testing.hpp"
#include "fake_finder.hpp"
#include "patterns.hpp"
#include "workshop/hint.hpp"
#include "workshop/journal.hpp"
#include "workshop/thread_probe.hpp"

namespace {

using datacenterfind_tests::FakeDatacenters;
using datacenterfind_tests::on_thread::CallOnThread;
using datacenterfind_tests::on_thread::kSafetyNet;

constexpr const char* kRunEachFindInAGoroutine =
    "Run each find in its own goroutine: inside the loop, conc::go([&wg, finder, resource] { "
    "... finder->find(resource) ... wg.done(); }); and call wg.wait() once, after the loop. A "
    "find called directly in the loop (the sequential skeleton) or a wg.wait() inside the loop "
    "makes wait_group wait for one datacenter before it asks the next.";

constexpr const char* kWaitForAll =
    "wait_group must not return while a find is still running: wg.add(1) in the loop, BEFORE "
    "conc::go (a wait() that runs before a goroutine's own add(1) sees zero and returns at once), "
    "wg.done() at the end of each goroutine, and wg.wait() after the loop.";

constexpr const char* kOwnYourFinder =
    "Each goroutine must capture ITS finder by value: [finder] copies the shared_ptr of this "
    "iteration. Capturing by reference ([&]) an index or a loop variable that is a copy makes "
    "the goroutine read it later, when the loop has moved on (or ended): several goroutines ask "
    "the same datacenter, or one that no longer exists. It is the C++ form of Go's loop-variable "
    "bug.";

class WaitGroupTest : public datacenterfind_tests::on_thread::OnThreadSuite {
 protected:
  WaitGroupTest()
      : OnThreadSuite({.pattern = "wait_group",
                       .all_at_once = kRunEachFindInAGoroutine,
                       .waits_early = "it asks one datacenter at a time"}) {}

  // Starts wait_group("file.txt", ...) with fakes of these names, on a thread of its own.
  std::unique_ptr<CallOnThread> call_with(const std::vector<std::string>& names) {
    return start(names, [](const datacenterfind::Finders& finders) {
      datacenterfind::wait_group("file.txt", finders);
    });
  }

  // The scenario of AsksEveryDatacenterExactlyOnce, run in a child process: ends it with 0 when
  // each of five datacenters was asked exactly once, else 1, after saying what went wrong.
  [[noreturn]] void ask_five_then_exit() {
    const std::vector<std::string> names{"SBG", "GRA", "BHS", "RBX", "WAW"};
    auto call = call_with(names);
    datacenterfind_tests::on_thread::wait_all_started(*call, *dcs_.recorder, 5);
    dcs_.answer_all();
    if (call->wait_returned()) {
      // A goroutine still to start would ask its datacenter now.
      conc::testing::wait_goroutines(call->goroutines_before(), kSafetyNet);
    } else {
      call->give_up();
    }
    std::map<std::string, int> asked;
    for (const auto& name : dcs_.recorder->with("started")) ++asked[name];
    std::string wrong;
    for (const auto& name : names) {
      if (asked[name] != 1) {
        wrong += name + " was asked " + std::to_string(asked[name]) + " time(s). ";
      }
    }
    std::fprintf(stderr, "%s\n", wrong.c_str());
    std::_Exit(wrong.empty() ? 0 : 1);
  }

  // The scenario of WaitsEvenForGoroutinesThatHaveNotRunYet, run in a child process: 20 rounds
  // of wait_group over three fakes, none answered until the call is seen waiting; ends the child
  // with 1 at the first round where wait_group returned with finds still running, else 0.
  [[noreturn]] void twenty_rounds_then_exit() {
    for (int round = 1; round <= 20; ++round) {
      FakeDatacenters dcs;
      for (const char* name : {"SBG", "GRA", "BHS"}) dcs.add(name);
      CallOnThread call(dcs, "wait_group", [finders = dcs.finders()] {
        datacenterfind::wait_group("file.txt", finders);
      });
      workshop::wait_until([&] { return call.returned() || call.parked(); }, kSafetyNet);
      if (call.returned()) {
        std::fprintf(stderr,
                     "round %d: wait_group returned before any find was answered (%d of 3 had "
                     "started)\n",
                     round, dcs.recorder->started());
        std::_Exit(1);
      }
      dcs.answer_all();
      if (!call.wait_returned()) std::_Exit(0);  // stuck: other tests say why
    }
    std::_Exit(0);
  }
};

// First, and in a child process (a GoogleTest death test): a goroutine that reads its finder
// through a reference to a loop variable reads it after the loop has moved on, or ended, and may
// crash the program. Here only the child dies, and this test reports it with its hint before the
// tests after it run the same code in the test binary itself.
TEST_F(WaitGroupTest, AsksEveryDatacenterExactlyOnce) {
  workshop::Hint hint(kOwnYourFinder);
  EXPECT_EXIT(ask_five_then_exit(), ::testing::ExitedWithCode(0), "")
      << "wait_group of SBG, GRA, BHS, RBX and WAW, all answered: each must be asked exactly once "
         "(the child process's report, or how it died, is above)";
}

// In a child process too: when wait() runs before the goroutines have added themselves to the
// WaitGroup, wait_group returns at once, its WaitGroup dies, and the goroutines' done() then
// touch a dead object, which may crash the program. Whether wait() comes first depends on how
// fast the goroutines start, so the scenario runs 20 times.
TEST_F(WaitGroupTest, WaitsEvenForGoroutinesThatHaveNotRunYet) {
  workshop::Hint hint(kWaitForAll);
  workshop::Hint crashed(
      "If the child died of a signal (11 is a segmentation fault) and the test before this one "
      "failed too, fix that one first: a goroutine reading a finder it captured by reference "
      "crashes here as well.");
  EXPECT_EXIT(twenty_rounds_then_exit(), ::testing::ExitedWithCode(0), "")
      << "wait_group must wait for every find, however late its goroutine starts (the child "
         "process's report, or how it died, is above)";
}

TEST_F(WaitGroupTest, StartsEveryFindBeforeAnyIsAnswered) {
  auto call = call_with({"SBG", "GRA", "BHS"});
  if (not_all_at_once(*call, 3)) return;
  dcs_.answer_all();
  workshop::Hint hint(kWaitForAll);
  EXPECT_TRUE(call->wait_returned()) << "wait_group did not return once every find was answered";
}

TEST_F(WaitGroupTest, ReturnsOnlyAfterEveryFindHasEnded) {
  auto call = call_with({"SBG", "GRA", "BHS"});
  if (not_all_at_once(*call, 3)) return;

  // All answered but BHS: wait_group must still be waiting for it.
  answer_all_but_bhs(*call);
  if (HasFatalFailure()) return;
  {
    workshop::Hint hint(kWaitForAll);
    EXPECT_FALSE(call->returned())
        << "wait_group returned while BHS's find was still running (" << call->ended_when_returned()
        << " of 3 finds had ended when it returned)";
  }

  workshop::record("the test answers BHS, the last one");
  dcs_.fakes[2]->answer();
  workshop::Hint hint(kWaitForAll);
  ASSERT_TRUE(call->wait_returned())
      << "wait_group did not return within " << kSafetyNet.count()
      << " s of the last find's answer: it waits in " << call->parked_in();
  EXPECT_EQ(call->ended_when_returned(), 3) << "finds that had ended when wait_group returned";
}

TEST_F(WaitGroupTest, LogsStartingFindAndGotResultForEachDatacenter) {
  conc::testing::LogCapture capture;
  auto call = call_with({"SBG", "GRA"});
  if (not_all_at_once(*call, 2)) return;
  dcs_.fakes[0]->answer(true);
  dcs_.fakes[1]->answer(false);
  ASSERT_TRUE(call->wait_returned()) << "wait_group did not return once every find was answered";
  // Every goroutine has logged once it has ended (even if wait_group returned too early: that is
  // another test's business).
  conc::testing::wait_goroutines(call->goroutines_before(), kSafetyNet);

  workshop::Hint hint(
      "Log as the sequential version does, from inside each goroutine: "
      "conc::log::info(\"starting find\", \"datacenter\", finder->name()) before the find, and "
      "conc::log::info(\"got result\", \"datacenter\", finder->name(), \"found\", found) after "
      "it.");
  expect_logged_a_find_of_sbg_and_gra(capture);
}

TEST_F(WaitGroupTest, LeavesNoGoroutineRunningOnceItReturns) {
  auto call = call_with({"SBG", "GRA", "BHS"});
  if (not_all_at_once(*call, 3)) return;
  dcs_.answer_all();
  ASSERT_TRUE(call->wait_returned()) << "wait_group did not return once every find was answered";
  workshop::Hint hint(
      "Every goroutine wait_group starts must have ended soon after it returns: each one runs "
      "one find and its two log lines, then calls wg.done() and returns. Nothing else.");
  EXPECT_TRUE(conc::testing::wait_goroutines(call->goroutines_before(), kSafetyNet))
      << conc::goroutines() - call->goroutines_before() << " goroutine(s) still running "
      << kSafetyNet.count() << " s after wait_group returned";
}

TEST_F(WaitGroupTest, ReturnsAtOnceWithNoDatacenters) {
  auto call = call_with({});
  workshop::Hint hint(
      "With no finders there is nothing to wait for: wg.wait() on a WaitGroup nobody added to "
      "returns at once.");
  EXPECT_TRUE(call->wait_returned()) << "wait_group of no datacenters did not return";
}

}  // namespace
