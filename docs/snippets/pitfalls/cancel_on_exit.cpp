// Go's `defer cancel()` in C++: a guard that cancels on every way out.
#include <fmt/core.h>

#include <chrono>
#include <utility>

#include "conc/context.hpp"
#include "conc/error.hpp"
#include "conc/go.hpp"
#include "conc/testing/goroutines.hpp"

class CancelOnExit {
 public:
  explicit CancelOnExit(conc::CancelFunc f) : cancel_(std::move(f)) {}
  ~CancelOnExit() { cancel_(); }
  CancelOnExit(const CancelOnExit&) = delete;
  CancelOnExit& operator=(const CancelOnExit&) = delete;

 private:
  conc::CancelFunc cancel_;
};

conc::Error fetch(const conc::Context& parent, bool bad_request) {
  auto [ctx, cancel] = conc::with_timeout(parent, std::chrono::hours(1));
  CancelOnExit guard(cancel);  // Go: defer cancel()
  // Work that runs until ctx is done:
  conc::go([done = ctx.done()] { done.recv(); });
  if (bad_request) return conc::Error("bad request");  // cancels here
  return {};                                           // and here
}

int main() {
  fmt::print("first call: {}\n", fetch(conc::background(), true));
  fmt::print("second call: {}\n", fetch(conc::background(), false));
  // Without the guard, both goroutines would wait an hour.
  const auto timeout = std::chrono::seconds(5);
  const bool none_left = conc::testing::wait_goroutines(0, timeout);
  fmt::print("goroutines running: {}\n", conc::goroutines());
  return none_left ? 0 : 1;
}
