// Exercise 3: redundant requests. Ask every datacenter at once, keep the first answer, cancel
// the others. Brief: datacenterfind/exercise3.md. Run: make datacenterfind/3
//
// Where you start: exercise 2's scatter-gather, stopped after the first result. It already
// returns the fastest answer, but the other finds go on until their datacenter answers, long
// after nobody wants them.
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
  // One slot per finder: a late answer can be sent even though nobody reads it any more.
  const auto results = conc::make_chan<Result>(finders.size());

  // The goroutines outlive this call: each owns what it uses (shared WaitGroup, copies).
  const auto senders = std::make_shared<conc::WaitGroup>();
  for (const auto& finder : finders) {
    senders->add(1);
    conc::go([senders, finder, results, resource = std::string(resource)] {
      conc::log::info("launching find", "datacenter", finder->name());
      // TODO(exercise 3): background() is never cancelled, so this find runs to its end even
      // when another datacenter has already answered. Give every find a context that
      // redundant() cancels once it has its first answer (conc::with_cancel).
      const auto [found, err] = finder->find_with_context(conc::background(), resource);
      if (!err) {
        results.send(Result{finder, found});
      }
      senders->done();
    });
  }

  // The channel is closed once every sender is done, so the receive below returns nullopt
  // when nobody answered, instead of waiting forever.
  conc::go([senders, results] {
    senders->wait();
    results.close();
  });

  const std::optional<Result> first = results.recv();
  if (first) {
    conc::log::info("got result", "datacenter", first->datacenter->name(), "found", first->found);
  }
  return first;
}

}  // namespace datacenterfind
