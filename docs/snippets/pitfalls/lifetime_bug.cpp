// docs: compile only — this program uses destroyed objects on purpose
// (use after free).
#include <fmt/core.h>

#include <chrono>
#include <string>

#include "conc/go.hpp"
#include "conc/time.hpp"

using namespace std::chrono_literals;

class Poller {
 public:
  void start() {
    conc::go([this] {  // copies the pointer, not the Poller
      conc::sleep(10ms);
      ++polls_;        // the Poller may be gone by now
    });
  }

 private:
  int polls_ = 0;
};

void search(const std::string& resource) {
  const std::string key = "dc:" + resource;
  conc::go([&key] {    // a reference to a local of search()...
    conc::sleep(10ms);
    fmt::print("looking for {}\n", key);  // ...which has returned
  });
}  // key is destroyed here; the goroutine has barely started

int main() {
  {
    Poller poller;
    poller.start();
  }  // poller is destroyed here
  search("invoice-42");
  conc::sleep(50ms);
}
