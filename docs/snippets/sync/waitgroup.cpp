// A WaitGroup: add before starting a goroutine, done when it has finished.
#include <fmt/core.h>

#include <array>
#include <cstddef>
#include <string>

#include "conc/go.hpp"
#include "conc/waitgroup.hpp"

bool get(const std::string& url) {  // a stand-in for an HTTP request
  return url.starts_with("https://");
}

int main() {
  const std::array<std::string, 3> urls{
      "https://go.dev/", "https://isocpp.org/", "http://www.example.com/"};
  std::array<bool, 3> secure{};

  conc::WaitGroup wg;  // ready to use: its counter starts at zero
  for (std::size_t i = 0; i < urls.size(); ++i) {
    wg.add(1);  // before the goroutine starts, never inside it
    conc::go([&wg, &urls, &secure, i] {  // the group by reference
      secure[i] = get(urls[i]);
      wg.done();
    });
  }
  wg.wait();  // returns once every done() has been called

  for (std::size_t i = 0; i < urls.size(); ++i) {
    fmt::print("{} {}\n", urls[i], secure[i]);
  }
}
