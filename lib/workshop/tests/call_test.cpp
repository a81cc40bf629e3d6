// workshop/call.hpp: a call on a thread of its own — what it returned or threw, where it is
// parked, what it records on the journal, and what becomes of it when its Call goes away.

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "conc/chan.hpp"
#include "conc/go.hpp"
#include "conc/testing/goroutines.hpp"
#include "workshop/call.hpp"
#include "workshop/journal.hpp"
#include "workshop/thread_probe.hpp"

namespace {

using namespace std::chrono_literals;
using testing::AllOf;
using testing::ElementsAre;
using testing::Field;
using testing::StartsWith;

// Matches a journal event recorded by `thread` ("test", "thread 1") with the text `what`.
auto recorded(const std::string& thread, const std::string& what) {
  return AllOf(Field(&workshop::Event::thread, thread), Field(&workshop::Event::what, what));
}

// True when the journal's last event is `what`.
bool last_recorded(const std::string& what) {
  const auto journal = workshop::journal();
  return !journal.empty() && journal.back().what == what;
}

TEST(Call, KeepsWhatTheCallReturnedAndRecordsItsSpanFromItsThread) {
  workshop::Call<int> call("answer()", [] { return 42; });
  ASSERT_TRUE(call.wait_returned());
  EXPECT_TRUE(call.returned());
  EXPECT_EQ(call.result(), 42);
  EXPECT_EQ(call.threw(), "");
  EXPECT_EQ(call.label(), "answer()");
  EXPECT_THAT(workshop::journal(), ElementsAre(recorded("thread 1", "call answer()"),
                                               recorded("thread 1", "call returned")));
}

TEST(Call, KeepsAThrownExceptionAndEndsTheSpanStopped) {
  workshop::Call<int> call("fail()", []() -> int { throw std::runtime_error("boom"); });
  ASSERT_TRUE(call.wait_returned());
  EXPECT_EQ(call.result(), std::nullopt);
  EXPECT_EQ(call.threw(), "boom");
  const auto journal = workshop::journal();
  ASSERT_EQ(journal.size(), 2u);
  EXPECT_EQ(journal[1].what, "call threw: boom");
  ASSERT_TRUE(journal[1].span);
  EXPECT_EQ(journal[1].span->ending, workshop::Ending::stopped);
}

TEST(Call, HasNoResultAndShowsWhereItIsParkedUntilItReturns) {
  const auto go_on = conc::make_chan<int>();
  workshop::Call<int> call("wait()", [go_on] { return go_on.recv().value_or(-1); });
  ASSERT_TRUE(workshop::wait_until([&] { return call.parked(); }));
  EXPECT_THAT(call.parked_in(), StartsWith("channel receive"));
  EXPECT_THAT(call.thread(), StartsWith("thread "));
  EXPECT_FALSE(call.returned());
  EXPECT_EQ(call.result(), std::nullopt);
  EXPECT_FALSE(call.wait_returned(1ms));

  go_on.send(7);
  ASSERT_TRUE(call.wait_returned());
  EXPECT_EQ(call.result(), 7);
  EXPECT_EQ(call.parked_in(), "");
}

TEST(Call, OpensItsSpanInTheConstructorWhenAskedAndEndsItWithTheDetail) {
  auto seen = std::make_shared<std::atomic<int>>(0);
  workshop::Call<> call("work()", [seen] { seen->store(3); },
                        {.begin = workshop::CallBegin::in_constructor,
                         .end_detail = [seen] { return std::to_string(seen->load()) + " done"; }});
  ASSERT_TRUE(call.wait_returned());
  EXPECT_THAT(workshop::journal(), ElementsAre(recorded("test", "call work()"),
                                               recorded("thread 1", "call returned (3 done)")));
}

TEST(Call, RunsAsAGoroutineThatConcCountsWhenAsked) {
  const std::size_t before = conc::goroutines();
  const auto go_on = conc::make_chan<int>();
  workshop::Call<> call("wait()", [go_on] { go_on.recv(); },
                        {.runs_on = workshop::CallRunsOn::goroutine});
  EXPECT_EQ(conc::goroutines(), before + 1);
  EXPECT_EQ(call.thread(), "");
  EXPECT_THROW(call.parked_in(), std::logic_error);
  go_on.send(1);
  ASSERT_TRUE(call.wait_returned());
  EXPECT_TRUE(conc::testing::wait_goroutines(before, 5s));
}

TEST(Call, WaitsWithoutASafetyNetUntilTheCallReturns) {
  const auto go_on = conc::make_chan<int>();
  workshop::Call<> call("wait()", [go_on] { go_on.recv(); });
  conc::go([go_on] { go_on.send(1); });
  call.wait_returned_without_safety_net();
  EXPECT_TRUE(call.returned());
}

TEST(Call, HasDestroyedTheCallableOnceItCountsAsReturned) {
  auto captured = std::make_shared<int>(0);
  workshop::Call<> call("keep()", [captured] { *captured = 1; });
  ASSERT_TRUE(call.wait_returned());
  EXPECT_EQ(*captured, 1);
  EXPECT_EQ(captured.use_count(), 1) << "the call's copy of `captured` is still alive";
}

TEST(Call, LeavesACallStillRunningBehindWhenDestroyed) {
  const auto go_on = conc::make_chan<int>();
  auto done = std::make_shared<std::atomic<bool>>(false);
  {
    workshop::Call<> call("stuck()", [go_on, done] {
      go_on.recv();
      done->store(true);
    });
  }  // returns at once: the call is left behind, owning what it uses
  EXPECT_FALSE(done->load());
  go_on.send(1);
  EXPECT_TRUE(workshop::wait_until([] { return last_recorded("call returned"); }));
  EXPECT_TRUE(done->load());
}

TEST(Call, RejectsAnEmptyCallable) {
  EXPECT_THROW(workshop::Call<int>("nothing()", nullptr), std::invalid_argument);
}

}  // namespace
