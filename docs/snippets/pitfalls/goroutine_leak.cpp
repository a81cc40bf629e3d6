// A goroutine leak: the consumer stops early; the generator waits for
// ever to send.
#include <fmt/core.h>

#include <chrono>
#include <string_view>

#include "conc/chan.hpp"
#include "conc/debug.hpp"
#include "conc/go.hpp"
#include "conc/testing/goroutines.hpp"

conc::RecvChan<int> count_to(int max) {
  const auto ch = conc::make_chan<int>();
  conc::go([ch, max] {
    for (int i = 0; i < max; ++i) ch.send(i);  // waits for a receiver
    ch.close();
  });
  return ch;
}

int main() {
  const auto numbers = count_to(10);
  for (int i : numbers) {
    if (i > 2) break;  // we stop at 3: the generator is in send(4)
    fmt::print("{}\n", i);
  }

  conc::testing::wait_blocked(1, std::chrono::seconds(5));
  fmt::print("goroutines running: {}\n", conc::goroutines());
  for (const auto& t : conc::debug::blocked_threads()) {
    const std::string_view what = t.operation;  // "channel send (0x...)"
    fmt::print("{}: {}\n", t.thread, what.substr(0, what.find(" (")));
  }

  // It stays stuck until someone does what it waits for. We still can:
  for ([[maybe_unused]] int rest : numbers) {}  // receive 4 to 9
  conc::testing::wait_goroutines(0, std::chrono::seconds(5));
  fmt::print("after draining: {}\n", conc::goroutines());
}
