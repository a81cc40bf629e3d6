// conc::Ticker: one tick per period. Its channel holds a single tick, so
// a slow receiver misses ticks instead of queueing them.
#include <fmt/core.h>

#include <chrono>

#include "conc/select.hpp"
#include "conc/testing/fake_clock.hpp"
#include "conc/time.hpp"

using namespace std::chrono_literals;

int main() {
  // Virtual time (see "Whose clock?" below): the receiver is late by
  // exactly 35 ms, on any machine, however loaded.
  conc::testing::FakeClock clock;
  const conc::TimePoint start = conc::now();
  const auto ms = [start](conc::TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t - start)
        .count();
  };

  conc::Ticker ticker(10ms);
  clock.advance(35ms);  // too slow: ticks fall due at 10, 20 and 30 ms

  // A tick carries the time it was due. The channel kept the 10 ms tick
  // and dropped the two others; the next one stays on the 10 ms grid.
  const conc::TimePoint first = *ticker.c().recv();
  clock.advance(10ms);  // now 45 ms: the 40 ms tick is sent
  const conc::TimePoint second = *ticker.c().recv();
  fmt::print("ticks received: due at {} ms and {} ms\n", ms(first),
             ms(second));

  ticker.stop();  // no tick is sent after stop() returns
  clock.advance(100ms);
  const bool ticked =
      conc::select(conc::case_recv(ticker.c()), conc::case_default()) == 0;
  fmt::print("a tick after stop: {}\n", ticked ? "yes" : "no");
  return ms(second) == 40 && !ticked ? 0 : 1;
}  // a Ticker also stops when it is destroyed
