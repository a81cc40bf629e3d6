// A buffered channel: a send completes at once while there is room.
#include <fmt/core.h>

#include "conc/chan.hpp"

int main() {
  const auto queue = conc::make_chan<int>(3);  // make(chan int, 3)

  queue.send(1);  // no receiver anywhere: the buffer takes the values
  queue.send(2);
  queue.send(3);
  fmt::print("len {} cap {}\n", queue.len(), queue.cap());
  // The buffer is full: a fourth send would block until someone receives.

  for (int i = 0; i < 3; ++i) {
    fmt::print("received {}\n", *queue.recv());  // first in, first out
  }
}
