// Merge two channels until both are closed. A closed input is replaced
// by the nil channel, which turns its case off.
#include <fmt/core.h>

#include <optional>

#include "conc/chan.hpp"
#include "conc/select.hpp"
#include "conc/waitgroup.hpp"

int main() {
  conc::WaitGroup wg;
  const auto produce = [&wg](int first) {  // sends first, first+2, ... < 10
    const auto out = conc::make_chan<int>();
    wg.go([out, first] {
      for (int i = first; i < 10; i += 2) out.send(i);
      out.close();
    });
    return out;
  };

  conc::RecvChan<int> a = produce(0);  // the variables the select reads
  conc::RecvChan<int> b = produce(1);
  const conc::RecvChan<int> nil;       // never ready
  int sum = 0;

  while (a != nil || b != nil) {  // until both cases are off
    conc::select(
        conc::case_recv(a, [&](std::optional<int> v) {
          if (v) sum += *v;
          else a = nil;  // closed: this case will never fire again
        }),
        conc::case_recv(b, [&](std::optional<int> v) {
          if (v) sum += *v;
          else b = nil;
        }));
  }
  wg.wait();
  fmt::print("both closed; the sum of 0..9 is {}\n", sum);
}
