// Three slow requests at once: the wait is the slowest one, not the sum.
#include <fmt/core.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <string>

#include "conc/go.hpp"
#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

using namespace std::chrono_literals;

std::size_t fetch(const std::string& url) {  // stands for a network call
  conc::sleep(100ms);
  return url.size();
}

int main() {
  const std::array<std::string, 3> urls{
      "https://go.dev/", "https://isocpp.org/", "https://example.com/"};
  std::array<std::size_t, 3> sizes{};  // one slot per goroutine
  const auto start = conc::now();

  conc::WaitGroup wg;
  for (std::size_t i = 0; i < urls.size(); ++i) {
    wg.add(1);                          // one more goroutine to wait for
    conc::go([&wg, &urls, &sizes, i] {  // go func() { ... }()
      sizes[i] = fetch(urls[i]);
      wg.done();                        // this one has finished
    });
  }
  wg.wait();  // until all three called done(): their writes are visible

  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      conc::now() - start);
  for (std::size_t i = 0; i < urls.size(); ++i) {
    fmt::print("{} -> {}\n", urls[i], sizes[i]);
  }
  // About 100 ms, not 300: the three waits overlapped.
  fmt::print("took {} ms\n", elapsed.count());
}
