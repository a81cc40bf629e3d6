// The registry behind conc::debug: one record per thread that has ever blocked in the library.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "conc/debug.hpp"
#include "conc/internal/blocking.hpp"

namespace conc::internal {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Written only by its own thread, read by the watchdog: atomics, so that recording what a thread
// blocks on costs a few relaxed stores and no lock on the path of every parked operation. A
// reader may see a record half-updated; it is a diagnostic, and every field is valid on its own.
struct ThreadRecord {
  const std::thread::id thread = std::this_thread::get_id();
  std::atomic<std::size_t> goroutine{0};
  std::atomic<const char*> operation{nullptr};  // null while not blocked
  std::atomic<const void*> object{nullptr};
  std::atomic<std::size_t> capacity{0};
  std::atomic<std::size_t> length{0};
  std::atomic<std::size_t> cases{0};
  std::atomic<SteadyClock::rep> since{0};
};

std::mutex& registry_mutex() {
  static auto* mutex = new std::mutex;  // leaked on purpose: threads may outlive static destruction
  return *mutex;
}

std::vector<ThreadRecord*>& registry() {  // guarded by registry_mutex()
  static auto* records = new std::vector<ThreadRecord*>;
  return *records;
}

// Registers the calling thread on first use and unregisters it when the thread ends.
struct Registration {
  ThreadRecord record;
  Registration() {
    std::lock_guard lock(registry_mutex());
    registry().push_back(&record);
  }
  ~Registration() {
    std::lock_guard lock(registry_mutex());
    auto& records = registry();
    records.erase(std::remove(records.begin(), records.end(), &record), records.end());
  }
};

ThreadRecord& this_thread_record() {
  thread_local Registration registration;
  return registration.record;
}

}  // namespace

BlockedScope::BlockedScope(const BlockedOn& what) noexcept {
  ThreadRecord& record = this_thread_record();
  constexpr auto relaxed = std::memory_order_relaxed;
  record.object.store(what.object, relaxed);
  record.capacity.store(what.capacity, relaxed);
  record.length.store(what.length, relaxed);
  record.cases.store(what.cases, relaxed);
  record.since.store(SteadyClock::now().time_since_epoch().count(), relaxed);
  record.operation.store(what.operation, std::memory_order_release);
}

BlockedScope::~BlockedScope() {
  this_thread_record().operation.store(nullptr, std::memory_order_relaxed);
}

void set_goroutine_id(std::size_t id) noexcept {
  this_thread_record().goroutine.store(id, std::memory_order_relaxed);
}

}  // namespace conc::internal

namespace conc::debug {

std::vector<BlockedThread> blocked_threads() {
  using namespace conc::internal;
  std::vector<BlockedThread> out;
  const auto now = SteadyClock::now();
  std::lock_guard lock(registry_mutex());
  for (const ThreadRecord* record : registry()) {
    const char* what = record->operation.load(std::memory_order_acquire);
    if (what == nullptr) continue;
    const auto relaxed = std::memory_order_relaxed;
    std::string thread;
    if (const auto goroutine = record->goroutine.load(relaxed); goroutine != 0) {
      thread = fmt::format("goroutine {}", goroutine);
    } else {
      std::ostringstream id;
      id << record->thread;
      thread = "thread " + id.str();
    }
    std::string operation = fmt::format("{} ({})", what, record->object.load(relaxed));
    const auto capacity = record->capacity.load(relaxed);
    const auto length = record->length.load(relaxed);
    if (capacity != 0 || length != 0) operation += fmt::format(" cap {} len {}", capacity, length);
    if (const auto cases = record->cases.load(relaxed); cases != 0) {
      operation += fmt::format(" over {} channel case{}", cases, cases == 1 ? "" : "s");
    }
    const auto since = SteadyClock::time_point(SteadyClock::duration(record->since.load(relaxed)));
    out.push_back({std::move(thread), std::move(operation), now - since});
  }
  return out;
}

std::string describe_blocked() {
  const auto threads = blocked_threads();
  if (threads.empty()) return "no thread is blocked in conc";
  std::string text;
  for (const auto& t : threads) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.blocked_for).count();
    text += fmt::format("{}: blocked in {} for {} ms\n", t.thread, t.operation, ms);
  }
  text.pop_back();
  return text;
}

}  // namespace conc::debug
