// Fan-out, fan-in: three stages read one channel; merge() joins their outputs.
#include <fmt/core.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "conc/chan.hpp"
#include "conc/go.hpp"
#include "conc/waitgroup.hpp"

conc::RecvChan<int> square(conc::RecvChan<int> in) {
  const auto out = conc::make_chan<int>();
  conc::go([in, out] {
    for (int v : in) out.send(v * v);
    out.close();
  });
  return out;
}

conc::RecvChan<int> merge(const std::vector<conc::RecvChan<int>>& inputs) {
  const auto out = conc::make_chan<int>();
  const auto wg = std::make_shared<conc::WaitGroup>();  // outlives merge()
  for (const auto& in : inputs) {
    wg->go([in, out] { for (int v : in) out.send(v); });
  }
  conc::go([wg, out] {  // close once, after every input has ended
    wg->wait();
    out.close();
  });
  return out;
}

int main() {
  const auto numbers = conc::make_chan<int>(9);  // the first stage's output
  for (int n = 1; n <= 9; ++n) numbers.send(n);
  numbers.close();
  // Fan out: three stages read `numbers`. Fan in: merge() joins their output.
  const auto merged =
      merge({square(numbers), square(numbers), square(numbers)});
  std::vector<int> got;
  for (int v : merged) got.push_back(v);
  std::sort(got.begin(), got.end());  // who squared what, and when, varies
  for (int v : got) fmt::print("{} ", v);
  fmt::print("\n");
}
