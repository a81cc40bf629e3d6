// FIFO: a small request waits behind a big one, even when it would fit; and
// a context lets it give up.
#include <fmt/core.h>

#include <chrono>

#include "conc/context.hpp"
#include "conc/semaphore.hpp"
#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

using namespace std::chrono_literals;

int main() {
  conc::WeightedSemaphore sem(3);
  const conc::Context background = conc::background();
  if (sem.acquire(background, 2)) return 1;  // we hold 2 of 3: 1 is free

  conc::WaitGroup wg;
  wg.go([&sem, background] {  // a big request: it needs all 3, so it queues
    if (sem.acquire(background, 3)) return;
    fmt::print("big request served\n");
    sem.release(3);
  });
  while (sem.try_acquire(1)) {  // small requests still get in... until the
    sem.release(1);             // big one is in the queue
    conc::sleep(1ms);
  }

  // 1 is free, yet a small request now waits behind the big one, for 5 ms:
  auto [ctx, cancel] = conc::with_timeout(background, 5ms);
  fmt::print("small request: {}\n", sem.acquire(ctx, 1));  // deadline exceeded
  cancel();
  sem.release(2);  // now the big one fits
  wg.wait();
}
