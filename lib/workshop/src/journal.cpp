// The journal of the running test: one vector of events, guarded by one mutex.

#include "workshop/journal.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <utility>

#include <fmt/format.h>

#include "internal.hpp"

namespace workshop {
namespace {

using Clock = std::chrono::steady_clock;

// A number for the calling thread, never reused in the process. (std::thread::id is reused: two
// threads started one after the other often get the same one, and would share a label.)
std::uint64_t thread_serial() {
  static std::atomic<std::uint64_t> next{1};
  thread_local const std::uint64_t serial = next.fetch_add(1, std::memory_order_relaxed);
  return serial;
}

struct Journal {
  std::mutex mutex;
  Clock::time_point start = Clock::now();  // of the running test; guarded by mutex
  std::uint64_t test_thread = 0;           // thread_serial() of the test's; guarded by mutex
  std::vector<std::uint64_t> others;       // "thread N" is others[N - 1]; guarded by mutex
  std::vector<Event> events;               // guarded by mutex
};

// Immortal, as the hints: the watchdog may print the journal while static destructors run.
Journal& the_journal() {
  static Journal* const instance = new Journal;
  return *instance;
}

// The label of the calling thread in the running test. Requires j.mutex held.
std::string thread_label(Journal& j) {
  const std::uint64_t self = thread_serial();
  if (self == j.test_thread) return "test";
  auto it = std::find(j.others.begin(), j.others.end(), self);
  if (it == j.others.end()) it = j.others.insert(it, self);
  return fmt::format("thread {}", (it - j.others.begin()) + 1);
}

// Appends one event; `span`, when given, is its timeline event (its time is set here).
void append(std::string what, std::optional<TimelineEvent> span) {
  const Clock::time_point now = Clock::now();
  Journal& j = the_journal();
  std::lock_guard lock(j.mutex);
  const auto at = now - j.start;
  if (span) span->at = std::chrono::duration_cast<std::chrono::nanoseconds>(at);
  j.events.push_back(Event{at, thread_label(j), std::move(what), std::move(span)});
}

std::string with_detail(const std::string& lane, const std::string& label,
                        const std::string& detail) {
  return detail.empty() ? fmt::format("{} {}", lane, label)
                        : fmt::format("{} {} ({})", lane, label, detail);
}

}  // namespace

void record(std::string what) { append(std::move(what), std::nullopt); }

void record_begin(std::string lane, std::string label, std::string detail) {
  std::string what = with_detail(lane, label, detail);
  append(std::move(what), TimelineEvent{{}, std::move(lane), TimelineEvent::Kind::begin,
                                        std::move(label)});
}

void record_end(std::string lane, std::string outcome, Ending ending, std::string detail) {
  std::string what = with_detail(lane, outcome, detail);
  append(std::move(what), TimelineEvent{{}, std::move(lane), TimelineEvent::Kind::end,
                                        std::move(outcome), ending});
}

std::vector<Event> journal() {
  Journal& j = the_journal();
  std::lock_guard lock(j.mutex);
  return j.events;
}

namespace internal {

void journal_begin_test() {
  Journal& j = the_journal();
  std::lock_guard lock(j.mutex);
  j.start = Clock::now();
  j.test_thread = thread_serial();
  j.others.clear();
  j.events.clear();
}

std::string format_journal(const std::vector<Event>& events, std::size_t max_events) {
  std::string text;
  std::size_t first = 0;
  if (events.size() > max_events) {
    first = events.size() - max_events;
    text += fmt::format("  ... {} earlier events not shown\n", first);
  }
  for (std::size_t i = first; i < events.size(); ++i) {
    const std::chrono::duration<double, std::milli> at = events[i].at;
    text += fmt::format("  {:>10.3f} ms  {:<9} {}\n", at.count(), events[i].thread, events[i].what);
  }
  return text;
}

}  // namespace internal
}  // namespace workshop
