// Hedged requests: ask one replica; each time the hedge delay passes with no
// answer, ask one more.
#include <fmt/core.h>

#include <optional>
#include <string>
#include <vector>

#include "conc/chan.hpp"
#include "conc/context.hpp"
#include "conc/select.hpp"
#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

using namespace std::chrono_literals;

int main() {
  const std::vector<std::string> replicas = {"replica-a", "replica-b",
                                             "replica-c"};
  auto [ctx, cancel] = conc::with_cancel(conc::background());
  const auto answers = conc::make_chan<std::string>(replicas.size());  // 1 each
  conc::WaitGroup running;
  std::size_t asked = 0;
  auto ask_next = [&, ctx = ctx] {
    running.go([ctx = ctx, answers, replica = replicas[asked]] {
      if (replica == "replica-b") answers.send(replica);  // b answers at once
      else ctx.done().recv();  // a and c hang: only the cancellation ends them
    });
    ++asked;
  };

  ask_next();  // a now; b once a is 5 ms late; c if b is 5 ms late too
  conc::Timer hedge(5ms);
  std::optional<std::string> answer;
  while (!answer) {
    // Everyone asked: a nil channel turns the hedge case off; only the
    // answers count.
    const auto hedge_c = asked < replicas.size()
                             ? hedge.c()
                             : conc::RecvChan<conc::TimePoint>{};
    conc::select(conc::case_recv(answers, [&](auto a) { answer = a; }),
                 conc::case_recv(hedge_c, [&] {
                   ask_next();
                   hedge.reset(5ms);
                 }));
  }
  cancel();        // the requests still running stop...
  running.wait();  // ...and end before we do
  fmt::print("answer from {}\n", *answer);
}
