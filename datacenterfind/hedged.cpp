// Exercise 5 — hedged requests. Brief: datacenterfind/exercise5.md
//
// The starting point is the course's first version: it asks every datacenter at once and keeps
// the first answer. It works, but it sends a request to every datacenter of the world for each
// resource. Make it hedge: ask one datacenter, and ask the next only when the previous ones have
// not answered after `hedge`.
#include <cstddef>
#include <string>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/go.hpp"
#include "conc/log.hpp"
#include "conc/select.hpp"
#include "conc/time.hpp"
#include "patterns.hpp"

namespace datacenterfind {
namespace {

// What one request sends back: the datacenter's answer, or the error that ended the request.
struct Reply {
  Result result;
  conc::Error err;
};

// Go's `defer cancel()`: cancels the requests still running however hedged() returns.
struct CancelOnReturn {
  conc::CancelFunc cancel;
  ~CancelOnReturn() { cancel(); }
};

}  // namespace

std::optional<Result> hedged(std::string_view resource, const Finders& finders,
                             [[maybe_unused]] conc::Duration hedge) {
  // Buffered for every request: a request that ends after hedged() returned still sends, and
  // ends (no goroutine leak); the channel is never closed, so no send can hit a closed channel.
  const auto replies = conc::make_chan<Reply>(finders.size());
  const auto [ctx, cancel] = conc::with_cancel(conc::background());
  const CancelOnReturn cancel_on_return{cancel};

  // TODO(exercise 5): launch the first request only, then one more each time `hedge` passes
  // without an answer (a conc::Timer, and a conc::select on the replies and the timer's channel).
  for (const auto& finder : finders) {
    conc::log::info("launching find", "datacenter", finder->name());
    conc::go([finder, ctx = ctx, replies, resource = std::string(resource)] {
      const auto [found, err] = finder->find_with_context(ctx, resource);
      replies.send(Reply{Result{finder, found}, err});
    });
  }

  // The first reply that is not an error is the answer; a failed request is not one.
  for (std::size_t i = 0; i < finders.size(); ++i) {
    const auto reply = replies.recv();
    if (reply->err) {
      conc::log::warn("find failed", "datacenter", reply->result.datacenter->name(), "error",
                      reply->err);
      continue;
    }
    conc::log::info("got result", "datacenter", reply->result.datacenter->name(), "found",
                    reply->result.found);
    return reply->result;
  }
  return std::nullopt;  // no datacenter (or every request failed)
}

}  // namespace datacenterfind
