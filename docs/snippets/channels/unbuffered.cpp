// An unbuffered channel: the send waits for the receive, so the two goroutines meet.
#include <fmt/core.h>

#include <string>

#include "conc/chan.hpp"
#include "conc/go.hpp"

int main() {
  auto messages = conc::make_chan<std::string>();  // no buffer: a send waits for a receiver
  conc::go([messages] { messages.send("ping"); });
  const auto message = messages.recv();  // std::optional: empty once the channel is closed
  fmt::print("received {}\n", message.value_or("nothing"));
}
