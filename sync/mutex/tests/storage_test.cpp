// Tests of sync/mutex/2: Storage::store_if_not_exists, the slides' check-then-act on a map.
//
// Two callers racing for one key must both find it missing before either stores it: that
// happens in some runs and not in others, and two threads writing a std::unordered_map at once
// is undefined behaviour (it may crash the suite rather than fail it). So the key tests make the
// race happen every time, and harmlessly. store_if_not_exists() calls between_check_and_store()
// between its check and its store; this file defines it as a window the test holds
// (tests/window.hpp). A first store is held inside, then a second call starts: with the mutex
// right, that call sleeps in the kernel, waiting for the lock (workshop::ThreadProbe sees it);
// without it, it passes the check too and gets inside the window. Then the test lets the calls
// finish one at a time, so the map is never written by two threads at once. The test with many
// goroutines runs only once that probe has shown the mutex excludes: the suite fails by
// assertion, never by a crash. No sleep decides an outcome.
#include "storage.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "conc/testing.hpp"
#include "window.hpp"
#include "workshop/hint.hpp"
#include "workshop/journal.hpp"
#include "workshop/thread_probe.hpp"

namespace {

// Where the test's window is, for the journal.
constexpr char kWindow[] = "the window between check and store";

constexpr const char* kOneLockForCheckAndStore =
    "Lock one std::mutex, a member of Storage, for the whole of store_if_not_exists(), the check "
    "and the store together: `std::lock_guard lock(mutex_);` as its first line. A lock around "
    "the store alone leaves the check outside. Two locks, one for the check and one for the "
    "store (or a std::shared_mutex locked shared for the check, then exclusive for the store) "
    "leave a gap between them, where another call finds the key missing too.";

constexpr const char* kKeepTheWindow =
    "Keep the call to between_check_and_store() in store_if_not_exists(), between the check "
    "(is the key there?) and the store: the tests use it to hold a store half-way and see what "
    "a second call does meanwhile. Add the lock around it; do not remove it.";

constexpr const char* kUnlockOnEveryWayOut =
    "Is the mutex unlocked on every way out of store_if_not_exists() and get(), the early "
    "returns included? A std::lock_guard unlocks it when it goes out of scope; a bare "
    "mutex_.lock() needs an unlock() before each return.";

// For calls made on the test's own thread: a call that never returns blocks the test until the
// watchdog stops it, and prints this.
constexpr const char* kNeverReturned =
    "If this test blocked until the watchdog stopped it, a call never returned, on one thread "
    "alone: std::mutex is not recursive, so a thread that locks it twice waits for itself "
    "forever (does store_if_not_exists() call get() with the mutex locked?), and a mutex locked "
    "with a bare lock() stays locked until unlock(), early returns included (a std::lock_guard "
    "unlocks it on every way out).";

// What went wrong in a test, and the hint for it.
struct Problem {
  std::string message;
  std::string hint;
};

std::string quoted(const std::optional<std::string>& value) {
  return value ? "\"" + *value + "\"" : "nothing";
}

std::string yes_no(bool stored) { return stored ? "true" : "false"; }

class StorageTest : public mutex_tests::WindowTest<kWindow> {
 protected:
  // Starts store_if_not_exists(key, value) on `storage` as the call named `name`.
  mutex_tests::Call<bool>& start_store(std::string name, std::shared_ptr<Storage> storage,
                                       std::string key, std::string value) {
    const std::string what = "store_if_not_exists(\"" + key + "\", \"" + value + "\")";
    return calls_.start<bool>(std::move(name), what, [storage, key, value] {
      return storage->store_if_not_exists(key, value);
    });
  }

