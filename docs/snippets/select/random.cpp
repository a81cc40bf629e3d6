// When several cases are ready, select picks one at random.
#include <fmt/core.h>

#include <array>

#include "conc/chan.hpp"
#include "conc/select.hpp"

int main() {
  constexpr int kRounds = 1000;
  const auto a = conc::make_chan<int>(kRounds);
  const auto b = conc::make_chan<int>(kRounds);
  for (int i = 0; i < kRounds; ++i) {  // a value for every round, in both
    a.send(i);
    b.send(i);
  }

  std::array<int, 2> wins{};
  for (int i = 0; i < kRounds; ++i) {  // both cases are always ready
    ++wins[conc::select(conc::case_recv(a), conc::case_recv(b))];
  }

  // A switch would take the first case every time. select does not.
  const bool fair = wins[0] > 400 && wins[1] > 400;
  fmt::print("{}\n", fair ? "each case won about half of the rounds"
                          : "one case was favoured");
  return fair ? 0 : 1;
}
