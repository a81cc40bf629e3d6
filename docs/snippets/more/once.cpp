// Lazy initialisation, exactly once, however many goroutines ask at once.
#include <fmt/core.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "conc/waitgroup.hpp"

struct SlowComplicatedParser {
  std::string parse(const std::string& data) const { return "parsed " + data; }
};

std::atomic<int> inits{0};
std::once_flag parser_once;                     // Go: var once sync.Once
std::unique_ptr<SlowComplicatedParser> parser;  // set once, in call_once

std::string parse(const std::string& data) {
  std::call_once(parser_once, [] {  // the others wait here until it returned
    ++inits;
    parser = std::make_unique<SlowComplicatedParser>();  // slow set-up
  });
  return parser->parse(data);
}

int main() {
  conc::WaitGroup wg;
  for (int i = 0; i < 4; ++i) wg.go([] { parse("data"); });
  wg.wait();
  fmt::print("{}; initialised {} time(s)\n", parse("more data"), inits.load());
}
