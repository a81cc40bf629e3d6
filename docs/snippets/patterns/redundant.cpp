// Redundant requests: ask every replica, keep the first answer, cancel
// the rest.
#include <fmt/core.h>

#include <string>
#include <vector>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/select.hpp"
#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

using namespace std::chrono_literals;

struct Replica { std::string name; conc::Duration takes; };
struct Answer { std::string replica; conc::Error err; };  // Canceled if stopped

// Simulated work: it takes `takes`, unless ctx is cancelled first.
conc::Error lookup(const conc::Context& ctx, conc::Duration takes) {
  conc::Timer work(takes);
  conc::Error err;
  conc::select(conc::case_recv(work.c()),
               conc::case_recv(ctx.done(), [&] { err = ctx.err(); }));
  return err;
}

int main() {
  // b answers in 2 ms; a and c would take an hour: only a cancellation
  // ends them.
  const std::vector<Replica> replicas = {
      {"replica-a", 1h}, {"replica-b", 2ms}, {"replica-c", 1h}};
  auto [ctx, cancel] = conc::with_cancel(conc::background());
  const auto answers = conc::make_chan<Answer>(replicas.size());  // a slot each
  conc::WaitGroup running;
  for (const Replica& r : replicas) {
    running.go([ctx = ctx, answers, r] {
      answers.send(Answer{r.name, lookup(ctx, r.takes)});  // room: never blocks
    });
  }
  const Answer first = *answers.recv();  // the fastest answer
  cancel();                              // the losers stop now...
  running.wait();  // ...and end, though nobody reads their answers
  fmt::print("first answer: {}; {} cancelled answers left unread\n",
             first.replica, answers.len());
}
