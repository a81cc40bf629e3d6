// Tests of sync/once/1: get_db() opens one connection, however many threads race for it.
//
// How a race is made to happen, without sleeping. connect_to_database() runs a hook, installed
// by the ConnectionGate below, that holds every connection "being opened" until the test releases
// it. With thread A held there, thread B calls get_db(), and the test waits until B has either
// entered connect_to_database() too (a second connection: the bug) or fallen asleep in the
// kernel (workshop::ThreadProbe), which is what a thread waiting for std::call_once, a
// function-local static or a mutex does. Only then is A released, and the test checks that one
// connection was opened and that every caller got the same DB.
//
// Why each race runs in a process of its own. get_db() is a process-wide singleton: once a test
// has made it connect, no later test in the same process can race its first call. So each race
// runs in a fresh process, as a GoogleTest death test: EXPECT_EXIT re-executes this binary (the
// workshop's test main selects the "threadsafe" death-test style), which runs only that test,
// with every static as new, up to the EXPECT_EXIT, then runs the scenario. The scenario writes
// what it saw on its stderr and exits 0 when get_db() behaved, 1 when not. When it fails, the
// parent's failure message shows that text (after "Actual msg:"), and then the hint.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <latch>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "database.hpp"
#include "workshop/hint.hpp"
#include "workshop/journal.hpp"
#include "workshop/thread_probe.hpp"
#include "workshop/watchdog.hpp"

namespace {

using namespace std::chrono_literals;

// Turns a would-be hang into a failure with a message. A passing run never waits this long.
constexpr auto safety_net = 5s;

// One thread calling get_db(), as a scenario watches it.
struct Caller {
  explicit Caller(std::string caller_name) : name(std::move(caller_name)) {}

  const std::string name;
  workshop::ThreadProbe probe;          // attached by the caller's own thread
  std::atomic<bool> calling{false};     // get_db() has been called
  std::atomic<bool> connecting{false};  // has entered connect_to_database()
  std::atomic<bool> returned{false};    // get_db() has returned: db and id are set
  const DB* db = nullptr;               // what get_db() returned; written before `returned`
  std::string id;                       // db->id, read by the caller; written before `returned`
  std::thread thread;
};

// The Caller whose thread this is, so that the gate can say who is connecting.
thread_local Caller* this_caller = nullptr;

// While alive, holds every call of connect_to_database() "being opened" until release().
class ConnectionGate {
 public:
  ConnectionGate() {
    connection_testing::set_hook([this] { hold(); });
  }
  ~ConnectionGate() { connection_testing::set_hook({}); }

  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  // Lets every connection held now, and every later one, finish. Never blocks.
  void release() { open_.count_down(); }

 private:
  void hold() {
    const int number = started_.fetch_add(1) + 1;
    Caller* const caller = this_caller;
    const std::string who = caller != nullptr ? caller->name : "a thread the test did not start";
    workshop::record(
        fmt::format("{}: connect_to_database() started (connection #{}), held open", who, number));
    if (caller != nullptr) caller->connecting = true;  // after the record: seen, it is journaled
    open_.wait();
    workshop::record(fmt::format("{}: connection #{} is open", who, number));
  }

  std::latch open_{1};
  std::atomic<int> started_{0};
};

// Starts `caller`'s thread: it calls get_db() once, when `start_line` (if any) lets it go.
void start(Caller& caller, std::latch* start_line = nullptr) {
  caller.thread = std::thread([&caller, start_line] {
    this_caller = &caller;
    caller.probe.attach();
    if (start_line != nullptr) start_line->arrive_and_wait();
    workshop::record(caller.name + ": get_db() called");
    caller.calling = true;
    DB& db = get_db();
    caller.db = &db;
    caller.id = db.id;
    workshop::record(fmt::format("{}: get_db() returned the DB at {}, id \"{}\"", caller.name,
                                 fmt::ptr(&db), caller.id));
    caller.returned = true;
  });
}

// True when the caller is past the point where a race is decided: inside connect_to_database(),
// returned, or asleep inside get_db() (waiting for another thread's connection).
bool settled(const Caller& caller) {
  return caller.connecting || caller.returned || (caller.calling && caller.probe.sleeping());
}

// What a scenario saw, and how its process ends.
class Report {
 public:
  void problem(std::string text) { problems_.push_back(std::move(text)); }

  // Ends the process: exit code 0, with `success` on stderr, when no problem was found; else 1,
  // with the problems and the journal. Requires every thread the scenario started joined.
  [[noreturn]] void finish(const std::string& success) {
    if (problems_.empty()) {
      std::fprintf(stderr, "%s\n", success.c_str());
      std::fflush(stderr);
      std::exit(0);  // a normal exit, so that ThreadSanitizer still reports (exit code 66)
    }
    print();
    std::exit(1);
  }

  // Ends the process at once, with exit code 1 and `why` as the last problem: for a scenario
  // whose threads are stuck, and cannot be joined.
  [[noreturn]] void abandon(std::string why) {
    problem(std::move(why));
    print();
    std::_Exit(1);
  }

