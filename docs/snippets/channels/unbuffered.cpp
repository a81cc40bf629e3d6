// An unbuffered channel: the send waits for the receive; the two meet.
#include <fmt/core.h>

#include <string>

#include "conc/chan.hpp"
#include "conc/waitgroup.hpp"

int main() {
  // No buffer: a send waits for a receiver.
  const auto messages = conc::make_chan<std::string>();

  conc::WaitGroup wg;
  wg.go([messages] {        // a copy of the handle: the same channel
    messages.send("ping");  // blocks until main takes the value
  });

  // std::optional: empty once the channel is closed and drained.
  const auto message = messages.recv();
  fmt::print("received {}\n", message.value_or("nothing"));
  wg.wait();  // the sender has returned: nothing outlives main
}
