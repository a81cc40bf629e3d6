// conc::Ticker: one tick per period. Its channel holds a single tick, so
// a slow receiver misses ticks instead of queueing them.
#include <fmt/core.h>

#include <chrono>

#include "conc/select.hpp"
#include "conc/time.hpp"

using namespace std::chrono_literals;

int main() {
  conc::Ticker ticker(10ms);
  conc::sleep(35ms);  // too slow: ticks due at 10, 20 and 30 ms

  // A tick carries the time it was due. The channel kept the 10 ms tick;
  // the next one is due after we caught up, not at 20 ms.
  const auto first = *ticker.c().recv();
  const auto second = *ticker.c().recv();
  const bool missed = second - first > 10ms;
  fmt::print("ticks missed while we slept: {}\n", missed ? "yes" : "no");

  ticker.stop();  // no tick is sent after stop() returns
  const auto ran = conc::select(conc::case_recv(ticker.c()),
                                conc::case_recv(conc::after(30ms)));
  fmt::print("a tick after stop: {}\n", ran == 0 ? "yes" : "no");
  return missed && ran == 1 ? 0 : 1;
}  // a Ticker also stops when it is destroyed
