// The block that ends the report of a failed exercise test (see internal.hpp for its shape).

#include <fmt/format.h>

#include "internal.hpp"
#include "workshop/hint.hpp"

namespace workshop::internal {

std::string failure_block(std::string_view test_name, std::string_view file,
                          const std::vector<std::string>& hints, const std::vector<Event>& events) {
  const std::optional<Exercise> exercise = exercise_for(file);
  if (!exercise && hints.empty() && events.empty()) return {};

  std::string block;
  if (exercise) {
    block += fmt::format("---- {} failed: {}\n", exercise->id, test_name);
    block += fmt::format("Reread: {}\n", exercise->brief);
  } else {
    block += fmt::format("---- failed: {}\n", test_name);
  }
  for (const std::string& hint : hints) {
    // A hint may span lines (an expected timeline, say): its next lines are indented under it.
    std::string text = hint;
    for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at + 1)) {
      text.insert(at + 1, "      ");
    }
    block += fmt::format("Hint: {}\n", text);
  }
  if (!events.empty()) {
    // A journal can be long (a loop that records); the end is where the failure is.
    block += "What happened, oldest first (time since the test started):\n";
    block += format_journal(events, 100);
    std::vector<TimelineEvent> spans;
    for (const Event& event : events) {
      if (event.span) spans.push_back(*event.span);
    }
    if (!spans.empty()) {
      // In a test the fakes answer when the test says so: what matters is what overlapped what,
      // not the microseconds between threads, hence the order axis.
      block += "The same, as a timeline:\n";
      block += render_timeline(spans, TimelineLayout{.axis = TimelineLayout::Axis::order});
    }
  }
  return block;
}

}  // namespace workshop::internal
