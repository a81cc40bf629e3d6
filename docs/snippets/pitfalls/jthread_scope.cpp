// std::jthread joins in its destructor: the thread cannot outlive the
// scope that owns it.
#include <fmt/core.h>

#include <chrono>
#include <stop_token>
#include <thread>

int main() {
  bool finished = false;  // plain bool: join() orders write before read
  {
    // Capturing by reference is safe: `finished` outlives the thread.
    std::jthread worker([&finished](std::stop_token stop) {
      while (!stop.stop_requested()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      finished = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }  // ~jthread(): request_stop(), then join()
  fmt::print("finished: {}\n", finished);
  return finished ? 0 : 1;
}
