// conc::Context — Go's context.Context: cancellation and deadlines, passed down a call tree.
//
//   auto [ctx, cancel] = conc::with_timeout(conc::background(), std::chrono::milliseconds(100));
//   conc::select(conc::case_recv(results, [&](auto r) { ... }),
//                conc::case_recv(ctx.done(), [&] { error = ctx.err(); }));
//   cancel();   // always call it (or let the deadline pass): it releases the context's timer
//
// A Context is a cheap, immutable, copyable handle; every method is thread-safe. Contexts form a
// tree: cancelling one cancels all its descendants, never its parent, and a child never outlives
// its parent's deadline. Done is a channel so that waiting for cancellation composes with any
// other wait in a select.
//
// Memory ordering: everything done before cancel() (or before a deadline fires) is visible to a
// thread that sees done() closed.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "conc/chan.hpp"
#include "conc/error.hpp"
#include "conc/time.hpp"

namespace conc {

namespace internal {
class ContextNode;
struct ContextAccess;
}

class Context {
 public:
  // background(): never cancelled, no deadline.
  Context() noexcept = default;

  // A channel closed when the context is cancelled or its deadline passes; the nil channel for
  // a context that can never be cancelled (background()), so a select case on it never fires.
  // Successive calls return the same channel. Never blocks.
  RecvChan<Unit> done() const;

  // Nil while done() is open; then Canceled or DeadlineExceeded, and never changes again.
  Error err() const;

  // When the context will be cancelled by a deadline, if ever.
  std::optional<TimePoint> deadline() const;

 private:
  friend struct internal::ContextAccess;
  explicit Context(std::shared_ptr<internal::ContextNode> node) noexcept : node_(std::move(node)) {}
  std::shared_ptr<internal::ContextNode> node_;  // null for background()
};

// Cancels its context (and every descendant) with Canceled, unless it is already done; then
// does nothing. Idempotent, thread-safe, never blocks for long: every descendant is cancelled
// before it returns, but it does not wait for the work that watches them to stop.
using CancelFunc = std::function<void()>;

// The root of every context tree: never cancelled, no deadline, done() is the nil channel.
Context background();

// A child of parent, cancelled by the returned CancelFunc or when parent is.
std::pair<Context, CancelFunc> with_cancel(const Context& parent);

// A child of parent that is also cancelled, with DeadlineExceeded, when the library clock
// reaches t (at once when t <= now()). If parent's deadline is earlier, the child keeps it.
std::pair<Context, CancelFunc> with_deadline(const Context& parent, TimePoint t);

// with_deadline(parent, now() + d), saturating for huge d.
std::pair<Context, CancelFunc> with_timeout(const Context& parent, Duration d);

}  // namespace conc
