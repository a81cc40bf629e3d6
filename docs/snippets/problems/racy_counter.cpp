// docs: compile only — this program has a data race on purpose.
#include <fmt/core.h>

#include "conc/waitgroup.hpp"

int x = 0;  // shared by every goroutine, guarded by nothing

int main() {
  conc::WaitGroup wg;
  for (int i = 0; i < 1000; ++i) {
    wg.add(1);
    conc::go([&wg] {
      x = x + 1;  // read, add, write: others may run between the steps
      wg.done();
    });
  }
  wg.wait();
  fmt::print("X = {}\n", x);  // often 1000, sometimes less: undefined
}
