// datacenterfind — the demo: runs one pattern against the course's datacenters, then draws
// what ran when: one lane per datacenter.
//
//   datacenterfind --action=hedged        (build/datacenterfind/datacenterfind_solution for the
//   datacenterfind --action=all            reference solutions; `make run` runs them all)
//   datacenterfind --action=list           the actions
//   datacenterfind --action=all --trace=trace.json
//                                          also writes the timelines as a Chrome trace (open it
//                                          in chrome://tracing or https://ui.perfetto.dev)
//
// An unknown or missing action prints the list of actions and exits 2.
#include <chrono>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conc/go.hpp"
#include "conc/log.hpp"
#include "conc/testing/goroutines.hpp"
#include "conc/time.hpp"
#include "patterns.hpp"
#include "workshop/timeline.hpp"

namespace {

using namespace datacenterfind;

// A datacenter that draws each find on the running action's timeline: a lane per datacenter, a
// span from the call to its return, ended by what it returned.
class TracedFinder final : public Finder {
 public:
  TracedFinder(std::shared_ptr<Finder> finder, std::shared_ptr<workshop::Timeline> timeline)
      : finder_(std::move(finder)), timeline_(std::move(timeline)) {}

  std::string name() const override { return finder_->name(); }
  std::int64_t weight() const override { return finder_->weight(); }

  bool find(std::string_view resource) override {
    timeline_->begin(name(), "find");
    const bool found = finder_->find(resource);
    timeline_->end(name(), found ? "found" : "not found");
    return found;
  }

  FindResult find_with_context(const conc::Context& ctx, std::string_view resource) override {
    timeline_->begin(name(), "find_with_context");
    return traced(finder_->find_with_context(ctx, resource));
  }

  FindResult find_with_error(const conc::Context& ctx, std::string_view resource) override {
    timeline_->begin(name(), "find_with_error");
    return traced(finder_->find_with_error(ctx, resource));
  }

 private:
  FindResult traced(FindResult result) {
    if (conc::is(result.err, conc::Canceled)) {
      timeline_->end(name(), "cancelled", workshop::Ending::stopped);
    } else if (conc::is(result.err, conc::DeadlineExceeded)) {
      timeline_->end(name(), "deadline exceeded", workshop::Ending::stopped);
    } else if (result.err) {
      timeline_->end(name(), "error: " + result.err.message(), workshop::Ending::stopped);
    } else {
      timeline_->end(name(), result.found ? "found" : "not found");
    }
    return result;
  }

