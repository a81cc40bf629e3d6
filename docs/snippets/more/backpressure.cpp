// Backpressure: a fixed number of places; a request finding none is refused.
#include <fmt/core.h>

#include "conc/chan.hpp"
#include "conc/error.hpp"
#include "conc/select.hpp"
#include "conc/waitgroup.hpp"

const conc::Error no_capacity("no more capacity");

struct PressureGauge {
  conc::Chan<conc::Unit> tokens;  // one token per free place

  explicit PressureGauge(std::size_t limit)
      : tokens(conc::make_chan<conc::Unit>(limit)) {
    for (std::size_t i = 0; i < limit; ++i) tokens.send(conc::Unit{});
  }
  template <class F>
  conc::Error process(F f) {
    bool got_place = false;
    conc::select(conc::case_recv(tokens, [&] { got_place = true; }),
                 conc::case_default());  // no token now: do not wait for one
    if (!got_place) return no_capacity;
    f();
    tokens.send(conc::Unit{});  // never blocks: the token goes back
    return {};
  }
};

int main() {
  PressureGauge gauge(2);
  const auto started = conc::make_chan<conc::Unit>();
  const auto finish = conc::make_chan<conc::Unit>();  // closed: they may end
  conc::WaitGroup wg;
  for (int i = 0; i < 2; ++i) {
    wg.go([&gauge, started, finish] {  // a slow request
      (void)gauge.process([&] { started.send({}); finish.recv(); });
    });
  }
  started.recv();
  started.recv();  // both places are taken now
  fmt::print("a third request: {}\n", gauge.process([] {}));
  finish.close();
  wg.wait();
  fmt::print("once they ended: {}\n", gauge.process([] {}));
}
