// Bounded concurrency: a channel of 2 tokens lets at most 2 tasks run at once.
#include <fmt/core.h>

#include <atomic>
#include <string>
#include <vector>

#include "conc/chan.hpp"
#include "conc/errgroup.hpp"

int main() {
  const std::vector<std::string> cities{"Paris", "Lyon", "Lille",
                                        "Nantes", "Brest", "Nice"};
  std::vector<std::size_t> lengths(cities.size());  // one slot per city
  const auto tokens = conc::make_chan<conc::Unit>(2);  // 2 places
  std::atomic<int> running{0};
  std::atomic<bool> too_many{false};

  conc::ErrGroup group;
  for (std::size_t i = 0; i < cities.size(); ++i) {
    tokens.send(conc::Unit{});  // take a place: waits while 2 tasks hold one
    group.go([&cities, &lengths, &running, &too_many, tokens, i] {
      if (++running > 2) too_many = true;
      lengths[i] = cities[i].size();  // the slow call, into its own slot
      --running;
      tokens.recv();  // give the place back
      return conc::Error{};
    });
  }
  if (group.wait()) return 1;  // no task fails here

  for (std::size_t i = 0; i < cities.size(); ++i) {
    fmt::print("{}={} ", cities[i], lengths[i]);
  }
  fmt::print("\nmore than 2 at once: {}\n", too_many.load());
  return too_many ? 1 : 0;
}