  const std::shared_ptr<Finder> finder_;
  const std::shared_ptr<workshop::Timeline> timeline_;
};

// The finders an action asks, each drawn on `timeline`.
Finders traced(const Finders& finders, const std::shared_ptr<workshop::Timeline>& timeline) {
  Finders out;
  for (const auto& finder : finders) out.push_back(std::make_shared<TracedFinder>(finder, timeline));
  return out;
}

struct Action {
  std::string_view name;
  std::string_view what;  // what the run shows
  std::function<void()> run;
};

// The action being run: its timeline. (Actions run one at a time, on the main thread.)
std::shared_ptr<workshop::Timeline> current_timeline;

Finders all_datacenters() { return traced({sbg(), gra(), bhs(), rbx(), waw()}, current_timeline); }

// What a pattern that keeps one answer returned (the pattern itself logs "got result").
void log_returned(const std::optional<Result>& result) {
  if (result) {
    conc::log::info("returned", "datacenter", result->datacenter->name(), "found", result->found);
  } else {
    conc::log::info("returned no result");
  }
}

std::vector<Action> actions() {
  constexpr std::string_view resource = "resource";
  return {
      {"sequential", "one datacenter after the other: the sum of every response time",
       [=] { sequential(resource, all_datacenters()); }},
      {"waitgroup", "every datacenter at once, wait for all: the slowest response time",
       [=] { wait_group(resource, all_datacenters()); }},
      {"scattergather", "scatter the finds, gather the results in the order they arrive",
       [=] {
         for (const auto& r : scatter_gather(resource, all_datacenters())) {
           conc::log::info("gathered", "datacenter", r.datacenter->name(), "found", r.found);
         }
       }},
      {"redundant", "ask everyone, keep the fastest answer, cancel the others",
       [=] { log_returned(redundant(resource, all_datacenters())); }},
      {"errgroup", "gather every answer, or stop everyone at the first error",
       [=] {
         const auto gathered =
             err_group(resource, traced({sbg(), gra(), dc_error(), bhs()}, current_timeline));
         conc::log::info("returned", "results", gathered.results.size(), "err", gathered.err);
       }},
      {"hedged", "ask one, and another every 75 ms until one answers",
       [=] {
         log_returned(hedged(resource, traced({bhs(), gra(), sbg(), rbx()}, current_timeline)));
       }},
      {"semaphore", "every datacenter, but at most 2 at once",
       [=] { semaphore(resource, all_datacenters(), 2); }},
      {"wsemaphore", "every datacenter, but at most a weight of 30 at once",
       [=] { weighted_semaphore(resource, all_datacenters(), 30); }},
  };
}

void list_actions(std::ostream& out) {
  out << "usage: datacenterfind --action=NAME [--trace=FILE]\nactions:\n";
  for (const auto& action : actions()) {
    out << "  " << std::left << std::setw(14) << action.name << action.what << "\n";
  }
  out << "  " << std::setw(14) << "all" << "every action in turn\n";
}

int usage(std::string_view problem) {
  std::cerr << "datacenterfind: " << problem << "\n";
  list_actions(std::cerr);
  return 2;
}

// Runs one action and draws its timeline; returns the timeline's events.
std::vector<workshop::TimelineEvent> run(const Action& action) {
  std::cout << "\n== " << action.name << ": " << action.what << std::endl;
  current_timeline = std::make_shared<workshop::Timeline>();
  const auto start = conc::now();
  current_timeline->begin("call", std::string(action.name));
  action.run();
  current_timeline->end("call", "returned");
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(conc::now() - start);
  // Goroutines still running when the pattern returned: the losers a pattern cancelled are
  // winding down (their "deadline exceeded" lines come next); we wait for them before the next
  // action, so that each action's lines stay together, and its timeline shows how they ended.
  conc::log::info("done", "action", action.name, "took", took, "goroutines_left",
                  conc::goroutines());
  conc::testing::wait_goroutines(0, std::chrono::seconds(2));
  auto events = current_timeline->events();
  std::cout << "\n" << workshop::render_timeline(events);
  return events;
}

// The command line: --action=NAME, and --trace=FILE (or --trace FILE).
struct Options {
  std::string action;
  std::optional<std::string> trace;
};

std::optional<Options> parse(int argc, char** argv, std::string& problem) {
  Options options;
  bool has_action = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--action=")) {
      options.action = arg.substr(std::string_view("--action=").size());
      has_action = true;
    } else if (arg.starts_with("--trace=")) {
      options.trace = std::string(arg.substr(std::string_view("--trace=").size()));
    } else if (arg == "--trace" && i + 1 < argc) {
      options.trace = argv[++i];
    } else {
      problem = "unknown argument: " + std::string(arg);
      return std::nullopt;
    }
  }
  if (!has_action) {
    problem = "no action given";
    return std::nullopt;
  }
  if (options.trace && options.trace->empty()) {
    problem = "--trace needs a file name";
    return std::nullopt;
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  std::string problem;
  const std::optional<Options> options = parse(argc, argv, problem);
  if (!options) return usage(problem);
  // Open the trace file first: a path that cannot be written fails before the demo runs.
  std::ofstream trace;
  if (options->trace) {
    trace.open(*options->trace);
    if (!trace) {
      std::cerr << "datacenterfind: cannot write the trace file " << *options->trace << "\n";
      return 1;
    }
  }

  const std::string& name = options->action;
  if (name == "list") {
    list_actions(std::cout);
    return 0;
  }

  const auto all = actions();
  std::vector<const Action*> chosen;
  for (const auto& action : all) {
    if (name == "all" || action.name == name) chosen.push_back(&action);
  }
  if (chosen.empty()) return usage("unknown action: " + std::string(name));

  std::vector<std::pair<std::string, std::vector<workshop::TimelineEvent>>> timelines;
  std::vector<std::chrono::nanoseconds> offsets;  // each action's start, from the first's
  const auto first_start = conc::now();
  conc::log::set_output(&std::cout);  // one stream: the log lines and the headers stay in order
  for (const Action* action : chosen) {
    offsets.push_back(conc::now() - first_start);
    timelines.emplace_back(std::string(action->name), run(*action));
  }
  conc::log::set_output(nullptr);

  if (options->trace) {
    trace << workshop::chrome_trace_json(timelines, offsets);
    trace.close();
    if (!trace) {
      std::cerr << "datacenterfind: writing the trace file " << *options->trace << " failed\n";
      return 1;
    }
    std::cout << "\nTrace written to " << *options->trace
              << ": open it in chrome://tracing or https://ui.perfetto.dev\n";
  }
  return 0;
}
