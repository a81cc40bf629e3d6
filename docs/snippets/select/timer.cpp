// conc::Timer: stop() and reset() say whether they cancelled a fire.
#include <fmt/core.h>

#include <chrono>

#include "conc/select.hpp"
#include "conc/time.hpp"

using namespace std::chrono_literals;

// True when a value waits on the timer's channel (a non-blocking receive).
bool has_value(const conc::Timer& t) {
  return conc::select(conc::case_recv(t.c()), conc::case_default()) == 0;
}

int main() {
  conc::Timer timer(1h);
  fmt::print("stop a pending timer: {}\n", timer.stop());  // it won't fire
  fmt::print("stop it again:        {}\n", timer.stop());  // nothing to stop

  // reset() reports like stop(); a duration <= 0 fires at once.
  fmt::print("reset a stopped one:  {}\n", timer.reset(0ms));
  const auto fired_at = timer.c().recv();  // received: the timer is spent
  fmt::print("received, then stop:  {}\n", timer.stop());

  conc::Timer unread(0ms);  // fires at once; nobody receives
  fmt::print("stop a fired, unread: {}\n", unread.stop());  // discarded
  fmt::print("stale value left:     {}\n", has_value(unread));
  return fired_at.has_value() ? 0 : 1;
}  // a Timer also stops when it is destroyed
