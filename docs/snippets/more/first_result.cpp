// The done channel: keep the first answer; closing `done` lets the rest go.
#include <fmt/core.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "conc/chan.hpp"
#include "conc/go.hpp"
#include "conc/select.hpp"
#include "conc/testing.hpp"

using Searcher = std::function<std::string(const std::string&)>;

std::string search_data(const std::string& s,
                        const std::vector<Searcher>& searchers) {
  const auto done = conc::make_chan<conc::Unit>();  // never sent on: closed
  const auto result = conc::make_chan<std::string>();
  for (const Searcher& searcher : searchers) {
    conc::go([s, searcher, done, result] {
      conc::select(conc::case_send(result, searcher(s)),  // answer if first,
                   conc::case_recv(done));               // or leave
    });
  }
  std::string first = result.recv().value();
  done.close();  // every loser's select can now take the done case
  return first;
}

int main() {
  const auto disk = conc::make_chan<conc::Unit>();  // slow: answers once closed
  const Searcher slow = [disk](const auto& s) {
    disk.recv();
    return s + " found on disk";
  };
  const Searcher fast = [](const auto& s) { return s + " found in the index"; };

  fmt::print("{}\n", search_data("gopher", {slow, fast, slow}));
  disk.close();  // the slow ones answer now, but nobody reads their answers
  using namespace std::chrono_literals;
  if (!conc::testing::wait_goroutines(0, 5s)) return 1;  // any leak?
  fmt::print("no searcher left running\n");
}
