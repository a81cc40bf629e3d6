// A cancellable function: it returns when its work is done OR when its
// context is cancelled, whichever comes first.
#include <fmt/core.h>

#include <chrono>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/error.hpp"
#include "conc/go.hpp"
#include "conc/select.hpp"
#include "conc/time.hpp"

conc::Error download(const conc::Context& ctx, conc::Duration takes) {
  conc::Timer work(takes);  // simulated work; ~Timer() stops it on return
  conc::Error err;
  // Finished first, or cancelled first:
  conc::select(conc::case_recv(work.c()),
               conc::case_recv(ctx.done(), [&] { err = ctx.err(); }));
  return err;
}

int main() {
  auto [ctx, cancel] = conc::with_cancel(conc::background());
  const auto outcome = conc::make_chan<conc::Error>(1);
  conc::go([ctx = ctx, outcome] {  // a context is a cheap handle: copy it in
    outcome.send(download(ctx, std::chrono::hours(1)));
  });
  cancel();  // no longer needed: done() closes, download() returns at once
  fmt::print("download: {}\n", *outcome.recv());  // download: context canceled
}
