// Closing twice or sending after close: Go panics, conc throws.
#include <fmt/core.h>

#include "conc/chan.hpp"

int main() {
  const auto ch = conc::make_chan<int>(1);
  ch.send(1);
  ch.close();

  try {
    ch.close();
  } catch (const conc::ClosedChannelError& e) {
    fmt::print("close again:      {}\n", e.what());
  }
  try {
    ch.send(2);
  } catch (const conc::ClosedChannelError& e) {
    fmt::print("send after close: {}\n", e.what());
  }

  // Receivers are fine: they drain the buffer, then get nullopt.
  const auto first = ch.recv(), second = ch.recv();
  fmt::print("receive:          {}\n", first.value_or(-1));
  fmt::print("receive again:    {}\n", second ? "a value" : "nullopt");
}
