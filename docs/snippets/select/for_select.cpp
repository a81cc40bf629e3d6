// The for-select loop: a worker handles its input until `done` closes.
#include <fmt/core.h>

#include <optional>
#include <string>

#include "conc/chan.hpp"
#include "conc/select.hpp"
#include "conc/waitgroup.hpp"

int main() {
  const auto input = conc::make_chan<std::string>();
  const auto done = conc::make_chan<conc::Unit>();

  conc::WaitGroup wg;
  wg.go([input, done] {
    const auto work = [](std::optional<std::string> in) {
      fmt::print("got some input: {}\n", *in);
    };
    for (bool stop = false; !stop;) {  // for {
      conc::select(                    //   select {
          conc::case_recv(input, work),  // case in := <-input: ...
          conc::case_recv(done, [&] { stop = true; }));  // case <-done:
    }
    fmt::print("worker: told to stop\n");
  });

  for (const char* word : {"alpha", "beta", "gamma"}) {
    input.send(word);  // unbuffered: returns once the worker has it
  }
  done.close();  // input stays open: done is how the worker learns to stop
  wg.wait();
}
