// sync/mutex/2 — your code goes here (and in storage.hpp). The brief: sync/mutex/exercise2.md.
// Run: make sync/mutex/2       See the race: make race EX=sync/mutex/2
#include "storage.hpp"

#include <conc/log.hpp>

bool Storage::store_if_not_exists(const std::string& key, const std::string& value) {
  // TODO(sync/mutex/2): check-then-act. Two threads can both find the key missing before either
  // stores it: both store, both return true, and the second value silently replaces the first.
  // (Worse: two threads writing a std::unordered_map at once may corrupt it.) Lock the mutex for
  // the check and the store together.
  const bool exists = storage_.contains(key);
  if (!exists) {
    between_check_and_store();
    conc::log::info("store element", "key", key);
    storage_[key] = value;
  } else {
    conc::log::info("element already exists", "key", key);
  }
  return !exists;
}

std::optional<std::string> Storage::get(const std::string& key) const {
  // TODO(sync/mutex/2): reading the map while another thread writes it is a data race: lock.
  const auto it = storage_.find(key);
  if (it == storage_.end()) return std::nullopt;
  return it->second;
}
