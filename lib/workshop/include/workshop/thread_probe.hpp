// workshop/thread_probe.hpp — is that thread asleep in the kernel (blocked on a lock)?
//
// Exercise suites use it to tell, without sleeping or guessing, "thread B is blocked on the
// student's mutex" from "thread B has not got there yet":
//
//   workshop::ThreadProbe b;                  // filled in by thread B: b.attach() as it starts
//   ...
//   workshop::wait_until([&] { return b_entered_critical_section || b.sleeping(); });
//
// A thread that waits for a std::mutex, std::call_once, a function-local static being
// initialised or a condition variable sleeps in the kernel (state S in /proc); a thread that is
// running or merely preempted does not. Linux only.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

namespace workshop {

class ThreadProbe {
 public:
  // Identifies the calling thread as the one this probe watches. Call it from that thread.
  void attach() noexcept;

  // True when attach() was called and the thread is now asleep in the kernel. Never blocks.
  bool sleeping() const;

 private:
  std::atomic<long> tid_{0};
};

// Blocks until condition() is true, polling it; returns false if it is still false after
// `safety_net` (a failure of the test, never a way to order events). Never throws but what
// condition() throws.
bool wait_until(const std::function<bool()>& condition,
                std::chrono::steady_clock::duration safety_net = std::chrono::seconds(5));

}  // namespace workshop
