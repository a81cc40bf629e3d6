// One deadline for a whole request: A and B at once, then C, within `limit`.
#include <fmt/core.h>

#include <chrono>

#include "conc/context.hpp"
#include "conc/errgroup.hpp"
#include "conc/select.hpp"

// Stand-ins for three services; B never answers when asked about 0.
conc::Error get_a(const conc::Context&, int in, int& out) {
  out = in * 10;
  return {};
}
conc::Error get_b(const conc::Context& ctx, int in, int& out) {
  if (in == 0) conc::select(conc::case_recv(ctx.done()));  // hangs till done
  out = in;
  return ctx.err();
}
conc::Error get_c(const conc::Context& ctx, int a, int b, int& out) {
  out = a + b;
  return ctx.err();
}

conc::Error gather_and_process(const conc::Context& parent,
                               conc::Duration limit, int a_in, int b_in,
                               int& out) {
  auto [ctx, cancel] = conc::with_timeout(parent, limit);
  int a = 0, b = 0;
  conc::ErrGroup group(ctx);  // a first error cancels the other call
  group.go([&] { return get_a(group.context(), a_in, a); });
  group.go([&] { return get_b(group.context(), b_in, b); });
  conc::Error err = group.wait();
  if (!err) err = get_c(ctx, a, b, out);  // C needs both, within the deadline
  cancel();  // Go's defer cancel(): releases the timer
  return err;
}

int main() {
  using namespace std::chrono_literals;
  int out = 0;
  conc::Error err = gather_and_process(conc::background(), 1s, 4, 2, out);
  fmt::print("out={} err={}\n", out, err);
  err = gather_and_process(conc::background(), 50ms, 4, 0, out);  // B hangs
  fmt::print("err={}\n", err);
}
