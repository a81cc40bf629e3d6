// docs: compile only — this program has a data race and dangling
// references on purpose.
#include <fmt/core.h>

#include <vector>

#include "conc/chan.hpp"
#include "conc/go.hpp"

int main() {
  const std::vector<int> a{2, 4, 6, 8, 10};
  const auto ch = conc::make_chan<int>(2 * a.size());

  for (std::size_t i = 0; i < a.size(); ++i) {
    // [&] captures i by reference: all the goroutines share the one i
    // that the loop keeps incrementing (a data race), and that dies
    // when the loop ends (a dangling reference).
    conc::go([&] { ch.send(a[i] * 2); });
  }
  for (int v : a) {
    // A range-for makes a new v per iteration, but that v dies at the
    // end of its iteration, maybe before the goroutine reads it.
    conc::go([&] { ch.send(v * 2); });
  }

  for (std::size_t n = 0; n < 2 * a.size(); ++n) {
    fmt::print("{}\n", ch.recv().value_or(-1));  // anything at all
  }
}
