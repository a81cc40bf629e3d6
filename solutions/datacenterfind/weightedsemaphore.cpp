// Exercise 7 (reference solution): every find, but never more than `capacity` of weight at once.
//
// A find takes finder->weight() of the semaphore's capacity before it starts and gives it back
// when it ends: a heavy datacenter takes several slots at once, as the French President and his
// two bodyguards take three places in the bakery.
#include "conc/context.hpp"
#include "conc/log.hpp"
#include "conc/semaphore.hpp"
#include "conc/waitgroup.hpp"
#include "patterns.hpp"

namespace datacenterfind {

void weighted_semaphore(std::string_view resource, const Finders& finders,
                        std::int64_t capacity) {
  conc::WeightedSemaphore sem(capacity);
  const conc::Context ctx = conc::background();  // nothing cancels these finds

  conc::WaitGroup wg;
  for (const auto& finder : finders) {
    // sem by reference: every goroutine ends before wg.wait() returns, so it outlives
    // them (as resource does). ctx (a cheap handle) and the finder (shared) by value.
    wg.go([&sem, ctx, finder, resource] {
      const std::int64_t weight = finder->weight();
      // Blocks until `weight` is free and every goroutine that asked before has been served.
      // A weight above the capacity can never be free: Go's Acquire would wait forever; ours
      // says so at once, and this finder is skipped.
      if (const conc::Error err = sem.acquire(ctx, weight)) {
        conc::log::error("fail to acquire semaphore", "error", err);
        return;
      }
      conc::log::info("starting find", "datacenter", finder->name());
      const bool found = finder->find(resource);
      conc::log::info("got result", "datacenter", finder->name(), "found", found);
      sem.release(weight);  // exactly what was taken: the waiters at the head may now fit
    });
  }
  wg.wait();
}

}  // namespace datacenterfind
