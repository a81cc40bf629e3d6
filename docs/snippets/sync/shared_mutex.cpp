// Many readers at once, or one writer alone: std::shared_mutex.
#include <fmt/core.h>

#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "conc/waitgroup.hpp"

class Directory {
 public:
  std::optional<std::string> lookup(const std::string& name) const {
    std::shared_lock lock(mutex_);  // Go: mu.RLock(); defer mu.RUnlock()
    const auto it = numbers_.find(name);
    if (it == numbers_.end()) return std::nullopt;
    return it->second;  // a copy, made under the lock
  }

  void set(const std::string& name, std::string number) {
    std::unique_lock lock(mutex_);  // Go: mu.Lock(); defer mu.Unlock()
    numbers_[name] = std::move(number);
  }

 private:
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::string> numbers_;  // guarded by mutex_
};

int main() {
  Directory dir;
  dir.set("alice", "555-0100");
  conc::WaitGroup wg;
  for (int i = 0; i < 8; ++i) {
    wg.go([&dir] { (void)dir.lookup("alice"); });  // readers share
  }
  wg.go([&dir] { dir.set("bob", "555-0199"); });  // the writer is alone
  wg.wait();
  fmt::print("bob: {}\n", dir.lookup("bob").value_or("unknown"));
}
