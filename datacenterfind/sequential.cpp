// GIVEN CODE: the starting point. One find after the other: the total time is the sum of every
// datacenter's response time.
#include "conc/log.hpp"
#include "patterns.hpp"

namespace datacenterfind {

void sequential(std::string_view resource, const Finders& finders) {
  for (const auto& finder : finders) {
    conc::log::info("starting find", "datacenter", finder->name());
    const bool found = finder->find(resource);
    conc::log::info("got result", "datacenter", finder->name(), "found", found);
  }
}

}  // namespace datacenterfind
