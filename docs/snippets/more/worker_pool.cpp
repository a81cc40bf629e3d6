// A worker pool: 3 workers share one queue; a monitor closes `out` after them.
#include <fmt/core.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "conc/chan.hpp"
#include "conc/go.hpp"
#include "conc/waitgroup.hpp"

std::vector<int> process_and_gather(conc::RecvChan<int> in,
                                    std::function<int(int)> processor,
                                    int workers) {
  const auto out = conc::make_chan<int>(static_cast<std::size_t>(workers));
  conc::WaitGroup wg;
  for (int w = 0; w < workers; ++w) {
    wg.go([in, out, processor] {
      for (int v : in) out.send(processor(v));  // until `in` is closed, empty
    });
  }
  conc::go([&wg, out] {  // the monitor: the one place that closes `out`
    wg.wait();
    out.close();
  });
  std::vector<int> result;
  for (int v : out) result.push_back(v);  // ends when `out` is closed
  return result;
}

int main() {
  const auto jobs = conc::make_chan<int>(4);  // the queue: up to 4 jobs wait
  conc::go([jobs] {
    for (int job = 1; job <= 9; ++job) jobs.send(job);
    jobs.close();  // no more work: each worker's loop ends after the last job
  });
  auto squares = process_and_gather(jobs, [](int v) { return v * v; }, 3);
  std::sort(squares.begin(), squares.end());  // arrival order varies
  for (int s : squares) fmt::print("{} ", s);
  fmt::print("\n");
}
