// One buffer slot per goroutine: each sends its result and ends at once.
#include <fmt/core.h>

#include "conc/chan.hpp"
#include "conc/waitgroup.hpp"

int main() {
  constexpr int kWorkers = 5;
  const auto results = conc::make_chan<int>(kWorkers);  // a slot each

  conc::WaitGroup wg;
  for (int i = 1; i <= kWorkers; ++i) {
    // Never blocks: there is a slot for it, whatever main is doing.
    wg.go([results, i] { results.send(i * i); });
  }

  // We know how many goroutines we started: that many values to receive.
  int sum = 0;
  for (int i = 0; i < kWorkers; ++i) sum += *results.recv();
  fmt::print("sum of the squares of 1..{}: {}\n", kWorkers, sum);
  wg.wait();
}
