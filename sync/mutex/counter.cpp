// sync/mutex/1 — your code goes here (and in counter.hpp). The brief: sync/mutex/exercise1.md.
// Run: make sync/mutex/1       See the race: make race EX=sync/mutex/1
#include "counter.hpp"

void Counter::increment() {
  // TODO(sync/mutex/1): this is `x = x + 1`: a read, then a write. Two threads can both read the
  // same value before either writes, and one increment is lost. Lock the mutex for the whole of
  // it, from before the read until after the write.
  const auto current = value_;
  between_read_and_write();
  value_ = current + 1;
}

std::int64_t Counter::value() const {
  // TODO(sync/mutex/1): reading value_ while another thread writes it is a data race too: lock.
  return value_;
}
