// select/1 — your code goes here. The brief: select/timerticker/exercise1.md. Run: make select/1
#include "timerticker.hpp"

#include <conc/select.hpp>

void timer_ticker([[maybe_unused]] conc::Duration timer, [[maybe_unused]] conc::Duration tick,
                  [[maybe_unused]] std::ostream& out) {
  // TODO: create a conc::Timer that fires after `timer` and a conc::Ticker of period `tick`, then
  // loop on a conc::select over both channels:
  //   - a tick:        write "Hello from ticker\n" to `out`, and wait again;
  //   - the timer:     write "Time to say goodbye\n" to `out`, and return.
  // Wait with conc only: the tests move conc's clock, not the real one.
}