  // Nullopt when `first` is held inside the window (the window was held before it started);
  // else what went wrong.
  std::optional<Problem> held_inside(const CallBase& first) {
    const FirstCall got = wait_inside(first);
    if (got == FirstCall::Inside) return std::nullopt;
    if (got == FirstCall::Returned) {
      return Problem{first.label() + " returned without calling between_check_and_store()",
                     kKeepTheWindow};
    }
    return Problem{first.label() + " neither reached between_check_and_store() nor returned "
                                   "within 5 s: it is blocked before the window",
                   "std::mutex is not recursive: a thread that locks it twice waits for itself "
                   "forever. Does store_if_not_exists() lock the mutex and then call get(), which "
                   "locks it again? Use storage_ directly inside store_if_not_exists()."};
  }

  // The check-then-act race, made certain: A stores "user" and is held between its check and
  // its store; B stores "user" too. B must wait for the lock, then find "user" stored. The calls
  // finish one at a time whatever happens. Returns nullopt when all went right, else the problem.
  std::optional<Problem> race_for_one_key() {
    window_.hold();
    auto storage = std::make_shared<Storage>();
    auto& a = start_store("A", storage, "user", "alice");
    if (auto problem = held_inside(a)) return problem;
    auto& b = start_store("B", storage, "user", "bob");
    // One at a time, whatever happened: A finishes its store, then B.
    const auto [seen, a_returned, b_returned] = watch_then_finish_in_turn(a, b);
    const bool both_returned = a_returned && b_returned;
    const std::optional<std::string> kept =
        both_returned ? storage->get("user") : std::optional<std::string>();
    const std::string outcome =
        both_returned ? "A returned " + yes_no(a.result()) + ", B returned " +
                            yes_no(b.result()) + ", and get(\"user\") is " + quoted(kept)
                      : "";
    if (both_returned) workshop::record(outcome);

    switch (seen) {
      case WhileHeld::GotInside:
        return Problem{
            "A and B both found \"user\" missing: A was held between its check and its store, "
            "and B, instead of waiting for the lock, checked too and got between its check and "
            "its store as well. Each then stores its own value (" +
                outcome + "). Had they stored at the same moment, the map itself could have been "
                          "corrupted.",
            kOneLockForCheckAndStore};
      case WhileHeld::Returned:
        return Problem{"B's store_if_not_exists(\"user\", ...) returned while A's was between "
                       "its check and its store: it did not wait for A to finish (" +
                           outcome + ")",
                       "store_if_not_exists() must wait for the mutex (lock(), or a lock guard), "
                       "never give up when it is taken (try_lock)."};
      case WhileHeld::Neither:
        return Problem{"While A's store was held inside, B's neither waited for a lock (asleep "
                       "in the kernel), nor got inside the window, nor returned, within 5 s.",
                       "A thread waiting for a std::mutex sleeps in the kernel, and this test "
                       "looks for that. Do you wait by spinning? Use std::mutex."};
      case WhileHeld::Blocked:
        break;
    }
    if (!a_returned) {
      return Problem{"A's store_if_not_exists() did not return once let out of the window",
                     kUnlockOnEveryWayOut};
    }
    if (!b_returned) {
      return Problem{"B's store_if_not_exists() never returned after A's had: it still waits "
                     "for the mutex", kUnlockOnEveryWayOut};
    }
    if (!a.result() || b.result() || kept != "alice") {
      return Problem{"B waited for A as it should, but then: " + outcome +
                         " (expected: A true, B false, get(\"user\") \"alice\")",
                     "The first store of a key wins: it returns true and its value stays; any "
                     "later one returns false and changes nothing."};
    }
    return std::nullopt;
  }

  conc::testing::LogCapture log_;  // the tests read what was logged; the terminal stays quiet
  std::shared_ptr<Storage> storage_ = std::make_shared<Storage>();
};

}  // namespace

// The hook storage.hpp declares: every store of a missing key passes through the test's window.
void between_check_and_store() { StorageTest::window().enter(); }

