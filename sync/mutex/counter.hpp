// sync/mutex/1 — a counter that many threads increment at once: the slides' `x = x + 1` from
// 1000 goroutines. The brief: sync/mutex/exercise1.md. Run: make sync/mutex/1
//
//   Counter counter;
//   conc::WaitGroup wg;
//   for (int i = 0; i < 1000; ++i) wg.go([&counter] { counter.increment(); });
//   wg.wait();
//   counter.value();  // 1000, every time: once increment() and value() lock a mutex
//
// You edit this file (the mutex is a member of Counter) and counter.cpp (where it is locked).
#pragma once

#include <cstdint>

// Stands for the work a real update does between reading the value and writing it back
// (computing the new value, logging, calling a service...). The tests define it: they use it to
// hold one increment() between its read and its write, which makes the race visible every time
// instead of once in a thousand runs. Keep the call where it is in increment().
void between_read_and_write();

// A count that any number of threads may increment and read at the same time.
class Counter {
 public:
  // Adds one to the count. Called by many threads at once, every call must count: no increment
  // may be lost.
  void increment();

  // The count so far.
  std::int64_t value() const;

 private:
  // TODO(sync/mutex/1): add the std::mutex that guards value_ (#include <mutex>). value() is
  // const and must lock it too: declare it `mutable`.
  std::int64_t value_ = 0;
};
