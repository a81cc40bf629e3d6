// A semaphore made of a buffered channel: 6 downloads, never more than 2
// at once.
#include <fmt/core.h>

#include <atomic>
#include <chrono>

#include "conc/chan.hpp"
#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

int main() {
  const auto slots = conc::make_chan<conc::Unit>(2);  // capacity: the places
  std::atomic<int> in_flight{0};
  std::atomic<bool> too_many{false};

  conc::WaitGroup wg;
  for (int i = 0; i < 6; ++i) {
    wg.go([slots, &in_flight, &too_many] {
      slots.send(conc::Unit{});  // take a place: blocks while both are taken
      if (++in_flight > 2) too_many = true;
      conc::sleep(std::chrono::milliseconds(2));  // the simulated download
      --in_flight;
      slots.recv();  // give the place back: one blocked sender goes through
    });
  }
  wg.wait();

  fmt::print("6 downloads, never more than 2 at once: {}\n", !too_many);
  return too_many ? 1 : 0;
}
