// conc::internal::BlockedScope — records, for conc::debug, what this thread is about to wait for.
//
// Constructed just before a thread parks and destroyed when it resumes, so the watchdog can say
// what a hung test is stuck on. Only the slow path pays for it: an uncontended operation never
// parks and never records anything.
#pragma once

#include <cstddef>

namespace conc::internal {

// What a blocked thread waits for. `object` is the channel, WaitGroup, ... (printed as an address
// so two threads waiting on the same object can be matched); `detail` is an optional number
// printed with the operation (e.g. the number of cases of a select).
struct BlockedOn {
  const char* operation = nullptr;  // static string, e.g. "channel receive"
  const void* object = nullptr;
  std::size_t capacity = 0;         // for channels: cap
  std::size_t length = 0;           // for channels: len when the thread blocked
  std::size_t cases = 0;            // for select: how many channel cases it waits on
};

class BlockedScope {
 public:
  explicit BlockedScope(const BlockedOn& what) noexcept;
  ~BlockedScope();
  BlockedScope(const BlockedScope&) = delete;
  BlockedScope& operator=(const BlockedScope&) = delete;
};

// Names the calling thread in debug reports ("goroutine 7"); conc::go calls it with the
// goroutine's number. 0 means "not a goroutine".
void set_goroutine_id(std::size_t id) noexcept;

}  // namespace conc::internal
