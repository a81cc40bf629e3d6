// datacenterfind — the demo: runs one pattern against the course's datacenters.
//
//   datacenterfind --action=hedged        (build/datacenterfind/datacenterfind_solution for the
//   datacenterfind --action=all            reference solutions; `make run` runs them all)
//   datacenterfind --action=list           the actions
//
// An unknown or missing action prints the list of actions and exits 2.
#include <chrono>
#include <functional>
#include <iomanip>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "conc/go.hpp"
#include "conc/log.hpp"
#include "conc/testing/goroutines.hpp"
#include "conc/time.hpp"
#include "patterns.hpp"

namespace {

using namespace datacenterfind;

struct Action {
  std::string_view name;
  std::string_view what;  // what the run shows
  std::function<void()> run;
};

Finders all_datacenters() { return {sbg(), gra(), bhs(), rbx(), waw()}; }

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
         const auto gathered = err_group(resource, {sbg(), gra(), dc_error(), bhs()});
         conc::log::info("returned", "results", gathered.results.size(), "err", gathered.err);
       }},
      {"hedged", "ask one, and another every 75 ms until one answers",
       [=] { log_returned(hedged(resource, {bhs(), gra(), sbg(), rbx()})); }},
      {"semaphore", "every datacenter, but at most 2 at once",
       [=] { semaphore(resource, all_datacenters(), 2); }},
      {"wsemaphore", "every datacenter, but at most a weight of 30 at once",
       [=] { weighted_semaphore(resource, all_datacenters(), 30); }},
  };
}

void list_actions(std::ostream& out) {
  out << "usage: datacenterfind --action=NAME\nactions:\n";
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

void run(const Action& action) {
  std::cout << "\n== " << action.name << ": " << action.what << std::endl;
  const auto start = conc::now();
  action.run();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(conc::now() - start);
  // Goroutines still running when the pattern returned: the losers a pattern cancelled are
  // winding down (their "deadline exceeded" lines come next); we wait for them before the next
  // action, so that each action's lines stay together.
  conc::log::info("done", "action", action.name, "took", took, "goroutines_left",
                  conc::goroutines());
  conc::testing::wait_goroutines(0, std::chrono::seconds(2));
}

}  // namespace

int main(int argc, char** argv) {
  constexpr std::string_view prefix = "--action=";
  if (argc != 2) return usage(argc < 2 ? "no action given" : "one argument expected");
  const std::string_view arg = argv[1];
  if (!arg.starts_with(prefix)) return usage("unknown argument: " + std::string(arg));
  const std::string_view name = arg.substr(prefix.size());
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

  conc::log::set_output(&std::cout);  // one stream: the log lines and the headers stay in order
  for (const Action* action : chosen) run(*action);
  conc::log::set_output(nullptr);
  return 0;
}
