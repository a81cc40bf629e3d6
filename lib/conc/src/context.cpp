#include "conc/context.hpp"

#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "conc/internal/timer_service.hpp"

namespace conc {
namespace internal {

struct ContextAccess {
  static const std::shared_ptr<ContextNode>& node(const Context& c) { return c.node_; }
  static Context make(std::shared_ptr<ContextNode> node) { return Context(std::move(node)); }
};

// A cancellable context. Children register here so that cancel() reaches them synchronously.
class ContextNode : public std::enable_shared_from_this<ContextNode> {
 public:
  ContextNode(std::shared_ptr<ContextNode> parent, std::optional<TimePoint> deadline)
      : parent_(std::move(parent)), deadline_(deadline) {}

  ~ContextNode() {
    if (timer_) cancel_timer(*timer_);
    if (parent_) parent_->forget_child(this);
  }

  // Joins the parent's tree: cancelled now if the parent already is, later otherwise.
  void attach() {
    if (!parent_) return;
    Error parent_err;
    {
      std::lock_guard lock(parent_->mutex_);
      if (parent_->err_) {
        parent_err = parent_->err_;
      } else {
        parent_->children_.emplace(this, weak_from_this());
      }
    }
    if (parent_err) cancel(parent_err, false);  // never joined the parent: nothing to leave
  }

  void arm_deadline() {
    if (!deadline_) return;
    if (*deadline_ <= clock_now()) {  // a deadline equal to now() has passed
      cancel(DeadlineExceeded, true);
      return;
    }
    std::lock_guard lock(mutex_);
    if (err_) return;
    timer_ = schedule_at(*deadline_, [weak = weak_from_this()](TimePoint) {
      if (auto self = weak.lock()) self->cancel(DeadlineExceeded, true);
    });
  }

  // Cancels this context and every descendant with `err`; if it is already done, waits until
  // the cancel() that did it has cancelled the whole subtree. Either way it returns with every
  // descendant done, even when several threads cancel at once (X3 and the contract).
  //
  // err() and done() change together, under this context's lock. The children are cancelled
  // after that lock is released: holding every lock down a deep tree (as Go's cancelCtx does)
  // would make lock sets unbounded, and ThreadSanitizer, for one, stops at 64 held locks.
  void cancel(const Error& err, bool remove_from_parent) {
    std::vector<std::shared_ptr<ContextNode>> children;
    std::optional<TimerId> timer;
    {
      std::unique_lock lock(mutex_);
      if (err_) {
        subtree_cancelled_.wait(lock, [&] { return subtree_done_; });
        return;
      }
      err_ = err;
      done_.close();
      for (auto& [raw, weak] : children_) {
        if (auto child = weak.lock()) children.push_back(std::move(child));
      }
      children_.clear();
      timer.swap(timer_);
    }
    for (auto& child : children) child->cancel(err, false);  // we drop them all: no leaving
    if (timer) cancel_timer(*timer);
    {
      std::lock_guard lock(mutex_);
      subtree_done_ = true;
    }
    subtree_cancelled_.notify_all();
    children.clear();  // may destroy a child, which then leaves us (taking our lock)
    if (remove_from_parent && parent_) parent_->forget_child(this);
  }

  RecvChan<Unit> done() const { return done_; }
  Error err() const {
    std::lock_guard lock(mutex_);
    return err_;
  }
  std::optional<TimePoint> deadline() const { return deadline_; }

 private:
  void forget_child(ContextNode* child) {
    std::lock_guard lock(mutex_);
    children_.erase(child);
  }

  const std::shared_ptr<ContextNode> parent_;  // null when the parent is background()
  const std::optional<TimePoint> deadline_;
  const Chan<Unit> done_ = make_chan<Unit>();
  mutable std::mutex mutex_;
  std::condition_variable subtree_cancelled_;    // signalled when subtree_done_ becomes true
  Error err_;                                    // guarded by mutex_
  bool subtree_done_ = false;  // err_ set and every descendant cancelled; guarded by mutex_
  std::optional<TimerId> timer_;                 // the deadline's timer; guarded by mutex_
  std::unordered_map<ContextNode*, std::weak_ptr<ContextNode>> children_;  // guarded by mutex_
};

namespace {

std::pair<Context, CancelFunc> make_child(const Context& parent, std::optional<TimePoint> deadline) {
  auto node = std::make_shared<ContextNode>(ContextAccess::node(parent), deadline);
  node->attach();
  if (deadline != parent.deadline()) node->arm_deadline();  // an inherited one is the parent's job
  CancelFunc cancel = [node] { node->cancel(Canceled, true); };
  return {ContextAccess::make(std::move(node)), std::move(cancel)};
}

}  // namespace
}  // namespace internal

RecvChan<Unit> Context::done() const { return node_ ? node_->done() : RecvChan<Unit>(); }
Error Context::err() const { return node_ ? node_->err() : Error(); }
std::optional<TimePoint> Context::deadline() const {
  return node_ ? node_->deadline() : std::nullopt;
}

Context background() { return Context(); }

std::pair<Context, CancelFunc> with_cancel(const Context& parent) {
  return internal::make_child(parent, parent.deadline());
}

std::pair<Context, CancelFunc> with_deadline(const Context& parent, TimePoint t) {
  const auto inherited = parent.deadline();
  if (inherited && *inherited <= t) return with_cancel(parent);
  return internal::make_child(parent, t);
}

std::pair<Context, CancelFunc> with_timeout(const Context& parent, Duration d) {
  return with_deadline(parent, internal::deadline_after(d));
}

}  // namespace conc
