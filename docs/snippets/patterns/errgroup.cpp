// ErrGroup: wait for every task, keep the first error, and cancel the others'
// context as soon as it happens.
#include <fmt/core.h>

#include <string>
#include <vector>

#include "conc/context.hpp"
#include "conc/errgroup.hpp"
#include "conc/select.hpp"
#include "conc/time.hpp"

using namespace std::chrono_literals;

// replica-b fails after 2 ms; the others would take an hour: only a
// cancellation ends them.
conc::Error check(const conc::Context& ctx, const std::string& replica) {
  if (replica == "replica-b") {
    conc::sleep(2ms);
    return conc::Error("replica-b: disk full");
  }
  conc::Timer work(1h);
  conc::Error err;
  conc::select(conc::case_recv(work.c()),
               conc::case_recv(ctx.done(), [&] { err = ctx.err(); }));
  return err;
}

int main() {
  const std::vector<std::string> replicas = {"replica-a", "replica-b",
                                             "replica-c"};
  conc::ErrGroup group(conc::background());  // errgroup.WithContext(...)
  for (const auto& replica : replicas) {
    group.go([&group, replica] { return check(group.context(), replica); });
  }
  const conc::Error err = group.wait();  // all returned; the first error wins
  fmt::print("first error: {}\n", err);  // replica-b: disk full
  // context canceled:
  fmt::print("the others saw: {}\n", group.context().err());
}
