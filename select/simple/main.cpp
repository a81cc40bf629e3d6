// select/simple — the plainest select: two goroutines race to answer, the first one wins.
//
//   select_simple            each goroutine sleeps a random 0-99 ms, as in the Go original
//   select_simple 20 200     goroutine 1 sleeps 20 ms, goroutine 2 sleeps 200 ms
//
// The Go original (the course's first select example):
//
//   func main() {
//       ch1 := make(chan string, 1)
//       defer close(ch1)
//       ch2 := make(chan string, 1)
//       defer close(ch2)
//       go func() {
//           time.Sleep(time.Duration(rand.Intn(100)) * time.Millisecond)
//           ch1 <- "goroutine 1"
//       }()
//       go func() {
//           time.Sleep(time.Duration(rand.Intn(100)) * time.Millisecond)
//           ch2 <- "goroutine 2"
//       }()
//       select {
//       case msg := <-ch1:
//           fmt.Printf("Hello from %s\n", msg)
//       case msg := <-ch2:
//           fmt.Printf("Hello from %s\n", msg)
//       }
//   }
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <string>

#include <conc/chan.hpp>
#include <conc/select.hpp>
#include <conc/time.hpp>
#include <conc/waitgroup.hpp>

namespace {

using std::chrono::milliseconds;

// A delay from the command line, in milliseconds (0 to 10000), or nullopt if it is not one.
std::optional<milliseconds> parse_delay(const char* text) {
  char* end = nullptr;
  const long ms = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || ms < 0 || ms > 10'000) return std::nullopt;
  return milliseconds(ms);
}

}  // namespace

int main(int argc, char** argv) {
  milliseconds delay1{};
  milliseconds delay2{};
  if (argc == 3) {
    const auto d1 = parse_delay(argv[1]);
    const auto d2 = parse_delay(argv[2]);
    if (!d1 || !d2) {
      std::cerr << "usage: select_simple [delay1_ms delay2_ms]   (each 0 to 10000)\n";
      return 2;
    }
    delay1 = *d1;
    delay2 = *d2;
  } else if (argc == 1) {
    std::mt19937 random(std::random_device{}());  // rand.Intn(100), twice
    std::uniform_int_distribution<int> up_to_99(0, 99);
    delay1 = milliseconds(up_to_99(random));
    delay2 = milliseconds(up_to_99(random));
  } else {
    std::cerr << "usage: select_simple [delay1_ms delay2_ms]   (each 0 to 10000)\n";
    return 2;
  }
  std::cout << "goroutine 1 sleeps " << delay1.count() << " ms, goroutine 2 sleeps "
            << delay2.count() << " ms: the first to send wins the select\n";

  // Buffered, capacity 1, as in the Go original: the goroutine that loses the race can still
  // send, and end, although nobody ever receives its message.
  const auto ch1 = conc::make_chan<std::string>(1);
  const auto ch2 = conc::make_chan<std::string>(1);

  // Unlike the Go original, main waits for both goroutines before it returns (wg.wait() below),
  // so none outlives it. And it closes nothing: Go's `defer close(ch2)` runs when main returns,
  // and would make a late sender panic ("send on closed channel") if the program did not end
  // first. Here the loser's send must find ch2 open.
  conc::WaitGroup wg;
  wg.go([ch1, delay1] {
    conc::sleep(delay1);
    ch1.send("goroutine 1");
  });
  wg.go([ch2, delay2] {
    conc::sleep(delay2);
    ch2.send("goroutine 2");
  });

  // Blocks until one channel has a value, receives it and runs that case's handler; the other
  // case does nothing. Were both ready, select would pick one at random.
  const auto hello = [](std::optional<std::string> msg) {
    std::cout << "Hello from " << *msg << '\n';  // never nullopt: nobody closes the channels
  };
  conc::select(conc::case_recv(ch1, hello), conc::case_recv(ch2, hello));

  wg.wait();
  return 0;
}
