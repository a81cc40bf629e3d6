// Exercise 4: ask every datacenter at once, with errors. Every result, or the first error; the
// first error cancels the finds still running (conc::ErrGroup).
// Brief: datacenterfind/exercise4.md. Run: make datacenterfind/4
//
// Where you start: the scatter-gather of exercise 2 with a WaitGroup. It does not know what an
// error is: a failing find is simply left out, and the other finds run to their end.
#include "conc/errgroup.hpp"

#include <string>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/log.hpp"
#include "conc/waitgroup.hpp"
#include "patterns.hpp"

namespace datacenterfind {

Gathered err_group(std::string_view resource, const Finders& finders) {
  // One slot per finder: the goroutines send while nobody receives yet (we gather after wait()).
  const auto results = conc::make_chan<Result>(finders.size());

  conc::WaitGroup finds;
  for (const auto& finder : finders) {
    // The goroutines may capture references to locals: wait() below returns only once every
    // one of them is done.
    finds.go([&results, &resource, finder] {
      conc::log::info("starting find", "datacenter", finder->name());
      // TODO(exercise 4): a WaitGroup cannot carry an error, and background() is never
      // cancelled. Use a conc::ErrGroup built on a context instead: each task returns its
      // find's error, runs with group.context(), and the first error cancels the others.
      const auto [found, err] = finder->find_with_error(conc::background(), resource);
      if (err) {
        return;  // TODO(exercise 4): the error is lost here
      }
      results.send(Result{finder, found});
    });
  }
  finds.wait();
  results.close();  // every sender is done: closing is safe, and ends the loop below

  // TODO(exercise 4): when a find failed, log "an error occured" with the error and return it.
  Gathered gathered;
  for (const Result& result : results) {
    conc::log::info("got result", "datacenter", result.datacenter->name(), "found", result.found);
    gathered.results.push_back(result);
  }
  return gathered;
}

}  // namespace datacenterfind
