// select/1, reference solution. Go original:
//
//   func TimerTicker(timerDuration time.Duration, tickerDuration time.Duration) {
//       timer := time.NewTimer(timerDuration)
//       ticker := time.NewTicker(tickerDuration)
//       for {
//           select {
//           case <-timer.C:
//               fmt.Println("Time to say goodbye")
//               ticker.Stop()
//               timer.Stop()
//               return
//           case <-ticker.C:
//               fmt.Println("Hello from ticker")
//           }
//       }
//   }
#include "timerticker.hpp"

#include <conc/select.hpp>

void timer_ticker(conc::Duration timer, conc::Duration tick, std::ostream& out) {
  // Both are created once, before the loop: the timer counts from here, whatever the loop does.
  // (A conc::after(timer) inside the loop would start a new wait on every tick, and with a tick
  // shorter than the timer it would never fire.)
  conc::Timer goodbye(timer);
  conc::Ticker hello(tick);

  for (bool done = false; !done;) {
    // Blocks, without using a core, until the ticker or the timer has a value. Were both ready at
    // once, select would pick one at random, as Go's does.
    conc::select(
        conc::case_recv(hello.c(), [&] { out << "Hello from ticker\n"; }),
        conc::case_recv(goodbye.c(), [&] {
          out << "Time to say goodbye\n";
          done = true;
        }));
  }
  // No explicit stop(): the destructors of `hello` and `goodbye` stop them as we return (RAII),
  // so no tick can be sent after this function ends, on any path out of it, exceptions included.
}
