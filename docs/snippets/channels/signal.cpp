// A signalling channel: nothing is sent on it; closing it says "done".
#include <fmt/core.h>

#include <memory>
#include <string>

#include "conc/chan.hpp"
#include "conc/go.hpp"

int main() {
  const auto done = conc::make_chan<conc::Unit>();  // chan struct{}
  // Shared ownership: the goroutine owns the report too.
  const auto report = std::make_shared<std::string>();

  conc::go([done, report] {
    *report = "long-running thing finished";  // doLongRunningThing()
    done.close();                             // its last action
  });

  fmt::print("main does other stuff meanwhile\n");
  done.recv();  // Go: <-done. Returns (nullopt) once done is closed.
  // The close happens before that receive returns: no data race here.
  fmt::print("{}\n", *report);
}
