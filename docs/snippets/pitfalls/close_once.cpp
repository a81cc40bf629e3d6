// Several goroutines may each decide it is time to stop: close the
// done channel once, whoever asks first.
#include <fmt/core.h>

#include <mutex>

#include "conc/chan.hpp"
#include "conc/waitgroup.hpp"

class StopSignal {
 public:
  void stop() {  // Go: once.Do(func() { close(done) })
    std::call_once(once_, [this] { done_.close(); });
  }
  conc::RecvChan<conc::Unit> done() const { return done_; }

 private:
  conc::Chan<conc::Unit> done_ = conc::make_chan<conc::Unit>();
  std::once_flag once_;
};

int main() {
  StopSignal signal;
  conc::WaitGroup wg;
  // Three goroutines stop it. Without call_once, the second close()
  // would throw in a goroutine, and the program would terminate.
  for (int i = 0; i < 3; ++i) wg.go([&signal] { signal.stop(); });
  wg.wait();
  const bool closed = !signal.done().recv();  // closed: nullopt at once
  fmt::print("done is closed: {}\n", closed);
  return closed ? 0 : 1;
}
