// Ask every mirror at once, then wait for all: a WaitGroup counts what runs.
#include <fmt/core.h>

#include <chrono>
#include <string>
#include <vector>

#include "conc/go.hpp"
#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

int count_packages(const std::string& mirror) {  // simulated work: a few ms
  conc::sleep(std::chrono::milliseconds(mirror.size()));
  return static_cast<int>(mirror.size()) * 100;
}

int main() {
  const std::vector<std::string> mirrors = {"paris", "montreal", "warsaw"};
  std::vector<int> counts(mirrors.size());  // one slot per goroutine

  conc::WaitGroup wg;
  for (std::size_t i = 0; i < mirrors.size(); ++i) {
    wg.add(1);  // count the work before starting it
    // i and the mirror by value: this iteration's. wg and counts: shared.
    conc::go([&wg, &counts, i, mirror = mirrors[i]] {
      counts[i] = count_packages(mirror);
      wg.done();
    });
  }
  wg.wait();  // every done() happens before wait() returns: counts is complete

  for (std::size_t i = 0; i < mirrors.size(); ++i) {
    fmt::print("{}: {}\n", mirrors[i], counts[i]);
  }
}
