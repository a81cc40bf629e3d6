// The same three requests with the standard library: one std::jthread each.
#include <fmt/core.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

std::size_t fetch(const std::string& url) {  // stands for a network call
  std::this_thread::sleep_for(100ms);
  return url.size();
}

int main() {
  const std::array<std::string, 3> urls{
      "https://go.dev/", "https://isocpp.org/", "https://example.com/"};
  std::array<std::size_t, 3> sizes{};
  {
    std::vector<std::jthread> threads;
    for (std::size_t i = 0; i < urls.size(); ++i) {
      threads.emplace_back([&urls, &sizes, i] { sizes[i] = fetch(urls[i]); });
    }
  }  // each jthread's destructor joins it: all three have finished here

  for (std::size_t i = 0; i < urls.size(); ++i) {
    fmt::print("{} -> {}\n", urls[i], sizes[i]);
  }
}
