// Singleflight: five callers ask for one key at once; the fetch runs once.
#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <string>
#include <utility>

#include "conc/chan.hpp"
#include "conc/singleflight.hpp"
#include "conc/testing.hpp"
#include "conc/waitgroup.hpp"

int main() {
  conc::SingleFlight<std::string> weather;
  std::atomic<int> fetches{0}, shared{0};
  const auto db = conc::make_chan<conc::Unit>();  // slow: answers once closed
  auto fetch = [&fetches, db]() -> std::pair<std::string, conc::Error> {
    ++fetches;
    db.recv();
    return {"sunny", {}};
  };

  conc::WaitGroup wg;
  for (int i = 0; i < 5; ++i) {
    wg.go([&] {
      auto [info, err, was_shared] = weather.call("Paris", fetch);
      if (was_shared && info == "sunny") ++shared;
    });
  }
  // The tests' way to wait without sleeping: until one caller is in fetch
  // (waiting on db) and the four others wait for its result.
  if (!conc::testing::wait_blocked(5, std::chrono::seconds(5))) return 1;
  db.close();
  wg.wait();
  fmt::print("5 callers, {} fetch, {} got the shared result\n",
             fetches.load(), shared.load());

  auto later = weather.call("Paris", fetch);  // not a cache: it runs again
  fmt::print("a later call: fetches={}, shared={}\n", fetches.load(),
             later.shared);
}
