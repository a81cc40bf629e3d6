// Exercise 2 (datacenterfind/exercise2.md): scatter the finds, one goroutine each, and gather
// their results through a channel, in the order they complete.
//
// As given, it asks one datacenter after the other and gathers each result as it comes: the
// results are all there, but the finds never overlap. Run it, see the test fail, then scatter.
#include <vector>

#include "conc/chan.hpp"
#include "conc/go.hpp"
#include "conc/log.hpp"
#include "conc/waitgroup.hpp"
#include "patterns.hpp"

namespace datacenterfind {

std::vector<Result> scatter_gather(std::string_view resource, const Finders& finders) {
  std::vector<Result> results;
  // TODO: scatter: one goroutine per finder, each sending its Result into a channel that has
  // room for all of them; close the channel once every sender is done (a WaitGroup, waited for
  // in a goroutine of its own); gather: receive until the channel is closed, logging "got result"
  // and appending each Result as it arrives.
  for (const auto& finder : finders) {
    conc::log::info("starting find", "datacenter", finder->name());
    const Result result{finder, finder->find(resource)};
    conc::log::info("got result", "datacenter", result.datacenter->name(), "found", result.found);
    results.push_back(result);
  }
  return results;
}

}  // namespace datacenterfind
