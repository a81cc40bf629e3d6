// Several senders: none of them may close the channel, so a goroutine
// of its own closes it once every sender has finished.
#include <fmt/core.h>

#include "conc/chan.hpp"
#include "conc/waitgroup.hpp"

int main() {
  const auto results = conc::make_chan<int>();

  conc::WaitGroup senders;
  for (int i = 1; i <= 3; ++i) {
    senders.go([results, i] { results.send(i * 10); });
  }

  conc::WaitGroup closer;
  closer.go([results, &senders] {
    senders.wait();   // every send has completed...
    results.close();  // ...so closing cannot make one of them throw
  });

  int sum = 0;
  for (int r : results) sum += r;  // ends when the closer has closed
  closer.wait();
  fmt::print("sum: {}\n", sum);
}
