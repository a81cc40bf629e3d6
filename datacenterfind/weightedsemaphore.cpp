// Exercise 7: every find, but never more than `capacity` of weight at once. Brief: exercise7.md.
//
// As it stands, every find starts at once, whatever its weight.
#include "conc/context.hpp"
#include "conc/log.hpp"
#include "conc/semaphore.hpp"
#include "conc/waitgroup.hpp"
#include "patterns.hpp"

namespace datacenterfind {

void weighted_semaphore(std::string_view resource, const Finders& finders,
                        [[maybe_unused]] std::int64_t capacity) {
  // TODO: a conc::WeightedSemaphore of `capacity`. Each goroutine acquires finder->weight()
  // before its find (logging "fail to acquire semaphore" and skipping the find when acquire
  // returns an error), and releases the same weight after it.

  conc::WaitGroup wg;
  for (const auto& finder : finders) {
    wg.go([finder, resource] {
      conc::log::info("starting find", "datacenter", finder->name());
      const bool found = finder->find(resource);
      conc::log::info("got result", "datacenter", finder->name(), "found", found);
    });
  }
  wg.wait();
}

}  // namespace datacenterfind
