#include "conc/time.hpp"

#include <mutex>
#include <optional>
#include <stdexcept>

#include "conc/internal/blocking.hpp"
#include "conc/internal/timer_service.hpp"
#include "conc/select.hpp"

namespace conc {
namespace internal {

// What a Timer or Ticker shares with its scheduled fire. A fire scheduled by an earlier arming
// (before a stop or reset) carries an older generation and does nothing.
struct TimerCore : std::enable_shared_from_this<TimerCore> {
  // Timer and ticker channels have a one-value buffer, emptied by stop() and reset(): that is
  // how Go >= 1.23 makes them look synchronous.
  const Chan<TimePoint> ch = make_chan<TimePoint>(1);
  std::mutex mutex;
  Duration period{};                 // zero for a Timer; guarded by mutex
  std::optional<TimerId> scheduled;  // the pending fire, if any; guarded by mutex
  std::uint64_t generation = 0;      // guarded by mutex

  void arm_locked(TimePoint when) {
    if (period == Duration::zero()) {
      // A timer due now or in the past fires at once, with the time it was armed (Go clamps a
      // non-positive duration to now): no trip through the timer service, even under a FakeClock.
      const TimePoint at = now();
      if (when <= at) {
        select(case_send(ch, at), case_default());
        return;
      }
    }
    const std::uint64_t armed = generation;
    scheduled = schedule_at(when, [core = shared_from_this(), armed](TimePoint due) {
      core->fire(armed, due);
    });
  }

  void fire(std::uint64_t armed, TimePoint due) {
    std::lock_guard lock(mutex);
    if (armed != generation) return;  // stopped or reset since
    scheduled.reset();
    select(case_send(ch, due), case_default());  // a full buffer drops the tick, as Go does
    if (period > Duration::zero()) {
      // The next tick on the period grid after now: missed periods are skipped, not queued.
      const TimePoint at = now();
      const auto missed = at > due ? (at - due) / period : 0;
      arm_locked(due + period * (1 + missed));
    }
  }

  // Cancels the pending fire and discards an unreceived value; true when either existed.
  bool stop_locked() {
    ++generation;
    bool pending = false;
    if (scheduled) {
      pending = cancel_timer(*scheduled);
      scheduled.reset();
    }
    const bool discarded = select(case_recv(ch), case_default()) == 0;
    return pending || discarded;
  }
};

}  // namespace internal

TimePoint now() noexcept { return internal::clock_now(); }

void sleep(Duration d) {
  if (d <= Duration::zero()) return;
  const TimePoint when = internal::deadline_after(d);
  if (when == TimePoint::max()) internal::block_forever("sleep");
  // The timer unparks us; it cannot outlive this frame because we leave only once woken.
  auto& parker = internal::Parker::current();
  internal::schedule_at(when, [&parker](TimePoint) { parker.unpark(); });
  internal::BlockedScope blocked({.operation = "sleep"});
  parker.park();
}

RecvChan<TimePoint> after(Duration d) {
  auto core = std::make_shared<internal::TimerCore>();
  std::lock_guard lock(core->mutex);
  core->arm_locked(internal::deadline_after(d));
  return core->ch;
}

Timer::Timer(Duration d) : core_(std::make_shared<internal::TimerCore>()) {
  std::lock_guard lock(core_->mutex);
  core_->arm_locked(internal::deadline_after(d));
}

Timer::~Timer() { stop(); }

RecvChan<TimePoint> Timer::c() const { return core_->ch; }

bool Timer::stop() {
  std::lock_guard lock(core_->mutex);
  return core_->stop_locked();
}

bool Timer::reset(Duration d) {
  std::lock_guard lock(core_->mutex);
  const bool was_active = core_->stop_locked();
  core_->arm_locked(internal::deadline_after(d));
  return was_active;
}

namespace {
void check_interval(Duration d) {
  if (d <= Duration::zero()) throw std::logic_error("non-positive interval for Ticker");
}
}  // namespace

Ticker::Ticker(Duration d) : core_(std::make_shared<internal::TimerCore>()) {
  check_interval(d);
  std::lock_guard lock(core_->mutex);
  core_->period = d;
  core_->arm_locked(internal::deadline_after(d));
}

Ticker::~Ticker() { stop(); }

RecvChan<TimePoint> Ticker::c() const { return core_->ch; }

void Ticker::stop() {
  std::lock_guard lock(core_->mutex);
  core_->stop_locked();
}

void Ticker::reset(Duration d) {
  check_interval(d);
  std::lock_guard lock(core_->mutex);
  core_->stop_locked();
  core_->period = d;
  core_->arm_locked(internal::deadline_after(d));
}

}  // namespace conc
