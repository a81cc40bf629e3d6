// conc::select — Go's select statement.
//
//   conc::select(
//       conc::case_recv(results, [&](std::optional<Result> r) { ... }),  // case r, ok := <-results
//       conc::case_send(out, value, [&] { ... }),                        // case out <- value
//       conc::case_recv(ctx.done(), [&] { ... }),                        // case <-ctx.Done()
//       conc::case_default([&] { ... }));                                // default
//
// select blocks until one case can proceed, runs that one communication and then its handler,
// and returns the case's position among the arguments (case_default included). As in Go
// (specification, "Select statements"):
//   - Channel operands and values to send are evaluated once, on entry (they are arguments).
//   - When several cases are ready, one is chosen uniformly at random; when none is and there is
//     a case_default, the default runs; otherwise select blocks. A select that is matched later
//     by another thread fires exactly one case: the first thread to claim it wins.
//   - A case on a nil channel never fires: pass a nil channel to turn a case off.
//   - A receive case on a closed channel is ready and receives nullopt; a send case on a closed
//     channel is ready, and throws ClosedChannelError("send on closed channel") if chosen.
//   - With no case at all, or only nil channels and no default, select blocks forever.
//
// It is Go's runtime algorithm (runtime/select.go): lock every channel of the select in address
// order, poll the cases in a random order, and if none is ready, queue one waiter per case on
// every channel and park; the operation that later claims the select's shared "winner" word
// completes it, and the select removes its other waiters when it wakes. No polling loop, and no
// operation is started and then undone: a value is never lost.
//
// Handlers run after the channels are unlocked, on the selecting thread; whatever a handler
// throws propagates out of select. A receive handler takes std::optional<T> (nullopt: closed) or
// nothing; a send or default handler takes nothing. Handlers are optional.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>

#include "conc/chan.hpp"

namespace conc {
namespace internal {

struct NoHandler {};

// The interface select's algorithm drives; one implementation per kind of case.
class SelectCase {
 public:
  // The channel's state (its identity and lock), or null: a nil channel, or the default case.
  virtual std::mutex* mutex() const noexcept = 0;
  // With the lock held: complete the communication now if it can proceed; returns false if it
  // would block. A claimed waiter to wake is left in `woken`.
  virtual bool try_locked(Parker*& woken) = 0;
  // With the lock held: queue this case's waiter for `select`, or remove it if still queued.
  virtual void enqueue_locked(SelectState* select, int index) noexcept = 0;
  virtual void dequeue_locked() noexcept = 0;
  // After the channels are unlocked: finish a case that won (throws for a send on a closed
  // channel) and run its handler.
  virtual void finish() = 0;

 protected:
  ~SelectCase() = default;
};

template <class T, class F>
class RecvCase final : public SelectCase {
 public:
  RecvCase(std::shared_ptr<ChanState<T>> ch, F handler)
      : ch_(std::move(ch)), handler_(std::move(handler)) {}

  std::mutex* mutex() const noexcept override { return ch_ ? &ch_->mutex : nullptr; }
  bool try_locked(Parker*& woken) override {
    return ch_->try_recv_locked(value_, woken) != Poll::kWouldBlock;
  }
  void enqueue_locked(SelectState* select, int index) noexcept override {
    waiter_ = Waiter<T>{.select = select, .case_index = index, .recv_slot = &value_};
    ch_->enqueue_recv_locked(&waiter_);
  }
  void dequeue_locked() noexcept override { ch_->dequeue_recv_locked(&waiter_); }
  void finish() override {
    if constexpr (std::is_invocable_v<F&, std::optional<T>>) {
      handler_(std::move(value_));
    } else if constexpr (std::is_invocable_v<F&>) {
      handler_();
    }
  }

 private:
  std::shared_ptr<ChanState<T>> ch_;
  F handler_;
  std::optional<T> value_;  // nullopt after completion: the channel was closed
  Waiter<T> waiter_;
};

template <class T, class F>
class SendCase final : public SelectCase {
 public:
  SendCase(std::shared_ptr<ChanState<T>> ch, T value, F handler)
      : ch_(std::move(ch)), value_(std::move(value)), handler_(std::move(handler)) {}

  std::mutex* mutex() const noexcept override { return ch_ ? &ch_->mutex : nullptr; }
  bool try_locked(Parker*& woken) override {
    const Poll poll = ch_->try_send_locked(value_, woken);
    closed_ = poll == Poll::kClosed;
    return poll != Poll::kWouldBlock;
  }
  void enqueue_locked(SelectState* select, int index) noexcept override {
    waiter_ = Waiter<T>{.select = select, .case_index = index, .send_value = &value_};
    ch_->enqueue_send_locked(&waiter_);
  }
  void dequeue_locked() noexcept override { ch_->dequeue_send_locked(&waiter_); }
  void finish() override {
    // A waiter that was claimed but not completed was woken by close().
    if (closed_ || (waiter_.select != nullptr && !waiter_.completed)) {
      throw ClosedChannelError("send on closed channel");
    }
    if constexpr (std::is_invocable_v<F&>) handler_();
  }

