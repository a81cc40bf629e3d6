// The sender closes the channel after its last send; the receiver's
// loop then ends by itself.
#include <fmt/core.h>

#include "conc/chan.hpp"
#include "conc/waitgroup.hpp"

int main() {
  const auto numbers = conc::make_chan<int>();

  conc::WaitGroup wg;
  wg.go([numbers] {
    for (int i = 1; i <= 3; ++i) numbers.send(i);
    numbers.close();  // only the sender knows that nothing more is coming
  });

  for (int n : numbers) {  // Go: for n := range numbers
    fmt::print("received {}\n", n);
  }
  // Closed and drained: every receive now returns nullopt, at once.
  const bool got_one = numbers.recv().has_value();
  fmt::print("after the loop, recv() has a value: {}\n", got_one);
  wg.wait();
}
