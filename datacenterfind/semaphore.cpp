// Exercise 6: every find, but never more than max_parallel at once. Brief: exercise6.md.
//
// As it stands, this is exercise 1's answer: every find starts at once, however many there are.
#include "conc/chan.hpp"
#include "conc/log.hpp"
#include "conc/waitgroup.hpp"
#include "patterns.hpp"

namespace datacenterfind {

void semaphore(std::string_view resource, const Finders& finders,
               [[maybe_unused]] int max_parallel) {
  // TODO: make a buffered channel of max_parallel slots (conc::make_chan<conc::Unit>(...)).
  // Each goroutine puts a token in (send) before its find, and takes one out (recv) after it.

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
