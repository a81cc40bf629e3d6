// conc::internal — the one clock of the library, and the service that fires everything timed.
//
// Every timer, ticker, sleep and context deadline is an entry in one ordered set, fired in time
// order: by a background thread against the real steady clock, or, while a testing::FakeClock
// is alive, by FakeClock::advance() on the caller's thread against virtual time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace conc::internal {

using TimePoint = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

// Identifies one scheduled entry; ids are never reused.
using TimerId = std::uint64_t;

// The library's now(): virtual time while a FakeClock is alive, else steady_clock::now().
TimePoint clock_now() noexcept;

// now() + d, saturating at TimePoint::max() (which never fires) instead of overflowing.
TimePoint deadline_after(Duration d) noexcept;

// Runs `fire(when)` once the clock reaches `when`, on the timer thread (or inside
// FakeClock::advance). `fire` must not block: it sends without blocking, cancels, or unparks.
TimerId schedule_at(TimePoint when, std::function<void(TimePoint)> fire);

// Removes a scheduled entry; true when it was still pending (it will not fire), false when it
// already fired or was cancelled. Never blocks for long.
bool cancel_timer(TimerId id) noexcept;

// For FakeClock: switch to virtual time starting at `start`, move it, and switch back.
void use_fake_clock(TimePoint start);
void advance_fake_clock(Duration d);
void use_real_clock();

}  // namespace conc::internal
