// A generator with a cancel function: leaving the loop early leaks nothing.
#include <fmt/core.h>

#include <functional>
#include <utility>

#include "conc/chan.hpp"
#include "conc/go.hpp"
#include "conc/select.hpp"

std::pair<conc::RecvChan<int>, std::function<void()>> count_to(int max) {
  const auto ch = conc::make_chan<int>();
  const auto done = conc::make_chan<conc::Unit>();
  const auto exited = conc::make_chan<conc::Unit>();
  conc::go([ch, done, exited, max] {
    for (int i = 0; i < max; ++i) {
      // Send i, unless done is closed first (select returns the case's index).
      if (conc::select(conc::case_send(ch, i), conc::case_recv(done)) == 1) {
        break;
      }
    }
    ch.close();
    exited.close();
  });
  auto cancel = [done, exited] {
    done.close();   // ask the generator to stop...
    exited.recv();  // ...and, since a closure can do more, wait until it has
  };
  return {ch, cancel};
}

int main() {
  auto [numbers, cancel] = count_to(10);
  for (int i : numbers) {
    if (i > 5) break;
    fmt::print("{} ", i);
  }
  cancel();  // call it once: a second done.close() would throw
  fmt::print("\nthe generator has ended\n");
}
