// conc::Chan<T> — Go's channels.
//
//   auto results = conc::make_chan<int>(10);   // make(chan int, 10)
//   results.send(42);                          // results <- 42
//   std::optional<int> v = results.recv();     // v, ok := <-results   (nullopt: closed, drained)
//   results.close();                           // close(results)
//   for (int v : results) { ... }              // for v := range results
//
// A Chan<T> is a handle: copies share one channel, and the channel lives while a handle does.
// Chan<T>{} is the nil channel. SendChan<T> (chan<- T) and RecvChan<T> (<-chan T) are the
// directional views a function takes to say which end it uses; a Chan<T> converts to either.
//
// Semantics are Go's (the specification's "Channel types", "Send statements", "Receive
// operator" and "Close"):
//   - Unbuffered (capacity 0): a send completes only when a receiver takes the value.
//   - Buffered: a send blocks only while the buffer is full, a receive only while it is empty.
//   - FIFO: values are received in the order they were sent.
//   - Closing is a message to receivers: they drain what is buffered, then get nullopt forever.
//     Closing wakes every blocked receiver (nullopt) and every blocked sender (they throw).
//   - Misuse throws ClosedChannelError with Go's words: "send on closed channel", "close of
//     closed channel", "close of nil channel".
//   - A nil channel is never ready: send and receive on it block forever; a select case on it
//     never fires.
//
// Memory ordering (Go's memory model): a send happens before the matching receive completes; a
// receive from an unbuffered channel happens before the matching send completes; close happens
// before a receive that returns nullopt because the channel is closed.
//
// Blocked operations park the thread (spin briefly, then sleep on a futex); they are not
// interruptible: to give up waiting, select on the channel and on a context's done() channel.
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "conc/internal/blocking.hpp"
#include "conc/internal/chan_state.hpp"

namespace conc {

// Go's struct{}: the element type of channels that only signal.
struct Unit {
  friend bool operator==(Unit, Unit) noexcept { return true; }
};

// Thrown by the operations Go answers with a panic: send on a closed channel, close of a closed
// or nil channel. what() is Go's panic message.
class ClosedChannelError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

template <class T> class Chan;
template <class T> class SendChan;
template <class T> class RecvChan;
template <class T> Chan<T> make_chan(std::size_t capacity = 0);
namespace internal {
template <class T> struct ChanAccess;
}

namespace internal {

// The operations shared by Chan and its two views; each view exposes its half of them.
template <class T>
class ChanOps {
 public:
  using State = ChanState<T>;

  static void send(State* s, T value) {
    if (s == nullptr) block_forever("send on nil channel");
    std::unique_lock lock(s->mutex);
    Parker* woken = nullptr;
    switch (s->try_send_locked(value, woken)) {
      case Poll::kDone:
        lock.unlock();
        if (woken) woken->unpark();
        return;
      case Poll::kClosed:
        throw ClosedChannelError("send on closed channel");
      case Poll::kWouldBlock:
        break;
    }
    SelectState self;
    Waiter<T> waiter{.select = &self, .send_value = &value};
    s->enqueue_send_locked(&waiter);
    {
      BlockedScope blocked({"channel send", s, s->cap(), s->len_locked()});
      lock.unlock();
      self.parker->park();
    }
    if (!waiter.completed) throw ClosedChannelError("send on closed channel");
  }

  static std::optional<T> recv(State* s) {
    if (s == nullptr) block_forever("receive from nil channel");
    std::optional<T> out;
    std::unique_lock lock(s->mutex);
    Parker* woken = nullptr;
    switch (s->try_recv_locked(out, woken)) {
      case Poll::kDone:
        lock.unlock();
        if (woken) woken->unpark();
        return out;
      case Poll::kClosed:
        return std::nullopt;
      case Poll::kWouldBlock:
        break;
    }
    SelectState self;
    Waiter<T> waiter{.select = &self, .recv_slot = &out};
    s->enqueue_recv_locked(&waiter);
    BlockedScope blocked({"channel receive", s, s->cap(), s->len_locked()});
    lock.unlock();
    self.parker->park();
    return out;  // nullopt when woken by close
  }

  static void close(State* s) {
    if (s == nullptr) throw ClosedChannelError("close of nil channel");
    std::vector<Parker*> woken;
    {
      std::lock_guard lock(s->mutex);
      if (!s->close_locked(woken)) throw ClosedChannelError("close of closed channel");
    }
    for (Parker* p : woken) p->unpark();
  }

  static std::size_t len(State* s) {
    if (s == nullptr) return 0;
    std::lock_guard lock(s->mutex);
    return s->len_locked();
  }

  static std::size_t cap(State* s) noexcept { return s ? s->cap() : 0; }
};

// Range-for over a receiving channel: yields values until the channel is closed and drained.
template <class T>
class RecvIterator {
 public:
  using value_type = T;
  using difference_type = std::ptrdiff_t;

  RecvIterator() = default;  // the end
  explicit RecvIterator(std::shared_ptr<ChanState<T>> state) : state_(std::move(state)) { ++*this; }

  T& operator*() { return *current_; }
  RecvIterator& operator++() {
    current_ = ChanOps<T>::recv(state_.get());
    return *this;
  }
  void operator++(int) { ++*this; }
  friend bool operator==(const RecvIterator& it, std::default_sentinel_t) { return !it.current_; }

