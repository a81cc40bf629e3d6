// std::atomic: a counter without a mutex, and a limit kept with CAS.
#include <fmt/core.h>

#include <atomic>

#include "conc/waitgroup.hpp"

std::atomic<int> hits{0};
std::atomic<int> sold{0};
constexpr int seats = 10;

bool sell_a_seat() {
  int current = sold.load();
  do {
    if (current == seats) return false;  // sold out
  } while (!sold.compare_exchange_weak(current, current + 1));
  return true;  // (a failed exchange reloads current, and we retry)
}

int main() {
  std::atomic<int> buyers{0};
  conc::WaitGroup wg;
  for (int i = 0; i < 50; ++i) {
    wg.go([&buyers] {
      hits.fetch_add(1, std::memory_order_relaxed);  // only the total
      if (sell_a_seat()) ++buyers;  // ++ on an atomic is fetch_add(1)
    });
  }
  wg.wait();  // orders every goroutine's writes before the loads below
  fmt::print("hits {}, seats sold {}, buyers {}\n", hits.load(),
             sold.load(), buyers.load());
  return hits == 50 && sold == seats && buyers == seats ? 0 : 1;
}
