// Directional views: a function says which end it uses; the compiler
// enforces it.
#include <fmt/core.h>

#include <string>

#include "conc/chan.hpp"

void send_only(conc::SendChan<std::string> out) {  // out chan<- string
  out.send("hello");
}

void receive_only(conc::RecvChan<std::string> in) {  // in <-chan string
  fmt::print("{}\n", in.recv().value_or("(closed)"));
}

// Checked at compile time: a view has no member for the other end.
template <class C> concept CanSend = requires(C c) { c.send("x"); };
template <class C> concept CanRecv = requires(C c) { c.recv(); };
template <class C> concept CanClose = requires(C c) { c.close(); };
using Out = conc::SendChan<std::string>;
using In = conc::RecvChan<std::string>;
static_assert(CanSend<Out> && CanClose<Out> && !CanRecv<Out>);
static_assert(CanRecv<In> && !CanSend<In> && !CanClose<In>);

int main() {
  const auto ch = conc::make_chan<std::string>(1);
  send_only(ch);  // a Chan<T> converts to either view implicitly
  receive_only(ch);
}