 private:
  std::shared_ptr<ChanState<T>> state_;
  std::optional<T> current_;
};

}  // namespace internal

// A bidirectional channel handle (Go: chan T). Copyable and cheap to copy; thread-safe: any
// number of threads may use the same channel, through the same handle or copies of it.
template <class T>
class Chan {
 public:
  // The nil channel: send and recv block forever, close throws, len and cap are 0.
  Chan() noexcept = default;

  // Go: ch <- value. Blocks until a receiver takes the value (unbuffered) or there is room in
  // the buffer. Throws ClosedChannelError("send on closed channel") if the channel is closed
  // before or while it waits. Blocks forever on the nil channel.
  void send(T value) const { internal::ChanOps<T>::send(state_.get(), std::move(value)); }

  // Go: v, ok := <-ch. Blocks until a value is available or the channel is closed; returns the
  // value, or nullopt once the channel is closed and its buffer drained. Never throws (but what
  // T's move constructor throws). Blocks forever on the nil channel.
  std::optional<T> recv() const { return internal::ChanOps<T>::recv(state_.get()); }

  // Go: close(ch). Never blocks. Receivers drain the buffer, then get nullopt; blocked senders
  // throw. Throws ClosedChannelError("close of closed channel" / "close of nil channel").
  void close() const { internal::ChanOps<T>::close(state_.get()); }

  // Go: len(ch), cap(ch): values buffered now, buffer size. Never block; 0 for the nil channel.
  std::size_t len() const { return internal::ChanOps<T>::len(state_.get()); }
  std::size_t cap() const noexcept { return internal::ChanOps<T>::cap(state_.get()); }

  // Go: for v := range ch. Each step blocks like recv(); the loop ends when the channel is closed
  // and drained (never, for the nil channel).
  internal::RecvIterator<T> begin() const { return internal::RecvIterator<T>(state_); }
  std::default_sentinel_t end() const noexcept { return {}; }

  // Go's channel equality: true when both handles refer to the same channel (or both are nil).
  friend bool operator==(const Chan& a, const Chan& b) noexcept { return a.state_ == b.state_; }

 private:
  template <class U> friend Chan<U> make_chan(std::size_t);
  template <class U> friend class SendChan;
  template <class U> friend class RecvChan;
  template <class U> friend struct internal::ChanAccess;
  explicit Chan(std::shared_ptr<internal::ChanState<T>> state) : state_(std::move(state)) {}

  std::shared_ptr<internal::ChanState<T>> state_;
};

// The sending end (Go: chan<- T): send, close, len, cap. A Chan<T> converts to it implicitly.
template <class T>
class SendChan {
 public:
  SendChan() noexcept = default;  // the nil channel
  SendChan(const Chan<T>& ch) noexcept : state_(ch.state_) {}  // NOLINT: implicit, as in Go
  SendChan(Chan<T>&& ch) noexcept : state_(std::move(ch.state_)) {}  // NOLINT

  // As Chan<T>::send, close, len, cap.
  void send(T value) const { internal::ChanOps<T>::send(state_.get(), std::move(value)); }
  void close() const { internal::ChanOps<T>::close(state_.get()); }
  std::size_t len() const { return internal::ChanOps<T>::len(state_.get()); }
  std::size_t cap() const noexcept { return internal::ChanOps<T>::cap(state_.get()); }

  friend bool operator==(const SendChan& a, const SendChan& b) noexcept {
    return a.state_ == b.state_;
  }

 private:
  template <class U> friend struct internal::ChanAccess;
  std::shared_ptr<internal::ChanState<T>> state_;
};

// The receiving end (Go: <-chan T): recv, range-for, len, cap; no send, no close. A Chan<T>
// converts to it implicitly.
template <class T>
class RecvChan {
 public:
  RecvChan() noexcept = default;  // the nil channel
  RecvChan(const Chan<T>& ch) noexcept : state_(ch.state_) {}  // NOLINT: implicit, as in Go
  RecvChan(Chan<T>&& ch) noexcept : state_(std::move(ch.state_)) {}  // NOLINT

  // As Chan<T>::recv, begin/end, len, cap.
  std::optional<T> recv() const { return internal::ChanOps<T>::recv(state_.get()); }
  internal::RecvIterator<T> begin() const { return internal::RecvIterator<T>(state_); }
  std::default_sentinel_t end() const noexcept { return {}; }
  std::size_t len() const { return internal::ChanOps<T>::len(state_.get()); }
  std::size_t cap() const noexcept { return internal::ChanOps<T>::cap(state_.get()); }

  friend bool operator==(const RecvChan& a, const RecvChan& b) noexcept {
    return a.state_ == b.state_;
  }

 private:
  template <class U> friend struct internal::ChanAccess;
  std::shared_ptr<internal::ChanState<T>> state_;
};

// Go: make(chan T, capacity). A new, open channel; capacity 0 (the default) is unbuffered.
// Allocates the channel and its buffer once; operations never allocate.
template <class T>
Chan<T> make_chan(std::size_t capacity) {
  return Chan<T>(std::make_shared<internal::ChanState<T>>(capacity));
}

namespace internal {
// How select reaches the state behind any of the three handle types.
template <class T>
struct ChanAccess {
  static const std::shared_ptr<ChanState<T>>& state(const Chan<T>& c) { return c.state_; }
  static const std::shared_ptr<ChanState<T>>& state(const SendChan<T>& c) { return c.state_; }
  static const std::shared_ptr<ChanState<T>>& state(const RecvChan<T>& c) { return c.state_; }
};
}  // namespace internal

}  // namespace conc