 private:
  std::shared_ptr<ChanState<T>> ch_;
  T value_;
  F handler_;
  bool closed_ = false;
  Waiter<T> waiter_;
};

template <class F>
class DefaultCase {
 public:
  explicit DefaultCase(F handler) : handler_(std::move(handler)) {}
  void finish() {
    if constexpr (std::is_invocable_v<F&>) handler_();
  }

 private:
  F handler_;
};

template <class C> struct IsDefaultCase : std::false_type {};
template <class F> struct IsDefaultCase<DefaultCase<F>> : std::true_type {};

// The element type of Chan<T>, SendChan<T> or RecvChan<T>.
template <class C> struct ChanElement;
template <class T> struct ChanElement<Chan<T>> { using type = T; };
template <class T> struct ChanElement<SendChan<T>> { using type = T; };
template <class T> struct ChanElement<RecvChan<T>> { using type = T; };
template <class C> using ChanElementT = typename ChanElement<std::remove_cvref_t<C>>::type;

// A small, fast per-thread generator for the random poll order (wyrand).
std::uint64_t random_u64() noexcept;

// The algorithm, over the channel cases (the default case, if any, is handled by the caller).
// Returns the index in `cases` of the case that completed; `can_default` makes it return -1
// instead of blocking when no case is ready.
int select_impl(SelectCase* const* cases, int count, bool can_default);
inline constexpr std::size_t kMaxSelectCases = 64;

template <std::size_t... I, class... Cases>
std::size_t select_dispatch(std::index_sequence<I...>, Cases&... cases) {
  constexpr std::size_t kCount = sizeof...(Cases);
  constexpr std::size_t kDefaults = (std::size_t{IsDefaultCase<Cases>::value} + ... + 0);
  static_assert(kDefaults <= 1, "select: at most one case_default");
  static_assert(kCount <= kMaxSelectCases, "select: too many cases");

  // Channel cases, and their argument positions.
  std::array<SelectCase*, kCount> channel_cases{};
  std::array<std::size_t, kCount> position{};
  int n = 0;
  [[maybe_unused]] auto collect = [&](auto& c, std::size_t pos) {
    if constexpr (!IsDefaultCase<std::remove_cvref_t<decltype(c)>>::value) {
      channel_cases[n] = &c;
      position[n] = pos;
      ++n;
    }
  };
  (collect(cases, I), ...);

  const int won = select_impl(channel_cases.data(), n, kDefaults == 1);
  if (won < 0) {
    // Only reachable with a default case.
    std::size_t ran = 0;
    [[maybe_unused]] auto run_default = [&](auto& c, std::size_t pos) {
      if constexpr (IsDefaultCase<std::remove_cvref_t<decltype(c)>>::value) {
        c.finish();
        ran = pos;
      }
    };
    (run_default(cases, I), ...);
    return ran;
  }
  channel_cases[won]->finish();
  return position[won];
}

}  // namespace internal

// A receive case: fires when a value can be received or the channel is closed, then calls
// handler(std::optional<T>) (nullopt: closed and drained) or handler(). `ch` may be a Chan<T> or
// a RecvChan<T>; a nil channel turns the case off.
template <class C, class F = internal::NoHandler>
  requires requires { typename internal::ChanElementT<C>; }
auto case_recv(const C& ch, F handler = {}) {
  using T = internal::ChanElementT<C>;
  static_assert(!std::is_same_v<std::remove_cvref_t<C>, SendChan<T>>,
                "case_recv: cannot receive from a send-only channel (SendChan)");
  return internal::RecvCase<T, F>(internal::ChanAccess<T>::state(ch), std::move(handler));
}

// A send case: fires when `value` can be sent, then calls handler(). `ch` may be a Chan<T> or a
// SendChan<T>; `value` anything convertible to T. If the channel is closed when the case is
// chosen, select throws ClosedChannelError("send on closed channel"), as Go panics.
template <class C, class V, class F = internal::NoHandler>
  requires requires { typename internal::ChanElementT<C>; } &&
           std::convertible_to<V, internal::ChanElementT<C>>
auto case_send(const C& ch, V&& value, F handler = {}) {
  using T = internal::ChanElementT<C>;
  static_assert(!std::is_same_v<std::remove_cvref_t<C>, RecvChan<T>>,
                "case_send: cannot send on a receive-only channel (RecvChan)");
  return internal::SendCase<T, F>(internal::ChanAccess<T>::state(ch), T(std::forward<V>(value)),
                                  std::move(handler));
}

// The default case: makes select non-blocking; runs handler() when no other case is ready.
template <class F = internal::NoHandler>
auto case_default(F handler = {}) {
  return internal::DefaultCase<F>(std::move(handler));
}

// Go's select: see the top of this header. Blocks until a case can proceed (never, with a
// default case); returns the argument position of the case that ran. Throws what the chosen
// handler throws, and ClosedChannelError for a chosen send case on a closed channel.
template <class... Cases>
std::size_t select(Cases&&... cases) {
  return internal::select_dispatch(std::index_sequence_for<Cases...>{},
                                   static_cast<std::remove_cvref_t<Cases>&>(cases)...);
}

}  // namespace conc
