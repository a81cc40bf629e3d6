// ErrGroup with a limit: at most 2 tasks at once; try_go refuses when full.
#include <fmt/core.h>

#include <atomic>

#include "conc/chan.hpp"
#include "conc/errgroup.hpp"

int main() {
  conc::ErrGroup group;
  group.set_limit(2);
  std::atomic<int> running{0};
  std::atomic<bool> too_many{false};
  for (int i = 0; i < 8; ++i) {
    group.go([&running, &too_many, i] {  // go() waits while 2 tasks run
      if (++running > 2) too_many = true;
      --running;
      return i == 5 ? conc::Error("task 5 failed") : conc::Error{};
    });
  }
  const conc::Error err = group.wait();
  fmt::print("wait: {}; more than 2 at once: {}\n", err, too_many.load());

  conc::ErrGroup full;
  full.set_limit(1);
  const auto release = conc::make_chan<conc::Unit>();
  full.go([release] {  // holds the only place until release is closed
    release.recv();
    return conc::Error{};
  });
  const bool started = full.try_go([] { return conc::Error{}; });
  release.close();
  full.wait();
  fmt::print("try_go while full: {}\n", started);
  return too_many ? 1 : 0;
}
