// Exercise 5 — hedged requests (reference solution).
//
// Ask one datacenter; if it has not answered after `hedge`, ask the next one too, and so on; keep
// the first answer and cancel every request still running. A slow datacenter costs at most one
// hedge delay, and a fast one costs one request instead of one per datacenter.
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
                             conc::Duration hedge) {
  if (finders.empty()) return std::nullopt;

  // Buffered for every request: a request that ends after hedged() returned sends without a
  // receiver and ends too (no goroutine leak), and the channel is never closed, so no send can
  // ever hit a closed channel (the Go original closes it under the losers' feet).
  const auto replies = conc::make_chan<Reply>(finders.size());
  const auto [ctx, cancel] = conc::with_cancel(conc::background());
  const CancelOnReturn cancel_on_return{cancel};

  std::size_t launched = 0;
  std::size_t failed = 0;
  // ctx is named in the capture list: clang before 16 cannot capture a structured binding.
  auto launch_next = [&, ctx = ctx] {
    const auto finder = finders[launched++];
    conc::log::info("launching find", "datacenter", finder->name());
    // The goroutine may outlive this call: it owns a copy of everything it uses.
    conc::go([finder, ctx = ctx, replies, resource = std::string(resource)] {
      const auto [found, err] = finder->find_with_context(ctx, resource);
      replies.send(Reply{Result{finder, found}, err});
    });
  };

  launch_next();
  conc::Timer hedge_timer(hedge);  // stopped by its destructor: nothing fires after we return
  for (;;) {
    // Once every request is launched there is nothing left to hedge: a nil channel, whose case
    // never fires, makes the select wait for replies only. (The Go original leaves its loop
    // here and returns nothing, even though answers are still on their way.)
    const auto next_hedge =
        launched < finders.size() ? hedge_timer.c() : conc::RecvChan<conc::TimePoint>{};
    std::optional<Reply> reply;
    conc::select(conc::case_recv(replies, [&](std::optional<Reply> r) { reply = std::move(r); }),
                 conc::case_recv(next_hedge, [&] {
                   launch_next();
                   hedge_timer.reset(hedge);
                 }));
    if (!reply) continue;  // the hedge fired
    if (reply->err) {
      // A request that failed is not an answer: keep waiting for the others.
      conc::log::warn("find failed", "datacenter", reply->result.datacenter->name(), "error",
                      reply->err);
      if (++failed == finders.size()) return std::nullopt;  // nobody left to answer
      continue;
    }
    conc::log::info("got result", "datacenter", reply->result.datacenter->name(), "found",
                    reply->result.found);
    return reply->result;
  }
}

}  // namespace datacenterfind
