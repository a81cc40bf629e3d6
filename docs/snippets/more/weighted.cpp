// Weighted bounded concurrency: a task takes as many tokens as it costs.
#include <fmt/core.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "conc/context.hpp"
#include "conc/errgroup.hpp"
#include "conc/semaphore.hpp"

int main() {
  const std::vector<std::string> cities{"Paris", "Strasbourg", "Carcassonne",
                                        "Nice"};
  std::vector<std::string> done(cities.size());  // one slot per city
  const conc::Context ctx = conc::background();  // a caller would pass its own
  conc::WeightedSemaphore sem(10);               // 10 letters at once
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<bool> too_heavy{false};

  conc::ErrGroup group;
  for (std::size_t i = 0; i < cities.size(); ++i) {
    const auto cost = static_cast<std::int64_t>(cities[i].size());
    if (const conc::Error err = sem.acquire(ctx, cost)) {  // waits for room
      fmt::print("skipped {}: {}\n", cities[i], err);  // ctx done, or cost > 10
      continue;
    }
    group.go([&, i, cost] {
      if ((in_flight += cost) > 10) too_heavy = true;
      done[i] = fmt::format("{}:{}", cities[i], cost);  // the slow call
      in_flight -= cost;
      sem.release(cost);  // give back exactly what was taken
      return conc::Error{};
    });
  }
  group.wait();
  for (const std::string& d : done) fmt::print("{} ", d.empty() ? "-" : d);
  fmt::print("\nweight in flight above 10: {}\n", too_heavy.load());
  return too_heavy ? 1 : 0;
}
