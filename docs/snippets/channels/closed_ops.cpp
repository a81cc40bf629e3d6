// A closed channel and the nil channel, checked against the table.
#include <fmt/core.h>

#include "conc/chan.hpp"

// Runs f, which must throw ClosedChannelError, and prints the message.
template <class F>
bool throws(const char* what, F f) {
  try {
    f();
  } catch (const conc::ClosedChannelError& e) {
    fmt::print("{:<16} throws: {}\n", what, e.what());
    return true;
  }
  return false;
}

int main() {
  const auto ch = conc::make_chan<int>(1);
  ch.send(7);
  ch.close();
  bool ok = ch.recv() == 7;             // buffered before close: delivered
  ok = ok && !ch.recv() && !ch.recv();  // then nullopt, every time
  ok = throws("send on closed", [&] { ch.send(8); }) && ok;
  ok = throws("close of closed", [&] { ch.close(); }) && ok;

  const conc::Chan<int> nil;  // Chan<T>{}: the nil channel
  ok = throws("close of nil", [&] { nil.close(); }) && ok;
  fmt::print("nil channel: len {} cap {}\n", nil.len(), nil.cap());
  // nil.send(1) and nil.recv() would block forever.
  return ok ? 0 : 1;
}
