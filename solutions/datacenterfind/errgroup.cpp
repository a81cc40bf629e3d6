// Exercise 4 (reference solution): ask every datacenter at once with an ErrGroup. Every result,
// or the first error; the first error cancels the finds still running.
#include "conc/errgroup.hpp"

#include <string>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/log.hpp"
#include "patterns.hpp"

namespace datacenterfind {

Gathered err_group(std::string_view resource, const Finders& finders) {
  // One slot per finder: the tasks send while nobody receives yet (we gather after wait()).
  const auto results = conc::make_chan<Result>(finders.size());

  // errgroup.WithContext: the group's context is cancelled as soon as a task returns an error,
  // which stops every find still running.
  conc::ErrGroup group(conc::background());
  for (const auto& finder : finders) {
    // The tasks may capture references to locals: wait() below returns only once every task
    // has returned, so nothing of theirs outlives this call.
    group.go([&group, &results, &resource, finder]() -> conc::Error {
      conc::log::info("starting find", "datacenter", finder->name());
      const auto [found, err] = finder->find_with_error(group.context(), resource);
      if (err) {
        return err;  // the group keeps the first error and cancels the others
      }
      results.send(Result{finder, found});
      return conc::Error();
    });
  }

  // Waits for every task, the cancelled ones included; then the first error, or nil.
  const conc::Error err = group.wait();
  results.close();  // every sender is done: closing is safe, and ends the loop below

  if (err) {
    // Results that arrived before the error are dropped, as the Go original does: the caller
    // gets the error alone. (Keeping them is the other sensible choice; see the brief.)
    // "occured": the Go course's spelling, kept so that the logs read the same.
    conc::log::error("an error occured", "error", err);
    return Gathered{{}, err};
  }

  Gathered gathered;
  for (const Result& result : results) {
    conc::log::info("got result", "datacenter", result.datacenter->name(), "found", result.found);
    gathered.results.push_back(result);
  }
  return gathered;
}

}  // namespace datacenterfind
