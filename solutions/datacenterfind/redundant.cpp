// Exercise 3 (reference solution): redundant requests. Ask every datacenter at once, keep the
// first answer, cancel the others.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/go.hpp"
#include "conc/log.hpp"
#include "conc/waitgroup.hpp"
#include "patterns.hpp"

namespace datacenterfind {

std::optional<Result> redundant(std::string_view resource, const Finders& finders) {
  // One slot per finder: a find that answers after the winner can still send its result and end,
  // even though nobody will ever read it. With a smaller channel, a late answer would block its
  // goroutine forever (a goroutine leak).
  const auto results = conc::make_chan<Result>(finders.size());
  auto [ctx, cancel] = conc::with_cancel(conc::background());

  // The goroutines outlive this call (the losers are still stopping when it returns): each owns
  // what it uses, so the WaitGroup is shared, and the finder, the channel, the context and the
  // resource name are copies.
  const auto senders = std::make_shared<conc::WaitGroup>();
  for (const auto& finder : finders) {
    senders->add(1);
    conc::go([senders, finder, results, ctx = ctx, resource = std::string(resource)] {
      conc::log::info("launching find", "datacenter", finder->name());
      const auto [found, err] = finder->find_with_context(ctx, resource);
      if (!err) {
        results.send(Result{finder, found});  // never blocks: there is a slot for every finder
      }
      senders->done();
    });
  }

  // Close the channel only once every sender is done: then no send can ever meet a closed
  // channel, and the receive below learns that nobody answered (every find failed, or there
  // was no finder) instead of waiting forever. The Go original closed it right after the first
  // receive, while the losers could still send: "send on closed channel", a panic.
  conc::go([senders, results] {
    senders->wait();
    results.close();
  });

  const std::optional<Result> first = results.recv();
  if (first) {
    conc::log::info("got result", "datacenter", first->datacenter->name(), "found", first->found);
  }
  // The others' answers are no longer needed: cancel() tells every find still running to stop
  // (their ctx.done() is closed before cancel() returns). It is also what releases the context.
  // (After the log line, so that "got result" comes before the losers' "deadline exceeded".)
  cancel();
  return first;
}

}  // namespace datacenterfind
