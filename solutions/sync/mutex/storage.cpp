// sync/mutex/2 — reference solution. The brief: sync/mutex/exercise2.md.
#include "storage.hpp"

#include <mutex>

#include <conc/log.hpp>

bool Storage::store_if_not_exists(const std::string& key, const std::string& value) {
  // One lock for the check and the store: no other call can find the key missing between the
  // moment this one found it missing and the moment it stores it. Locking the check and the
  // store separately (or with a std::shared_mutex, shared for the check, exclusive for the
  // store) leaves that gap open: two calls both see "missing" and both store.
  std::lock_guard lock(mutex_);
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
  // Locked too: a lookup while another thread inserts (and perhaps rehashes) is a data race.
  std::lock_guard lock(mutex_);
  const auto it = storage_.find(key);
  if (it == storage_.end()) return std::nullopt;
  return it->second;  // a copy, made under the lock: a reference would outlive it
}