namespace {

TEST_F(StorageTest, StoresTheValueOfAKeyNotStoredYet) {
  workshop::Hint hang(kNeverReturned);
  workshop::Hint hint(
      "A key not stored yet: store_if_not_exists() stores the value, logs \"store element\" "
      "(with the key) and returns true; get() then returns the value.");
  EXPECT_TRUE(storage_->store_if_not_exists("user", "alice"));
  EXPECT_EQ(storage_->get("user"), "alice");
  EXPECT_TRUE(log_.contains("store element", "key", "user"))
      << ::testing::PrintToString(log_.lines());
}

TEST_F(StorageTest, KeepsTheFirstValueOfAKeyStoredAlready) {
  workshop::Hint hang(kNeverReturned);
  workshop::Hint hint(
      "A key stored already: store_if_not_exists() changes nothing, logs \"element already "
      "exists\" (with the key) and returns false; get() still returns the first value.");
  EXPECT_TRUE(storage_->store_if_not_exists("user", "alice"));
  EXPECT_FALSE(storage_->store_if_not_exists("user", "bob"));
  EXPECT_EQ(storage_->get("user"), "alice");
  EXPECT_TRUE(log_.contains("element already exists", "key", "user"))
      << ::testing::PrintToString(log_.lines());
}

TEST_F(StorageTest, GetReturnsNothingForAKeyNeverStored) {
  workshop::Hint hang(kNeverReturned);
  storage_->store_if_not_exists("user", "alice");
  workshop::Hint hint("get() of a key never stored returns std::nullopt.");
  EXPECT_EQ(storage_->get("admin"), std::nullopt);
}

TEST_F(StorageTest, StoringANewKeyCallsBetweenCheckAndStoreOnce) {
  {
    workshop::Hint hang(kNeverReturned);
    storage_->store_if_not_exists("user", "alice");
  }
  workshop::Hint hint(kKeepTheWindow);
  EXPECT_EQ(window_.entered(), 1) << "between_check_and_store() calls while storing a new key";
}

// The check-then-act race, made certain (see race_for_one_key()).
TEST_F(StorageTest, AStoreOfTheSameKeyWaitsWhileAnotherIsBetweenItsCheckAndItsStore) {
  if (const auto problem = race_for_one_key()) {
    workshop::Hint hint(problem->hint);
    ADD_FAILURE() << problem->message;
  }
}

// get() reads the map that a store writes: it must wait for the same lock.
TEST_F(StorageTest, GetWaitsWhileAStoreIsBetweenItsCheckAndItsStore) {
  window_.hold();
  auto& a = start_store("A", storage_, "user", "alice");
  if (const auto problem = held_inside(a)) {
    workshop::Hint hint(problem->hint);
    ADD_FAILURE() << problem->message;
    return;
  }
  auto& c = calls_.start<std::optional<std::string>>(
      "C", "get(\"user\")", [storage = storage_] { return storage->get("user"); });
  const auto [seen, a_returned, c_returned] = watch_then_finish_in_turn(a, c);
  if (c_returned) workshop::record("C's get(\"user\") returned " + quoted(c.result()));

  switch (seen) {
    case WhileHeld::Returned: {
      workshop::Hint hint(
          "Lock the same mutex in get(): looking a key up while another thread inserts one is a "
          "data race, undefined behaviour (the insert may be rehashing the table under the "
          "lookup; make race EX=sync/mutex/2 shows it). get() is const: declare the member "
          "`mutable std::mutex mutex_;` so that it may lock it.");
      ADD_FAILURE() << "get(\"user\") returned " << quoted(c.result()) << " while a "
                    << "store_if_not_exists() was between its check and its store: it did not "
                       "wait for the mutex.";
      return;
    }
    case WhileHeld::GotInside: {
      workshop::Hint hint("get() only reads: it has no reason to call between_check_and_store().");
      ADD_FAILURE() << "get() called between_check_and_store() while A's store was held inside.";
      return;
    }
    case WhileHeld::Neither: {
      workshop::Hint hint(
          "A thread waiting for a std::mutex sleeps in the kernel, and this test looks for that. "
          "Do you wait by spinning? Use std::mutex.");
      ADD_FAILURE() << "While A's store was held inside, C's get() neither waited for a lock "
                       "(asleep in the kernel) nor returned, within 5 s.";
      return;
    }
    case WhileHeld::Blocked:
      break;
  }
  {
    workshop::Hint hint(kUnlockOnEveryWayOut);
    ASSERT_TRUE(a_returned)
        << "A's store_if_not_exists() did not return once let out of the window";
    ASSERT_TRUE(c_returned) << "C's get() never returned after A's store had";
  }
  workshop::Hint hint("get() waited for A's store, so it sees it: \"alice\".");
  EXPECT_EQ(c.result(), "alice");
}

// The slides' promise under load: many goroutines, released together, race for the same keys.
TEST_F(StorageTest, ExactlyOneOfManyGoroutinesStoresEachKey) {
  // Unprotected, this race writes the map from several threads at once: undefined behaviour,
  // perhaps a crash. So it runs only once the deterministic race has shown the mutex excludes.
  if (const auto problem = race_for_one_key()) {
    workshop::Hint hint(problem->hint);
    FAIL() << "Not racing 8 goroutines on this Storage: they could write the map at the same "
              "moment, which may corrupt it or crash. First, with one key and two calls, one "
              "held between its check and its store, the test saw this: "
           << problem->message;
  }
  calls_.finish_all();
  window_.reset();
  log_.clear();

  constexpr int kGoroutines = 8;
  constexpr int kKeys = 100;
  // stored[g][k]: what goroutine g's store of key k returned; each goroutine writes its own row.
  // Shared with the goroutines, as Goroutines is: none outlives it.
  const auto stored =
      std::make_shared<std::vector<std::vector<char>>>(kGoroutines, std::vector<char>(kKeys, 0));
  const auto key = [](int k) { return "key-" + std::to_string(k); };
  const auto value = [](int g) { return "from goroutine " + std::to_string(g); };
  workshop::record("starting 8 goroutines together, each storing the same 100 keys in order");
  const auto run = Goroutines::go(
      kGoroutines, Goroutines::Start::Together, [stored, storage = storage_, key, value](int g) {
        for (int k = 0; k < kKeys; ++k) {
          (*stored)[g][k] = storage->store_if_not_exists(key(k), value(g));
        }
      });
  const bool all_returned = run->all_returned();
  {
    workshop::Hint hint(kUnlockOnEveryWayOut);
    ASSERT_TRUE(all_returned) << run->returned() << " of " << kGoroutines
                              << " goroutines finished within 5 s";
  }
  run->wait();  // every store happened before this returns

  int right = 0;
  std::vector<std::string> wrong;  // one line per key that went wrong
  for (int k = 0; k < kKeys; ++k) {
    std::vector<int> winners;
    for (int g = 0; g < kGoroutines; ++g) {
      if ((*stored)[g][k]) winners.push_back(g);
    }
    const std::optional<std::string> kept = storage_->get(key(k));
    if (winners.size() == 1 && kept == value(winners.front())) {
      ++right;
      continue;
    }
    std::string line = key(k) + ": " + std::to_string(winners.size()) + " call(s) returned true";
    for (int g : winners) {
      line += (g == winners.front() ? " (goroutine " : ", ") + std::to_string(g);
    }
    if (!winners.empty()) line += ")";
    wrong.push_back(line + "; get() is " + quoted(kept));
  }
  workshop::record(std::to_string(right) +
                   " of 100 keys have exactly one winner, whose value is kept");
  for (std::size_t i = 0; i < wrong.size() && i < 10; ++i) workshop::record(wrong[i]);

  workshop::Hint hint(
      "Of all the calls that store one key, exactly one returns true, and its value is the one "
      "get() returns. " + std::string(kOneLockForCheckAndStore));
  EXPECT_TRUE(wrong.empty()) << wrong.size() << " of 100 keys went wrong; the first: "
                             << wrong.front();
  int stores_logged = 0;
  for (const auto& record : log_.records()) stores_logged += record.message == "store element";
  EXPECT_EQ(stores_logged, kKeys) << "\"store element\" logged once per key";
}

}  // namespace
