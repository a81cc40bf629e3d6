// Exercise 1 (datacenterfind/exercise1.md): ask every datacenter at once, and return once every
// find has ended.
#include "conc/waitgroup.hpp"

#include "conc/go.hpp"
#include "conc/log.hpp"
#include "patterns.hpp"

namespace datacenterfind {

void wait_group(std::string_view resource, const Finders& finders) {
  conc::WaitGroup wg;
  for (const auto& finder : finders) {
    // Counted before the goroutine starts, not inside it: a wait() that ran before a goroutine's
    // own add(1) would see zero and return while that find is still running.
    wg.add(1);
    // The goroutine gets its own copy of the shared_ptr: one finder each, alive as long as it
    // runs. `resource` is a view of the caller's string; it stays valid because wait() below
    // does not return before the last find has.
    conc::go([&wg, finder, resource] {
      conc::log::info("starting find", "datacenter", finder->name());
      const bool found = finder->find(resource);
      conc::log::info("got result", "datacenter", finder->name(), "found", found);
      wg.done();  // the last thing it does with wg: wait() may return, and wg die, right after
    });
  }
  // Only after the loop: every goroutine is counted by now.
  wg.wait();
}

}  // namespace datacenterfind
