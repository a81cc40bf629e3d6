// Goroutines and a channel inside; a plain function outside.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <string>
#include <utility>
#include <vector>

#include "conc/chan.hpp"
#include "conc/waitgroup.hpp"

std::size_t slow_length(const std::string& word) {
  return word.size();  // imagine a network call
}

std::vector<std::size_t> lengths(const std::vector<std::string>& words) {
  using Answer = std::pair<std::size_t, std::size_t>;  // index, length
  const auto answers = conc::make_chan<Answer>(words.size());
  conc::WaitGroup wg;
  for (std::size_t i = 0; i < words.size(); ++i) {
    wg.go([answers, i, word = words[i]] {
      answers.send({i, slow_length(word)});
    });
  }
  wg.wait();        // buffering, closing, waiting for the goroutines:
  answers.close();  // this function's business, not its callers'
  std::vector<std::size_t> out(words.size());
  for (const auto& [i, length] : answers) out[i] = length;
  return out;
}

int main() {
  const auto sizes = lengths({"select", "channel", "go"});
  fmt::print("{}\n", fmt::join(sizes, " "));
  return sizes == std::vector<std::size_t>{6, 7, 2} ? 0 : 1;
}
