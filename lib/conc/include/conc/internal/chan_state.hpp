// conc::internal::ChanState<T> — the shared state behind a Chan<T>: Go's runtime hchan.
//
// One mutex guards everything. Values travel either through the ring buffer or, when a thread
// is already waiting on the other side, directly from one thread's stack to the other's (Go's
// direct hand-off: no buffer hop, one wake-up). Blocked operations wait as Waiter nodes that
// live on the blocked thread's stack, in FIFO queues, so an operation never allocates.
//
// A Waiter belongs to a SelectState: a plain send or receive is a select with one case. Whoever
// completes an operation with a waiter must first claim the waiter's select (one CAS on its
// `winner`); a select waiting on several channels is thereby completed exactly once, and the
// losing waiters are skipped until their select removes them.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

#include "conc/internal/parker.hpp"

namespace conc::internal {

// One blocked select (or plain operation): which case won, and whom to wake.
struct SelectState {
  std::atomic<int> winner{-1};  // -1 until claimed, then the index of the case that fired
  Parker* parker = &Parker::current();

  // True for exactly one caller: the one that gets to complete this select with case `index`.
  bool try_claim(int index) noexcept {
    int unclaimed = -1;
    return winner.compare_exchange_strong(unclaimed, index, std::memory_order_acq_rel);
  }
};

template <class T>
struct Waiter {
  SelectState* select = nullptr;
  int case_index = 0;
  T* send_value = nullptr;                // a sender's value, moved out by the receiver
  std::optional<T>* recv_slot = nullptr;  // where a receiver's value is put
  bool completed = false;  // set by the claimer: true = communicated, false = channel closed
  bool queued = false;     // guarded by the channel's mutex
  Waiter* prev = nullptr;  // guarded by the channel's mutex
  Waiter* next = nullptr;  // guarded by the channel's mutex
};

// An intrusive FIFO of waiters; every method is called with the channel's mutex held.
template <class T>
class WaitQueue {
 public:
  bool empty() const noexcept { return head_ == nullptr; }

  void push_back(Waiter<T>* w) noexcept {
    w->prev = tail_;
    w->next = nullptr;
    (tail_ ? tail_->next : head_) = w;
    tail_ = w;
    w->queued = true;
  }

  void remove(Waiter<T>* w) noexcept {
    if (!w->queued) return;
    (w->prev ? w->prev->next : head_) = w->next;
    (w->next ? w->next->prev : tail_) = w->prev;
    w->queued = false;
  }

  // The first waiter whose select this call wins, removed from the queue; null when none can be
  // claimed. Waiters of selects already won elsewhere stay queued: their select removes them.
  Waiter<T>* claim_first() noexcept {
    for (Waiter<T>* w = head_; w != nullptr; w = w->next) {
      if (w->select->try_claim(w->case_index)) {
        remove(w);
        return w;
      }
    }
    return nullptr;
  }

  // Claims every claimable waiter (close() wakes them all), appending them to `out`.
  void claim_all(std::vector<Waiter<T>*>& out) {
    for (Waiter<T>* w = head_; w != nullptr;) {
      Waiter<T>* next = w->next;
      if (w->select->try_claim(w->case_index)) {
        remove(w);
        out.push_back(w);
      }
      w = next;
    }
  }

 private:
  Waiter<T>* head_ = nullptr;
  Waiter<T>* tail_ = nullptr;
};

// Outcome of trying an operation without blocking.
enum class Poll { kDone, kClosed, kWouldBlock };

template <class T>
class ChanState {
 public:
  explicit ChanState(std::size_t capacity)
      : capacity_(capacity),
        buffer_(capacity > 0 ? std::make_unique<std::optional<T>[]>(capacity) : nullptr) {}

  std::mutex mutex;

  // Each *_locked method requires `mutex` held. A waiter it claims is returned through `woken`
  // and must be unparked after the mutex is released (waking under the lock would make the
  // woken thread block at once on the mutex we still hold).

  Poll try_send_locked(T& value, Parker*& woken) {
    if (closed_) return Poll::kClosed;
    if (Waiter<T>* receiver = recvq_.claim_first()) {
      receiver->recv_slot->emplace(std::move(value));
      receiver->completed = true;
      woken = receiver->select->parker;
      return Poll::kDone;
    }
    if (count_ < capacity_) {
      buffer_[(head_ + count_) % capacity_].emplace(std::move(value));
      ++count_;
      return Poll::kDone;
    }
    return Poll::kWouldBlock;
  }

  Poll try_recv_locked(std::optional<T>& out, Parker*& woken) {
    if (count_ > 0) {
      std::optional<T>& slot = buffer_[head_];
      out.emplace(std::move(*slot));
      slot.reset();
      head_ = (head_ + 1) % capacity_;
      --count_;
      // A sender blocked on the full buffer moves its value into the slot just freed.
      if (Waiter<T>* sender = sendq_.claim_first()) {
        buffer_[(head_ + count_) % capacity_].emplace(std::move(*sender->send_value));
        ++count_;
        sender->completed = true;
        woken = sender->select->parker;
      }
      return Poll::kDone;
    }
    if (Waiter<T>* sender = sendq_.claim_first()) {
      out.emplace(std::move(*sender->send_value));
      sender->completed = true;
      woken = sender->select->parker;
      return Poll::kDone;
    }
    return closed_ ? Poll::kClosed : Poll::kWouldBlock;
  }

  void enqueue_send_locked(Waiter<T>* w) noexcept { sendq_.push_back(w); }
  void enqueue_recv_locked(Waiter<T>* w) noexcept { recvq_.push_back(w); }
  void dequeue_send_locked(Waiter<T>* w) noexcept { sendq_.remove(w); }
  void dequeue_recv_locked(Waiter<T>* w) noexcept { recvq_.remove(w); }

  // Marks the channel closed and claims every waiter (receivers get nullopt, senders will throw);
  // returns false when it was already closed.
  bool close_locked(std::vector<Parker*>& woken) {
    if (closed_) return false;
    closed_ = true;
    std::vector<Waiter<T>*> waiters;
    recvq_.claim_all(waiters);
    sendq_.claim_all(waiters);
    for (Waiter<T>* w : waiters) {
      w->completed = false;
      woken.push_back(w->select->parker);
    }
    return true;
  }

  std::size_t len_locked() const noexcept { return count_; }
  std::size_t cap() const noexcept { return capacity_; }

 private:
  const std::size_t capacity_;
  std::unique_ptr<std::optional<T>[]> buffer_;  // ring of capacity_ slots; guarded by mutex
  std::size_t head_ = 0;                        // guarded by mutex
  std::size_t count_ = 0;                       // guarded by mutex
  bool closed_ = false;                         // guarded by mutex
  WaitQueue<T> recvq_;                          // guarded by mutex
  WaitQueue<T> sendq_;                          // guarded by mutex
};

// Parks the calling thread forever: a send or receive on a nil channel, a select with no case.
[[noreturn]] void block_forever(const char* operation);

}  // namespace conc::internal