 private:
  void print() const {
    std::string text = "get_db() misbehaved:\n";
    for (const std::string& p : problems_) text += fmt::format("  - {}\n", p);
    text += "What happened, oldest first:\n";
    const std::vector<workshop::Event> events = workshop::journal();
    const auto first = events.empty() ? std::chrono::steady_clock::duration{} : events[0].at;
    for (const workshop::Event& e : events) {
      const std::chrono::duration<double, std::milli> at = e.at - first;
      text += fmt::format("  {:>9.3f} ms  {}\n", at.count(), e.what);
    }
    text += fmt::format("connect_to_database() was called {} time(s).\n", connections_made());
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
  }

  std::vector<std::string> problems_;
};

// Every scenario needs get_db() never called yet, in a process of its own.
void expect_fresh_process(Report& report) {
  if (connections_made() != 0) {
    report.abandon(fmt::format(
        "this scenario needs a fresh process, but connect_to_database() was already called {} "
        "time(s): run it with the \"threadsafe\" death-test style (the workshop's default), not "
        "GTEST_DEATH_TEST_STYLE=fast",
        connections_made()));
  }
}

// Waits until every caller has returned from get_db(), then joins them. A caller still inside
// after the safety net is stuck for good (a deadlock?): that is reported, and the process ends at
// once, as a stuck thread cannot be joined.
void join_all(std::deque<Caller>& callers, Report& report) {
  const bool all_returned = workshop::wait_until(
      [&] {
        for (const Caller& c : callers) {
          if (!c.returned) return false;
        }
        return true;
      },
      safety_net);
  if (!all_returned) {
    std::string stuck;
    for (const Caller& c : callers) {
      if (!c.returned) stuck += (stuck.empty() ? "" : ", ") + c.name;
    }
    report.abandon(fmt::format(
        "the connection was let through, yet {} did not return from get_db() within {} s: is a "
        "thread waiting for something that never happens (a lock never unlocked, get_db() calling "
        "itself inside std::call_once)?",
        stuck, std::chrono::duration<double>(safety_net).count()));
  }
  for (Caller& c : callers) c.thread.join();
}

// The end of every race: one connection opened, the same DB (same object, same id) for everyone.
void expect_one_shared_connection(const std::deque<Caller>& callers, Report& report) {
  if (connections_made() != 1) {
    report.problem(
        fmt::format("connect_to_database() was called {} times for {} callers of "
                    "get_db(): it must be called once",
                    connections_made(), callers.size()));
  }
  std::set<const DB*> objects;
  std::set<std::string> ids;
  for (const Caller& c : callers) {
    objects.insert(c.db);
    ids.insert(c.id);
  }
  if (objects.size() != 1) {
    report.problem(
        fmt::format("the {} callers got {} different DB objects: every call of get_db() "
                    "must return a reference to the same one",
                    callers.size(), objects.size()));
  }
  if (ids.size() != 1) {
    std::string listed;
    for (const std::string& id : ids)
      listed += fmt::format("{}\"{}\"", listed.empty() ? "" : ", ", id);
    report.problem(fmt::format("the {} callers saw {} different ids{}", callers.size(), ids.size(),
                               ids.size() <= 3 ? ": " + listed : ""));
  } else if (ids.begin()->empty()) {
    report.problem(
        "the callers got a DB with an empty id: get_db() returned it before "
        "connect_to_database() had filled it in");
  }
}

// Scenario 1. A is inside connect_to_database(), held there; B calls get_db(). B must wait for
// A's connection (asleep), not open its own, and not open one after A's is done either.
[[noreturn]] void second_caller_during_the_connection() {
  Report report;
  expect_fresh_process(report);
  ConnectionGate gate;
  std::deque<Caller> callers;
  Caller& a = callers.emplace_back("A");
  Caller& b = callers.emplace_back("B");

  start(a);
  if (!workshop::wait_until([&] { return a.connecting || a.returned; }, safety_net)) {
    gate.release();
    report.abandon(fmt::format(
        "A, the only caller, neither entered connect_to_database() nor returned within {} s: is "
        "get_db() waiting for itself?",
        std::chrono::duration<double>(safety_net).count()));
  }
  if (a.returned) {
    report.problem(
        "A's get_db() returned without calling connect_to_database(): the first call "
        "must open the connection");
    join_all(callers, report);
    report.finish("");
  }

  start(b);
  if (!workshop::wait_until([&] { return settled(b); }, safety_net)) {
    gate.release();
    report.abandon(fmt::format(
        "while A was connecting, B's get_db() neither returned, nor connected, nor fell asleep "
        "waiting, within {} s. Is B spinning in a loop? Make it wait with std::call_once or a "
        "function-local static instead",
        std::chrono::duration<double>(safety_net).count()));
  }
  const bool b_waited = !b.connecting && !b.returned;
  if (b.connecting) {
    report.problem(
        "B entered connect_to_database() while A's connection was still being "
        "opened: both threads found no connection and both connected. Nothing in "
        "get_db() made B wait for A");
  } else if (b.returned) {
    report.problem(
        "B's get_db() returned while A's connection was still being opened: B got a DB "
        "that was not connected yet");
  } else {
    workshop::record("test: B is asleep in get_db(), waiting; the test lets A's connection open");
  }
  gate.release();
  join_all(callers, report);

  if (b_waited && b.connecting) {
    report.problem(
        "B waited while A was connecting, then, once A was done, opened a connection of "
        "its own: whatever B waited for (a mutex?) did not cover the check \"is there a "
        "connection yet?\". The check and the connect must be one step, done once: "
        "that is what std::call_once does");
  }
  expect_one_shared_connection(callers, report);
  report.finish("one connection, shared by the 2 callers");
}

// Scenario 2. Sixteen threads leave a start line together and call get_db(). Every connection
// is held until each thread is inside connect_to_database(), returned, or asleep in get_db().
constexpr int racing_callers = 16;

[[noreturn]] void callers_racing_from_a_start_line() {
  Report report;
  expect_fresh_process(report);
  ConnectionGate gate;
  std::deque<Caller> callers;
  std::latch start_line(racing_callers);
  for (int i = 1; i <= racing_callers; ++i)
    start(callers.emplace_back(fmt::format("T{}", i)), &start_line);

  const bool all_settled = workshop::wait_until(
      [&] {
        for (const Caller& c : callers) {
          if (!settled(c)) return false;
        }
        return true;
      },
      safety_net);
  if (!all_settled) {
    gate.release();
    std::string busy;
    for (const Caller& c : callers) {
      if (!settled(c)) busy += (busy.empty() ? "" : ", ") + c.name;
    }
    report.abandon(fmt::format(
        "within {} s, {} neither returned from get_db(), nor connected, nor fell asleep waiting "
        "for the connection. Is get_db() spinning in a loop? Make the threads wait with "
        "std::call_once or a function-local static instead",
        std::chrono::duration<double>(safety_net).count(), busy));
  }
  std::string connecting;
  std::string returned_early;
  int connecting_count = 0;
  for (const Caller& c : callers) {
    if (c.connecting) {
      connecting += (connecting.empty() ? "" : ", ") + c.name;
      ++connecting_count;
    } else if (c.returned) {
      returned_early += (returned_early.empty() ? "" : ", ") + c.name;
    }
  }
  if (connecting_count > 1) {
    report.problem(fmt::format(
        "{} threads were inside connect_to_database() at the same time ({}): each found no "
        "connection and opened its own. Nothing in get_db() made them wait for the first",
        connecting_count, connecting));
  }
  if (!returned_early.empty()) {
    report.problem(
        fmt::format("{} returned from get_db() while the connection was still being "
                    "opened: they got a DB that was not connected yet",
                    returned_early));
  }
  workshop::record(
      fmt::format("test: {} thread(s) connecting, the others asleep or returned; "
                  "the test lets the connections open",
                  connecting_count));
  gate.release();
  join_all(callers, report);
  expect_one_shared_connection(callers, report);
  report.finish(fmt::format("one connection, shared by the {} callers", racing_callers));
}

// Said under each race's failure when the suite runs under ThreadSanitizer (make race).
std::string with_race_note(std::string hint) {
  if (workshop::sanitizer_name() == "ThreadSanitizer") {
    hint +=
        " Under make race: if the message above holds \"WARNING: ThreadSanitizer: data race\", "
        "your get_db() reads the connection pointer while another thread writes it (a check "
        "made before taking the lock, or outside std::call_once): the two stacks show where.";
  }
  return hint;
}

TEST(GetDb, ConnectsOnTheFirstCallAndReturnsTheSameDbAfterwards) {
  workshop::Hint hint(
      "With one thread, get_db() must call connect_to_database() on its first call, keep the DB "
      "somewhere that outlives the call, and return a reference to that same DB every time.");
  DB& first = get_db();
  DB& second = get_db();
  DB& third = get_db();
  EXPECT_EQ(connections_made(), 1) << "connect_to_database() calls for 3 calls of get_db()";
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(&first, &third);
  EXPECT_FALSE(first.id.empty()) << "the DB's id: connect_to_database() gives every DB one";
}

TEST(GetDb, ASecondCallerWaitsForTheConnectionBeingOpenedInsteadOfOpeningAnother) {
  workshop::Hint hint(with_race_note(
      "While thread A is inside connect_to_database() (it is slow), thread B calls get_db(). B "
      "must not open a connection of its own, then or after A is done: it must wait for A's, and "
      "get the same DB. The lines after \"Actual msg:\" above say what B did. std::call_once (Go's "
      "sync.Once) does exactly this; so does a function-local static."));
  EXPECT_EXIT(second_caller_during_the_connection(), ::testing::ExitedWithCode(0),
              "one connection, shared by the 2 callers");
}

TEST(GetDb, SixteenThreadsRacingFromAStartLineShareOneConnection) {
  workshop::Hint hint(with_race_note(
      "16 threads call get_db() at the same moment: exactly one may call connect_to_database(); "
      "the 15 others must wait for it, then all must get the same DB. The lines after \"Actual "
      "msg:\" above say what happened."));
  EXPECT_EXIT(callers_racing_from_a_start_line(), ::testing::ExitedWithCode(0),
              fmt::format("one connection, shared by the {} callers", racing_callers));
}

}  // namespace
