// A tally shared by goroutines: one mutex guards the map.
#include <fmt/core.h>

#include <map>
#include <mutex>
#include <string>

#include "conc/waitgroup.hpp"

class Tally {
 public:
  void vote(const std::string& name) {
    std::lock_guard lock(mutex_);  // Go: mu.Lock(); defer mu.Unlock()
    ++votes_[name];
  }  // unlocked here, on every way out (return or exception)

  int votes(const std::string& name) const {
    std::lock_guard lock(mutex_);  // a read needs the lock too
    const auto it = votes_.find(name);
    return it == votes_.end() ? 0 : it->second;
  }

 private:
  mutable std::mutex mutex_;  // mutable: votes() is const, locking is not
  std::map<std::string, int> votes_;  // guarded by mutex_
};

int main() {
  Tally tally;
  conc::WaitGroup wg;
  for (int i = 0; i < 99; ++i) {
    wg.go([&tally, i] { tally.vote(i % 3 == 0 ? "tabs" : "spaces"); });
  }
  wg.wait();
  const int tabs = tally.votes("tabs"), spaces = tally.votes("spaces");
  fmt::print("tabs {}, spaces {}\n", tabs, spaces);
  return tabs == 33 && spaces == 66 ? 0 : 1;
}
