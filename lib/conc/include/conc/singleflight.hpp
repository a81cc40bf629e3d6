// conc::SingleFlight<V> — golang.org/x/sync/singleflight: duplicate call suppression.
//
//   conc::SingleFlight<User> users;
//   auto [user, err, shared] = users.call("user:42", [] { return load_user(42); });
//
// While a call for a key is in flight, further calls for the same key do not run their function:
// they wait for the one in flight and receive its result. Once it finishes, the next call for
// the key runs the function again (singleflight is not a cache). Thread-safe; not copyable.
//
// Memory ordering: everything the function did before returning is visible to every caller that
// receives its result.
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "conc/chan.hpp"
#include "conc/error.hpp"
#include "conc/go.hpp"
#include "conc/internal/panic.hpp"
#include "conc/waitgroup.hpp"

namespace conc {

// What a call returns: the function's value and error, and whether they were given to more than
// one caller.
template <class V>
struct Outcome {
  V value;
  Error err;
  bool shared;
};

template <class V>
class SingleFlight {
 public:
  using Function = std::function<std::pair<V, Error>()>;

  SingleFlight() = default;
  SingleFlight(const SingleFlight&) = delete;
  SingleFlight& operator=(const SingleFlight&) = delete;

  // Go's Do: runs fn on the calling thread unless a call for key is in flight, in which case it
  // blocks until that call finishes and returns its result. `shared` is true for the callers
  // that waited, and for the one that ran fn when any did. If fn throws, the exception (its type
  // intact) is rethrown to the caller that ran it and to every caller waiting in call().
  Outcome<V> call(const std::string& key, Function fn) {
    std::unique_lock lock(mutex_);
    if (auto it = calls_.find(key); it != calls_.end()) {
      std::shared_ptr<Call> c = it->second;
      ++c->dups;
      lock.unlock();
      c->done.wait();
      if (c->thrown) std::rethrow_exception(c->thrown);
      return Outcome<V>{*c->value, c->err, true};
    }
    auto c = start_locked(key);
    lock.unlock();
    run(key, c, fn);
    if (c->thrown) std::rethrow_exception(c->thrown);
    return Outcome<V>{*c->value, c->err, c->shared};
  }

  // Go's DoChan: as call(), without blocking: returns a channel (buffered, never closed) that
  // receives the outcome once. When this call starts fn, fn runs in a new goroutine. If fn
  // throws while any caller waits on a channel, the program terminates as Go's does (a channel
  // cannot carry the exception, and its receivers must not wait forever).
  RecvChan<Outcome<V>> call_chan(const std::string& key, Function fn) {
    auto ch = make_chan<Outcome<V>>(1);
    std::unique_lock lock(mutex_);
    if (auto it = calls_.find(key); it != calls_.end()) {
      ++it->second->dups;
      it->second->chans.push_back(ch);
      return ch;
    }
    auto c = start_locked(key);
    c->chans.push_back(ch);
    lock.unlock();
    conc::go([this, key, c, fn = std::move(fn)] { run(key, c, fn); });
    return ch;
  }

  // Go's Forget: the next call for key runs fn even if a call for key is in flight; the call in
  // flight still completes for those already waiting on it. Never blocks for long.
  void forget(const std::string& key) {
    std::lock_guard lock(mutex_);
    calls_.erase(key);
  }

 private:
  struct Call {
    WaitGroup done;  // reaches zero when the call has finished
    std::optional<V> value;
    Error err;
    std::exception_ptr thrown;
    bool shared = false;
    int dups = 0;                             // guarded by SingleFlight::mutex_
    std::vector<SendChan<Outcome<V>>> chans;  // guarded by SingleFlight::mutex_
  };

  std::shared_ptr<Call> start_locked(const std::string& key) {
    auto c = std::make_shared<Call>();
    c->done.add(1);
    calls_[key] = c;
    return c;
  }

  void run(const std::string& key, const std::shared_ptr<Call>& c, const Function& fn) {
    try {
      auto [value, err] = fn();
      c->value.emplace(std::move(value));
      c->err = std::move(err);
    } catch (...) {
      c->thrown = std::current_exception();
    }
    std::vector<SendChan<Outcome<V>>> chans;
    {
      std::lock_guard lock(mutex_);
      // After forget(key), the map may hold a newer call for key: leave it alone.
      if (auto it = calls_.find(key); it != calls_.end() && it->second == c) calls_.erase(it);
      c->shared = c->dups > 0;
      chans = std::move(c->chans);
    }
    // From here on a caller that has its result may destroy *this: touch only the call.
    if (c->thrown && !chans.empty()) panic_with_channel_waiters(c->thrown);
    for (auto& ch : chans) ch.send(Outcome<V>{*c->value, c->err, c->shared});  // never blocks: cap 1
    c->done.done();
  }

  [[noreturn]] static void panic_with_channel_waiters(std::exception_ptr thrown) {
    internal::panic(thrown,
                    "singleflight: the function of a call threw while callers waited for it on "
                    "call_chan() channels, which cannot carry an exception.\nLike Go's "
                    "singleflight, the program ends rather than leave them waiting forever.");
  }

  std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Call>> calls_;  // in flight; guarded by mutex_
};

}  // namespace conc
