// The same setup in a function-local static: initialised once, safely.
#include <fmt/core.h>

#include <atomic>
#include <string>

#include "conc/log.hpp"
#include "conc/waitgroup.hpp"

struct Parser {
  std::string grammar;
  std::string parse(const std::string& text) const {
    return grammar + "(" + text + ")";
  }
};

std::atomic<int> setups{0};

Parser load_parser() {
  conc::log::info("loading the grammar");
  ++setups;
  return Parser{"expr"};
}

const Parser& the_parser() {
  static const Parser parser = load_parser();  // once; others wait
  return parser;
}

int main() {
  conc::WaitGroup wg;
  for (int i = 0; i < 8; ++i) {
    wg.go([i] { the_parser().parse(std::to_string(i)); });
  }
  wg.wait();
  fmt::print("{} after {} setup\n", the_parser().parse("x"), setups.load());
  return setups == 1 ? 0 : 1;
}
