// A worker that stops when its context is done; ctx.err() tells why.
#include <fmt/core.h>

#include <chrono>
#include <string>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/select.hpp"
#include "conc/waitgroup.hpp"

void do_work(const conc::Context& ctx, conc::RecvChan<std::string> input) {
  for (;;) {
    bool stop = false;
    conc::select(conc::case_recv(input, [](auto in) {
                   fmt::print("got some input: {}\n", *in);
                 }),
                 conc::case_recv(ctx.done(), [&] { stop = true; }));
    if (stop) {
      fmt::print("stopped: {}\n", ctx.err());
      return;
    }
  }
}

int main() {
  using namespace std::chrono_literals;
  const auto input = conc::make_chan<std::string>();
  conc::WaitGroup wg;

  auto [timed, cancel_timed] = conc::with_timeout(conc::background(), 20ms);
  wg.go([ctx = timed, input] { do_work(ctx, input); });  // no input comes
  wg.wait();
  cancel_timed();  // always call it: it releases the context's timer

  auto [ctx, cancel] = conc::with_cancel(conc::background());
  wg.go([ctx = ctx, input] { do_work(ctx, input); });
  input.send("hello");
  cancel();  // stop it now
  wg.wait();

  auto [child, cancel_child] = conc::with_timeout(timed, 1h);  // asks for more
  fmt::print("child's deadline is its parent's: {}, err: {}\n",
             child.deadline() == timed.deadline(), child.err());
  cancel_child();
}
