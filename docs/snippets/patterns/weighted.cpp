// A weighted semaphore: each job takes its weight of a capacity of 3.
#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <cstdint>

#include "conc/context.hpp"
#include "conc/semaphore.hpp"
#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

int main() {
  conc::WeightedSemaphore sem(3);  // semaphore.NewWeighted(3)
  const conc::Context ctx = conc::background();
  std::atomic<std::int64_t> in_use{0};
  std::atomic<bool> too_much{false};

  conc::WaitGroup wg;
  for (const std::int64_t weight : {1, 2, 3, 1, 4}) {
    wg.go([&sem, ctx, &in_use, &too_much, weight] {
      if (const conc::Error err = sem.acquire(ctx, weight)) {  // waits for room
        fmt::print("refused: {}\n", err);  // only the job of 4: it never fits
        return;
      }
      if ((in_use += weight) > 3) too_much = true;
      conc::sleep(std::chrono::milliseconds(2));  // the simulated job
      in_use -= weight;
      sem.release(weight);  // the same weight it took
    });
  }
  wg.wait();
  fmt::print("weight in use never above 3: {}\n", !too_much);
  return too_much ? 1 : 0;
}
