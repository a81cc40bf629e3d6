// The mutex is a private detail: callers see plain member functions.
#include <fmt/core.h>

#include <map>
#include <mutex>
#include <string>

#include "conc/waitgroup.hpp"

class Scoreboard {  // nobody can forget the lock, or misuse it
 public:
  void add(const std::string& player, int points) {
    std::lock_guard lock(mutex_);
    points_[player] += points;
  }
  int points(const std::string& player) const {
    std::lock_guard lock(mutex_);
    return points_.contains(player) ? points_.at(player) : 0;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, int> points_;  // guarded by mutex_
};

int main() {
  Scoreboard board;
  conc::WaitGroup wg;  // the caller decides what runs concurrently
  for (int round = 0; round < 100; ++round) {
    wg.go([&board] { board.add("ada", 1); });
  }
  wg.wait();
  fmt::print("ada: {} points\n", board.points("ada"));
  return board.points("ada") == 100 ? 0 : 1;
}
