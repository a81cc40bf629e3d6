// The fix: give each goroutine its own copy of the loop variable.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <vector>

#include "conc/chan.hpp"
#include "conc/go.hpp"
#include "conc/waitgroup.hpp"

int main() {
  const std::vector<int> a{2, 4, 6, 8, 10};
  const auto ch = conc::make_chan<int>(2 * a.size());
  conc::WaitGroup wg;

  for (int v : a) {
    // 1. Capture by value: the lambda holds its own copy of v.
    wg.go([ch, v] { ch.send(v * 2); });
  }
  for (int v : a) {
    // 2. Pass it as an argument: go() copies it, as std::thread does.
    wg.add(1);
    conc::go([ch, &wg](int value) {
      ch.send(value * 2);
      wg.done();
    }, v);
  }
  wg.wait();  // all have sent: &wg is not used after main returns
  ch.close();

  std::vector<int> doubled;
  for (int d : ch) doubled.push_back(d);
  std::sort(doubled.begin(), doubled.end());  // they end in any order
  fmt::print("{}\n", fmt::join(doubled, " "));
  const std::vector<int> expected{4, 4, 8, 8, 12, 12, 16, 16, 20, 20};
  return doubled == expected ? 0 : 1;
}
