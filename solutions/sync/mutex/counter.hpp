// sync/mutex/1 — a counter that many threads increment at once: the slides' `x = x + 1` from
// 1000 goroutines. The brief: sync/mutex/exercise1.md. Run: make sync/mutex/1
//
//   Counter counter;
//   conc::WaitGroup wg;
//   for (int i = 0; i < 1000; ++i) wg.go([&counter] { counter.increment(); });
//   wg.wait();
//   counter.value();  // 1000, every time: increment() and value() lock a mutex
//
// Reference solution.
#pragma once

#include <cstdint>
#include <mutex>

// Stands for the work a real update does between reading the value and writing it back
// (computing the new value, logging, calling a service...). The tests define it: they use it to
// hold one increment() between its read and its write, which makes the race visible every time
// instead of once in a thousand runs. Keep the call where it is in increment().
void between_read_and_write();

// A count that any number of threads may increment and read at the same time.
class Counter {
 public:
  // Adds one to the count. Blocks while another call holds the mutex (an increment() between its
  // read and its write, or a value()), then does its own: no increment is ever lost.
  void increment();

  // The count. Blocks while an increment() is in progress, so it never reads value_ half-way
  // through a write, and sees every increment() that returned before it was called.
  std::int64_t value() const;

 private:
  // mutable: value() is const (it does not change the count), yet it locks the mutex. Locking
  // changes no value of the Counter, and `const` promises no more than that.
  mutable std::mutex mutex_;
  std::int64_t value_ = 0;  // guarded by mutex_
};
