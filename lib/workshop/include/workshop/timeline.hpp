// workshop/timeline.hpp — a picture of what ran concurrently: one lane per datacenter (or
// goroutine), one bar per piece of work, drawn in an 80-column terminal.
//
// Something records spans as they happen; the renderer draws them afterwards:
//
//   workshop::Timeline timeline;                     // time 0 is now
//   timeline.begin("SBG", "find");                   // on any thread
//   timeline.end("SBG", "found");
//   timeline.end("GRA", "cancelled", workshop::Ending::stopped);
//   std::cout << workshop::render_timeline(timeline.events());
//
//          0 ms      50 ms     100 ms    150 ms    200 ms
//   SBG    [===================]                                        found
//   GRA    [====================x                                       cancelled
//   BHS    [===========================================================>
//          [==] ran  ] finished  x cancelled or failed  > still running  * event
//
// The datacenterfind demo prints one after each action (and writes chrome_trace_json() with
// --trace); the workshop's test main prints the running test's under a failure (journal.hpp).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conc/time.hpp"

namespace workshop {

// How a span ended: it completed (drawn `]`), or it was stopped early (`x`): cancelled, failed.
enum class Ending { completed, stopped };

// One thing that happened on a lane.
struct TimelineEvent {
  enum class Kind {
    begin,  // a span starts; label: what it is ("find"), may be empty
    end,    // the lane's open span ends; label: how ("found", "cancelled")
    mark,   // an instant; label: what happened ("hedge timer fired")
  };

  std::chrono::nanoseconds at;  // since the timeline's time 0
  std::string lane;             // "SBG", "goroutine 3", "main"
  Kind kind;
  std::string label;
  Ending ending = Ending::completed;  // for Kind::end
};

// Records events from any number of threads, in the order they happen. Time is conc::now(), so a
// timeline recorded under conc::testing::FakeClock shows virtual time. Every member takes a short
// internal lock and never blocks for long; they throw only std::bad_alloc.
class Timeline {
 public:
  // Time 0 is now.
  Timeline();

  // `lane` starts a span. A lane has one span open at a time: a begin while one is open ends that
  // one first, as stopped. A lane's first event makes it the next line of the picture.
  void begin(std::string lane, std::string label = {});
  // `lane`'s open span ends; `outcome` is printed at the end of its line. An end on a lane with no
  // open span draws an instant span.
  void end(std::string lane, std::string outcome, Ending ending = Ending::completed);
  // Something happened on `lane` (drawn `*`; `label` is printed at the end of its line).
  void mark(std::string lane, std::string label);

  // A copy of the events so far, oldest first.
  std::vector<TimelineEvent> events() const;

 private:
  void add(TimelineEvent event);

  const conc::TimePoint origin_;
  mutable std::mutex mutex_;
  std::vector<TimelineEvent> events_;  // guarded by mutex_
};

// How render_timeline() lays the picture out.
struct TimelineLayout {
  // The picture's width in columns, lane names and outcomes included (at least 40).
  int width = 80;
  // time: columns are proportional to time, with a scale in ms (or µs, s) on top.
  // order: each distinct instant gets its own column, in order, evenly spaced: what happened
  //   before what, when the real gaps (microseconds between threads in a test) mean nothing.
  enum class Axis { time, order } axis = Axis::time;
  bool legend = true;  // a last line that explains the symbols
};

// The events as text: a scale line, one line per lane in order of first appearance, a legend;
// every line ends with '\n' and is at most layout.width columns wide. Empty for no event.
// Throws std::invalid_argument when layout.width < 40.
std::string render_timeline(const std::vector<TimelineEvent>& events, TimelineLayout layout = {});

// The events in the Chrome trace-event JSON format (chrome://tracing, https://ui.perfetto.dev):
// each (name, events) pair is a process named `name`, each lane a thread of it, each span a
// complete event ("X"), each mark an instant ("i"). `offsets` shift each process's times (when
// several timelines follow each other); when empty, every process starts at 0.
std::string chrome_trace_json(
    const std::vector<std::pair<std::string, std::vector<TimelineEvent>>>& processes,
    const std::vector<std::chrono::nanoseconds>& offsets = {});

}  // namespace workshop
