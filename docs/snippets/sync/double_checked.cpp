// docs: compile only — this program has a data race on purpose.
#include <fmt/core.h>

#include <chrono>
#include <mutex>
#include <string>

#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

struct Parser {
  std::string grammar;
};

Parser* parser = nullptr;  // a plain pointer, read without the lock
std::mutex parser_mutex;

std::string load_grammar() {
  conc::sleep(std::chrono::milliseconds(10));  // slow, as setups are
  return "expr";
}

const Parser& the_parser() {
  if (parser == nullptr) {  // 1st check, no lock: a data race
    std::lock_guard lock(parser_mutex);
    if (parser == nullptr) {  // 2nd check, under the lock
      parser = new Parser{load_grammar()};
    }
  }
  return *parser;  // the fields may not be visible to this thread yet
}

int main() {
  conc::WaitGroup wg;
  for (int i = 0; i < 8; ++i) {
    wg.go([] { fmt::print("{}\n", the_parser().grammar); });
  }
  wg.wait();
}
