// Scatter-gather: each goroutine sends its answer on a channel; the caller
// gathers the answers as they arrive.
#include <fmt/core.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "conc/chan.hpp"
#include "conc/go.hpp"
#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

struct Answer { std::string mirror; int packages; };

int count_packages(const std::string& mirror) {  // simulated work: a few ms
  conc::sleep(std::chrono::milliseconds(mirror.size()));
  return static_cast<int>(mirror.size()) * 100;
}

int main() {
  const std::vector<std::string> mirrors = {"paris", "montreal", "warsaw"};
  const auto answers = conc::make_chan<Answer>(mirrors.size());  // room for all
  const auto senders = std::make_shared<conc::WaitGroup>();

  for (const auto& mirror : mirrors) {  // scatter
    senders->add(1);
    conc::go([senders, answers, mirror] {
      answers.send(Answer{mirror, count_packages(mirror)});
      senders->done();
    });
  }
  conc::go([senders, answers] {  // the closer: once no sender is left
    senders->wait();
    answers.close();
  });

  int total = 0;
  for (const Answer& answer : answers) total += answer.packages;  // gather
  fmt::print("{} packages on {} mirrors\n", total, mirrors.size());
}
