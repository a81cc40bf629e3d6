// A slow setup, run once on first use: std::call_once.
#include <fmt/core.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "conc/log.hpp"
#include "conc/waitgroup.hpp"

struct Parser {
  std::string grammar;
  std::string parse(const std::string& text) const {
    return grammar + "(" + text + ")";
  }
};

std::atomic<int> setups{0};  // how many times the setup ran

std::unique_ptr<Parser> parser;  // written once, inside call_once
std::once_flag parser_once;      // Go: var once sync.Once

std::string parse(const std::string& text) {
  std::call_once(parser_once, [] {  // Go: once.Do(func() { ... })
    conc::log::info("loading the grammar");
    ++setups;
    parser = std::make_unique<Parser>(Parser{"expr"});
  });
  return parser->parse(text);  // call_once returned: the write is visible
}

int main() {
  conc::WaitGroup wg;
  for (int i = 0; i < 8; ++i) wg.go([i] { parse(std::to_string(i)); });
  wg.wait();
  fmt::print("{} after {} setup\n", parse("x"), setups.load());
  return setups == 1 ? 0 : 1;
}
