// Exercise 2 (datacenterfind/exercise2.md): scatter the finds, one goroutine each, and gather
// their results through a channel, in the order they complete.
#include <memory>
#include <vector>

#include "conc/chan.hpp"
#include "conc/go.hpp"
#include "conc/log.hpp"
#include "conc/waitgroup.hpp"
#include "patterns.hpp"

namespace datacenterfind {

std::vector<Result> scatter_gather(std::string_view resource, const Finders& finders) {
  // Room for every result: a worker never waits for the gatherer, so it ends as soon as its
  // find has, whatever the gatherer does.
  const auto results = conc::make_chan<Result>(finders.size());
  // Shared by the workers and the closer: the closer may still be returning from wg->wait()
  // when this function has gathered everything and returned.
  const auto wg = std::make_shared<conc::WaitGroup>();

  // Scatter: one goroutine per finder, counted before it starts.
  for (const auto& finder : finders) {
    wg->add(1);
    conc::go([wg, results, finder, resource] {
      conc::log::info("starting find", "datacenter", finder->name());
      // `resource` views the caller's string: fine, the caller gathers this result (so waits
      // for this find to end) before it returns.
      results.send(Result{finder, finder->find(resource)});
      wg->done();
    });
  }

  // Close only when no worker can send any more: a send on a closed channel throws (Go panics).
  // The closing waits in a goroutine of its own, so the gathering below starts at once.
  conc::go([wg, results] {
    wg->wait();
    results.close();
  });

  // Gather: in the order the results arrive, until the channel is closed and drained.
  std::vector<Result> gathered;
  for (Result result : results) {
    conc::log::info("got result", "datacenter", result.datacenter->name(), "found", result.found);
    gathered.push_back(std::move(result));
  }
  return gathered;
}

}  // namespace datacenterfind
