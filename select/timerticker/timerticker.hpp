// select/1 — a timer and a ticker in one select loop (Go: TimerTicker, in the course's select/).
//
//   timer_ticker(std::chrono::milliseconds(55), std::chrono::milliseconds(10), std::cout);
//
// prints, one line each:
//
//   Hello from ticker        at 10, 20, 30, 40 and 50 ms: once per tick
//   Hello from ticker
//   Hello from ticker
//   Hello from ticker
//   Hello from ticker
//   Time to say goodbye      at 55 ms, when the timer fires; then it returns
//
// Given: the tests call this declaration, so keep it as it is. You write the body, in
// timerticker.cpp (the brief, select/timerticker/exercise1.md, walks you through it).
#pragma once

#include <ostream>

#include <conc/time.hpp>

// Blocks until `timer` of library time has passed (conc::now(): the steady clock, or a test's
// conc::testing::FakeClock). Meanwhile writes "Hello from ticker" and a newline to `out` on every
// tick of a ticker of period `tick`; when the timer fires, writes "Time to say goodbye" and a
// newline, stops the ticker and returns. Nothing is written to `out` after it returns.
//
// It waits with conc time only (conc::Timer, conc::Ticker, conc::select), never with
// std::this_thread::sleep_for or a std::chrono clock: that is what lets a FakeClock drive it.
//
// Requires tick > 0: conc::Ticker throws std::logic_error("non-positive interval for Ticker")
// otherwise. When `timer` is a multiple of `tick`, the last tick and the timer are due at the same
// instant and select picks either: that last "Hello from ticker" may or may not be printed.
void timer_ticker(conc::Duration timer, conc::Duration tick, std::ostream& out);
