// Closing a channel wakes every receiver at once: one close is a broadcast.
#include <fmt/core.h>

#include "conc/chan.hpp"
#include "conc/waitgroup.hpp"

int main() {
  const auto start = conc::make_chan<conc::Unit>();
  const auto started = conc::make_chan<int>(3);

  conc::WaitGroup wg;
  for (int id = 1; id <= 3; ++id) {
    wg.go([start, started, id] {
      start.recv();  // blocks until start is closed
      started.send(id);
    });
  }

  fmt::print("before close: {} started\n", started.len());
  start.close();  // no value sent: all three receivers wake up
  wg.wait();
  fmt::print("after close: {} started\n", started.len());
}
