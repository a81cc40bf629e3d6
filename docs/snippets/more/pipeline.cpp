// A pipeline: generate -> square -> main. Cancelling stops it; closes go down.
#include <fmt/core.h>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/go.hpp"
#include "conc/select.hpp"

conc::RecvChan<int> generate(const conc::Context& ctx) {  // 1, 2, 3, ...
  const auto out = conc::make_chan<int>();
  conc::go([ctx, out] {
    for (int i = 1;; ++i) {
      const auto ran = conc::select(conc::case_send(out, i),
                                    conc::case_recv(ctx.done()));
      if (ran == 1) break;  // cancelled
    }
    out.close();
  });
  return out;
}

conc::RecvChan<int> square(const conc::Context& ctx, conc::RecvChan<int> in) {
  const auto out = conc::make_chan<int>();
  conc::go([ctx, in, out] {
    for (int v : in) {  // until upstream closes its output
      // Send v * v, or drop it once cancelled.
      conc::select(conc::case_send(out, v * v), conc::case_recv(ctx.done()));
    }
    out.close();  // upstream has ended, so does this stage: tell downstream
  });
  return out;
}

int main() {
  auto [ctx, cancel] = conc::with_cancel(conc::background());
  const conc::RecvChan<int> squares = square(ctx, generate(ctx));
  for (int v : squares) {
    fmt::print("{} ", v);
    if (v >= 25) break;  // enough
  }
  cancel();                  // the generator would run forever: stop it
  while (squares.recv()) {}  // closed only once every stage has ended
  fmt::print("\nevery stage has ended\n");
}
