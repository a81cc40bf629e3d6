// A timeout: wait for the answer or for conc::after(limit), whichever
// comes first.
#include <fmt/core.h>

#include <chrono>
#include <optional>

#include "conc/chan.hpp"
#include "conc/select.hpp"
#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

using namespace std::chrono_literals;

// The answer, or nullopt if it did not come within `limit`.
std::optional<int> within(conc::RecvChan<int> answer, conc::Duration limit) {
  std::optional<int> out;
  conc::select(conc::case_recv(answer, [&](std::optional<int> v) { out = v; }),
               conc::case_recv(conc::after(limit)));  // fires once
  return out;
}

int main() {
  const auto go_on = conc::make_chan<conc::Unit>();  // the work waits on it
  const auto answer = conc::make_chan<int>(1);  // room for a late answer

  conc::WaitGroup wg;
  wg.go([go_on, answer] {
    go_on.recv();  // slow work: it answers only once we let it
    answer.send(42);
  });

  const auto result = within(answer, 20ms);
  fmt::print("{}\n", result ? "answered in time" : "timed out after 20 ms");

  go_on.close();  // we stopped waiting, but the work goes on and sends
  wg.wait();      // the send did not block: the buffer had room
  fmt::print("late answer, in the buffer: {}\n", answer.recv().value_or(0));
}
