// The timeline recorder and its two renderers: ASCII for terminals, JSON for trace viewers.

#include "workshop/timeline.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

namespace workshop {
namespace {

using std::chrono::nanoseconds;

// ---- Recorded events, regrouped by lane ----------------------------------------------------------

struct Span {
  nanoseconds start;
  std::optional<nanoseconds> end;  // empty: still running when the timeline was drawn
  Ending ending = Ending::completed;
  std::string label;    // what it was
  std::string outcome;  // how it ended
};

struct Mark {
  nanoseconds at;
  std::string label;
};

struct Lane {
  std::string name;
  std::vector<Span> spans;
  std::vector<Mark> marks;

  // The outcomes and marks, in time order: the text printed at the end of the lane's line.
  std::string trailer() const {
    std::vector<std::pair<nanoseconds, const std::string*>> notes;
    for (const Span& span : spans) {
      if (span.end && !span.outcome.empty()) notes.emplace_back(*span.end, &span.outcome);
    }
    for (const Mark& mark : marks) {
      if (!mark.label.empty()) notes.emplace_back(mark.at, &mark.label);
    }
    std::stable_sort(notes.begin(), notes.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string text;
    for (const auto& note : notes) {
      if (!text.empty()) text += ", ";
      text += *note.second;
    }
    return text;
  }
};

// The events by lane, lanes in order of first appearance. Events are taken in time order (stable:
// equal times keep the order they were recorded in).
std::vector<Lane> group_by_lane(std::vector<TimelineEvent> events) {
  std::stable_sort(events.begin(), events.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
  std::vector<Lane> lanes;
  auto lane_of = [&](const std::string& name) -> Lane& {
    auto it = std::find_if(lanes.begin(), lanes.end(), [&](const Lane& l) { return l.name == name; });
    if (it != lanes.end()) return *it;
    lanes.push_back(Lane{name, {}, {}});
    return lanes.back();
  };
  for (const TimelineEvent& event : events) {
    Lane& lane = lane_of(event.lane);
    const bool open = !lane.spans.empty() && !lane.spans.back().end;
    switch (event.kind) {
      case TimelineEvent::Kind::begin:
        if (open) {  // a lane runs one thing at a time: the new begin cuts the old span
          lane.spans.back().end = event.at;
          lane.spans.back().ending = Ending::stopped;
        }
        lane.spans.push_back(Span{event.at, std::nullopt, Ending::completed, event.label, {}});
        break;
      case TimelineEvent::Kind::end:
        if (!open) lane.spans.push_back(Span{event.at, std::nullopt, Ending::completed, {}, {}});
        lane.spans.back().end = event.at;
        lane.spans.back().ending = event.ending;
        lane.spans.back().outcome = event.label;
        break;
      case TimelineEvent::Kind::mark:
        lane.marks.push_back(Mark{event.at, event.label});
        break;
    }
  }
  return lanes;
}

// ---- The ASCII picture -----------------------------------------------------------------------

// Maps an instant to a column of the bar area [0, columns).
class Scale {
 public:
  Scale(const std::vector<TimelineEvent>& events, TimelineLayout::Axis axis, int columns)
      : axis_(axis), columns_(columns) {
    for (const TimelineEvent& event : events) {
      instants_.push_back(event.at);
      last_ = std::max(last_, event.at);
    }
    std::sort(instants_.begin(), instants_.end());
    instants_.erase(std::unique(instants_.begin(), instants_.end()), instants_.end());
  }

  int column(nanoseconds at) const {
    const int last_column = columns_ - 1;
    if (axis_ == TimelineLayout::Axis::order) {
      if (instants_.size() < 2) return 0;
      const auto index = std::lower_bound(instants_.begin(), instants_.end(), at) - instants_.begin();
      return static_cast<int>(index * last_column / static_cast<std::int64_t>(instants_.size() - 1));
    }
    if (last_.count() <= 0) return 0;
    const double fraction = static_cast<double>(std::max(at, nanoseconds(0)).count()) /
                            static_cast<double>(last_.count());
    return std::clamp(static_cast<int>(fraction * last_column + 0.5), 0, last_column);
  }

  // The line above the lanes: time labels at round values, or a note on the order axis.
  std::string header() const {
    if (axis_ == TimelineLayout::Axis::order) return "order of events (not to scale) -->";
    std::string line(static_cast<std::size_t>(columns_), ' ');
    const std::int64_t step = tick_step();
    int free_from = 0;  // the first column a label may use (one blank between labels)
    for (std::int64_t t = 0; t <= last_.count(); t += step) {
      const std::string label = format_time(t, step);
      const int at = column(nanoseconds(t));
      if (at < free_from || at + static_cast<int>(label.size()) > columns_) continue;
      line.replace(static_cast<std::size_t>(at), label.size(), label);
      free_from = at + static_cast<int>(label.size()) + 1;
    }
    return line;
  }

 private:
  // A round step (1, 2 or 5 times a power of ten, in ns) that puts labels 8 columns apart or more.
  std::int64_t tick_step() const {
    const std::int64_t wanted = std::max<std::int64_t>(1, last_.count() * 8 / columns_);
    for (std::int64_t power = 1;; power *= 10) {
      for (std::int64_t factor : {1, 2, 5}) {
        if (factor * power >= wanted) return factor * power;
      }
    }
  }

  static std::string format_time(std::int64_t ns, std::int64_t step) {
    if (step >= 1'000'000'000) return fmt::format("{} s", ns / 1'000'000'000);
    if (step >= 1'000'000) return fmt::format("{} ms", ns / 1'000'000);
    if (step >= 1'000) return fmt::format("{} us", ns / 1'000);
    return fmt::format("{} ns", ns);
  }

  TimelineLayout::Axis axis_;
  int columns_;
  nanoseconds last_{0};
  std::vector<nanoseconds> instants_;  // distinct, sorted
};

// `text` cut to `width` columns, "..." marking the cut. (ASCII: one byte, one column.)
std::string fit(const std::string& text, std::size_t width) {
  if (text.size() <= width) return text;
  if (width <= 3) return text.substr(0, width);
  return text.substr(0, width - 3) + "...";
}

std::string draw_lane(const Lane& lane, const Scale& scale, int columns) {
  std::string bar(static_cast<std::size_t>(columns), ' ');
  auto put = [&](int column, char c) { bar[static_cast<std::size_t>(column)] = c; };
  for (const Span& span : lane.spans) {
    const int from = scale.column(span.start);
    const int to = span.end ? scale.column(*span.end) : columns - 1;
    for (int c = from + 1; c < to; ++c) put(c, '=');
    put(from, '[');
    if (!span.end) {
      put(to, '>');
    } else {
      put(to, span.ending == Ending::stopped ? 'x' : ']');
    }
  }
  for (const Mark& mark : lane.marks) put(scale.column(mark.at), '*');
  return bar;
}

std::string trim_right(std::string line) {
  line.erase(line.find_last_not_of(' ') + 1);
  return line;
}

// ---- JSON ------------------------------------------------------------------------------------

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

double microseconds(nanoseconds ns) { return static_cast<double>(ns.count()) / 1000.0; }

}  // namespace

// ---- Timeline --------------------------------------------------------------------------------

Timeline::Timeline() : origin_(conc::now()) {}

void Timeline::begin(std::string lane, std::string label) {
  add(TimelineEvent{{}, std::move(lane), TimelineEvent::Kind::begin, std::move(label)});
}

void Timeline::end(std::string lane, std::string outcome, Ending ending) {
  add(TimelineEvent{{}, std::move(lane), TimelineEvent::Kind::end, std::move(outcome), ending});
}

void Timeline::mark(std::string lane, std::string label) {
  add(TimelineEvent{{}, std::move(lane), TimelineEvent::Kind::mark, std::move(label)});
}

void Timeline::add(TimelineEvent event) {
  std::lock_guard lock(mutex_);
  // Read the clock under the lock: the events are then in time order as well as in record order.
  event.at = std::chrono::duration_cast<nanoseconds>(conc::now() - origin_);
  events_.push_back(std::move(event));
}

std::vector<TimelineEvent> Timeline::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

// ---- Renderers -------------------------------------------------------------------------------

std::string render_timeline(const std::vector<TimelineEvent>& events, TimelineLayout layout) {
  if (layout.width < 40) {
    throw std::invalid_argument(
        fmt::format("render_timeline: a width of {} columns is too narrow (40 at least)",
                    layout.width));
  }
  if (events.empty()) return {};
  const std::vector<Lane> lanes = group_by_lane(events);

  // Columns: the lane names, the bars, then each lane's outcomes. The bars get at least half.
  std::size_t name_width = 0;
  std::size_t trailer_width = 0;
  for (const Lane& lane : lanes) {
    name_width = std::max(name_width, lane.name.size());
    trailer_width = std::max(trailer_width, lane.trailer().size());
  }
  const auto width = static_cast<std::size_t>(layout.width);
  name_width = std::min<std::size_t>(name_width, 14) + 2;
  trailer_width = std::min(trailer_width, width / 2 - name_width);
  const std::size_t bar_width = width - name_width - (trailer_width ? trailer_width + 1 : 0);
  const Scale scale(events, layout.axis, static_cast<int>(bar_width));

  std::string text = trim_right(std::string(name_width, ' ') + scale.header()) + "\n";
  for (const Lane& lane : lanes) {
    std::string line = fit(lane.name, name_width - 2);
    line.resize(name_width, ' ');
    line += draw_lane(lane, scale, static_cast<int>(bar_width));
    if (trailer_width) line += " " + fit(lane.trailer(), trailer_width);
    text += trim_right(std::move(line)) + "\n";
  }
  if (layout.legend) {
    const std::string legend = "[==] ran  ] finished  x cancelled or failed  > still running  * event";
    text += std::string(name_width, ' ') + fit(legend, width - name_width) + "\n";
  }
  return text;
}

std::string chrome_trace_json(
    const std::vector<std::pair<std::string, std::vector<TimelineEvent>>>& processes,
    const std::vector<std::chrono::nanoseconds>& offsets) {
  std::vector<std::string> entries;
  for (std::size_t p = 0; p < processes.size(); ++p) {
    const auto& [process, events] = processes[p];
    const std::size_t pid = p + 1;
    const nanoseconds offset = p < offsets.size() ? offsets[p] : nanoseconds(0);
    nanoseconds last{0};
    for (const TimelineEvent& event : events) last = std::max(last, event.at);

    entries.push_back(fmt::format(
        R"({{"name":"process_name","ph":"M","pid":{},"args":{{"name":{}}}}})", pid,
        json_string(process)));
    entries.push_back(fmt::format(
        R"({{"name":"process_sort_index","ph":"M","pid":{},"args":{{"sort_index":{}}}}})", pid,
        pid));
    const std::vector<Lane> lanes = group_by_lane(events);
    for (std::size_t l = 0; l < lanes.size(); ++l) {
      const Lane& lane = lanes[l];
      const std::size_t tid = l + 1;
      entries.push_back(fmt::format(
          R"({{"name":"thread_name","ph":"M","pid":{},"tid":{},"args":{{"name":{}}}}})", pid, tid,
          json_string(lane.name)));
      entries.push_back(fmt::format(
          R"({{"name":"thread_sort_index","ph":"M","pid":{},"tid":{},"args":{{"sort_index":{}}}}})",
          pid, tid, tid));
      for (const Span& span : lane.spans) {
        const nanoseconds end = span.end.value_or(last);
        const std::string outcome =
            span.end ? span.outcome : std::string("still running at the end");
        entries.push_back(fmt::format(
            R"({{"name":{},"ph":"X","pid":{},"tid":{},"ts":{:.3f},"dur":{:.3f},"args":{{"outcome":{},"ending":{}}}}})",
            json_string(span.label.empty() ? lane.name : span.label), pid, tid,
            microseconds(span.start + offset), microseconds(end - span.start), json_string(outcome),
            json_string(span.ending == Ending::stopped ? "stopped" : "completed")));
      }
      for (const Mark& mark : lane.marks) {
        entries.push_back(fmt::format(
            R"({{"name":{},"ph":"i","s":"t","pid":{},"tid":{},"ts":{:.3f}}})",
            json_string(mark.label), pid, tid, microseconds(mark.at + offset)));
      }
    }
  }
  std::string json = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    json += entries[i];
    json += i + 1 < entries.size() ? ",\n" : "\n";
  }
  return json + "]}\n";
}

}  // namespace workshop
