// sync/mutex/2 — a storage that keeps the first value stored under each key, shared by many
// threads: the slides' Storage (a Go map and a sync.Mutex). The brief: sync/mutex/exercise2.md.
// Run: make sync/mutex/2
//
//   Storage storage;
//   storage.store_if_not_exists("user", "alice");  // true: stored. Logs "store element"
//   storage.store_if_not_exists("user", "bob");    // false: kept alice. "element already exists"
//   storage.get("user");                           // "alice"
//
// You edit this file (the mutex is a member of Storage) and storage.cpp (where it is locked).
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

// Stands for the work a real store does between finding that the key is missing and storing it
// (validating, logging, writing to disk...). The tests define it: they use it to hold one
// store_if_not_exists() between its check and its store, which makes the race visible every time
// instead of once in a thousand runs. Keep the call where it is in store_if_not_exists().
void between_check_and_store();

// A map from keys to values that any number of threads may use at the same time.
class Storage {
 public:
  // Stores `value` under `key` and returns true when `key` is not stored yet; otherwise leaves
  // the stored value as it is and returns false. Logs "store element" or "element already
  // exists" (conc::log, with the key), as the Go original does. Called by many threads at once
  // with the same key, exactly one of them stores.
  bool store_if_not_exists(const std::string& key, const std::string& value);

  // The value stored under `key`, or nullopt when there is none.
  std::optional<std::string> get(const std::string& key) const;

 private:
  // TODO(sync/mutex/2): add the std::mutex that guards storage_ (#include <mutex>); mutable, as
  // get() is const and must lock it too.
  std::unordered_map<std::string, std::string> storage_;
};
