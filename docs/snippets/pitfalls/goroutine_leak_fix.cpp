// The fix: a way out. The generator selects on its send and on
// ctx.done(); the consumer cancels the context when it stops reading.
#include <fmt/core.h>

#include <chrono>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/go.hpp"
#include "conc/select.hpp"
#include "conc/testing/goroutines.hpp"

conc::RecvChan<int> count_to(const conc::Context& ctx, int max) {
  const auto ch = conc::make_chan<int>();
  conc::go([ctx, ch, max] {
    for (int i = 0; i < max; ++i) {
      bool cancelled = false;
      conc::select(  // select { case ch <- i: case <-ctx.Done(): }
          conc::case_send(ch, i),
          conc::case_recv(ctx.done(), [&] { cancelled = true; }));
      if (cancelled) return;  // nobody wants the rest: stop here
    }
    ch.close();
  });
  return ch;
}

int main() {
  auto [ctx, cancel] = conc::with_cancel(conc::background());
  for (int i : count_to(ctx, 10)) {
    if (i > 2) break;
    fmt::print("{}\n", i);
  }
  cancel();  // the one line that frees the generator

  const auto timeout = std::chrono::seconds(5);
  const bool none_left = conc::testing::wait_goroutines(0, timeout);
  fmt::print("goroutines running: {}\n", conc::goroutines());
  return none_left ? 0 : 1;
}
