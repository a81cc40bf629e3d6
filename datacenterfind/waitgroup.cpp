// Exercise 1 (datacenterfind/exercise1.md): ask every datacenter at once, and return once every
// find has ended.
//
// As given, this is still the sequential loop: each find blocks until its datacenter answers, and
// only then does the next one start. Run it, see the test fail, then make it concurrent.
#include "conc/waitgroup.hpp"

#include "conc/log.hpp"
#include "patterns.hpp"

namespace datacenterfind {

void wait_group(std::string_view resource, const Finders& finders) {
  // TODO: run each iteration's body in its own goroutine (conc::go), and count them with a
  // conc::WaitGroup: add(1) before starting each, done() when its find has ended, and wait()
  // after the loop, so that wait_group returns only once every find has ended.
  for (const auto& finder : finders) {
    conc::log::info("starting find", "datacenter", finder->name());
    const bool found = finder->find(resource);
    conc::log::info("got result", "datacenter", finder->name(), "found", found);
  }
}

}  // namespace datacenterfind
