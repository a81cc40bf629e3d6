#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "conc/internal/timer_service.hpp"

namespace conc::internal {
namespace {

using SteadyClock = std::chrono::steady_clock;
using Fire = std::function<void(TimePoint)>;

class Service {
 public:
  TimerId schedule(TimePoint when, Fire fire) {
    std::lock_guard lock(mutex_);
    const TimerId id = next_id_++;
    const auto it = queue_.emplace(Key{when, id}, std::move(fire)).first;
    index_.emplace(id, when);
    if (!thread_started_) {
      thread_started_ = true;
      std::thread([this] { run(); }).detach();
    }
    // Wake the timer thread only if it sleeps past the new deadline (create-then-stop timers
    // would otherwise wake it every time).
    if (it == queue_.begin() && !fake_ && when < sleeping_until_) wake_.notify_one();
    return id;
  }

  bool cancel(TimerId id) noexcept {
    std::lock_guard lock(mutex_);
    const auto found = index_.find(id);
    if (found == index_.end()) return false;
    queue_.erase(Key{found->second, id});
    index_.erase(found);
    return true;
  }

  TimePoint now() const noexcept {
    if (fake_active_.load(std::memory_order_acquire)) {
      return TimePoint(Duration(fake_now_.load(std::memory_order_acquire)));
    }
    return SteadyClock::now();
  }

  void use_fake(TimePoint start) {
    std::lock_guard lock(mutex_);
    fake_ = true;
    fake_now_.store(start.time_since_epoch().count(), std::memory_order_release);
    fake_active_.store(true, std::memory_order_release);
  }

  void use_real() {
    std::lock_guard lock(mutex_);
    fake_ = false;
    fake_active_.store(false, std::memory_order_release);
    sleeping_until_ = TimePoint::max();
    wake_.notify_one();
  }

  // Fires, on the calling thread and in time order, every entry due by now + d, moving the
  // virtual clock to each entry's time as it fires (a ticker re-arms relative to its own tick).
  void advance(Duration d) {
    const TimePoint target = saturating_add(now(), d);
    for (;;) {
      std::unique_lock lock(mutex_);
      // TimePoint::max() stands for "never" (a saturated duration): it does not become due even
      // when the clock is advanced by Duration::max().
      if (queue_.empty() || queue_.begin()->first.when > target ||
          queue_.begin()->first.when == TimePoint::max()) {
        set_fake_now(target);
        return;
      }
      auto [when, fire] = pop_front_locked();
      if (when > now()) set_fake_now(when);
      lock.unlock();
      run_entry(fire, when);
    }
  }

  static TimePoint saturating_add(TimePoint t, Duration d) noexcept {
    if (d > Duration::zero() && t > TimePoint::max() - d) return TimePoint::max();
    if (d < Duration::zero() && t < TimePoint::min() - d) return TimePoint::min();
    return t + d;
  }

 private:
  struct Key {
    TimePoint when;
    TimerId id;  // ties broken by scheduling order
    friend bool operator<(const Key& a, const Key& b) noexcept {
      return a.when != b.when ? a.when < b.when : a.id < b.id;
    }
  };

  std::pair<TimePoint, Fire> pop_front_locked() {
    auto node = queue_.extract(queue_.begin());
    index_.erase(node.key().id);
    return {node.key().when, std::move(node.mapped())};
  }

  void set_fake_now(TimePoint t) noexcept {
    fake_now_.store(t.time_since_epoch().count(), std::memory_order_release);
  }

  static void run_entry(Fire& fire, TimePoint when) noexcept {
    try {
      fire(when);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "conc: a timer callback threw: %s\n", e.what());
      std::terminate();
    }
  }

  // The timer thread: fires real-time entries while no FakeClock is alive.
  [[noreturn]] void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      const TimePoint when = fake_ || queue_.empty() ? TimePoint::max() : queue_.begin()->first.when;
      if (when == TimePoint::max()) {  // nothing due ever (waiting until max() would overflow)
        sleeping_until_ = TimePoint::max();
        wake_.wait(lock);
        continue;
      }
      if (when > SteadyClock::now()) {
        sleeping_until_ = when;
        wake_.wait_until(lock, when);
        continue;
      }
      sleeping_until_ = TimePoint::min();  // awake: firing
      auto [due, fire] = pop_front_locked();
      lock.unlock();
      run_entry(fire, due);
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;          // the timer thread waits on it
  std::map<Key, Fire> queue_;             // guarded by mutex_
  std::unordered_map<TimerId, TimePoint> index_;  // id -> when; guarded by mutex_
  TimerId next_id_ = 1;                   // guarded by mutex_
  bool thread_started_ = false;           // guarded by mutex_
  bool fake_ = false;                     // guarded by mutex_
  TimePoint sleeping_until_ = TimePoint::max();  // the timer thread's wake-up time; guarded
  std::atomic<bool> fake_active_{false};  // read without the lock by now()
  std::atomic<Duration::rep> fake_now_{0};
};

Service& service() {
  static auto* instance = new Service;  // leaked on purpose: its thread outlives static destruction
  return *instance;
}

}  // namespace

TimePoint clock_now() noexcept { return service().now(); }
TimePoint deadline_after(Duration d) noexcept { return Service::saturating_add(clock_now(), d); }
TimerId schedule_at(TimePoint when, std::function<void(TimePoint)> fire) {
  return service().schedule(when, std::move(fire));
}
bool cancel_timer(TimerId id) noexcept { return service().cancel(id); }
void use_fake_clock(TimePoint start) { service().use_fake(start); }
void advance_fake_clock(Duration d) { service().advance(d); }
void use_real_clock() { service().use_real(); }

}  // namespace conc::internal
