// A goroutine that may outlive its caller owns what it uses: copies
// and shared_ptrs.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conc/chan.hpp"
#include "conc/go.hpp"
#include "conc/testing/goroutines.hpp"
#include "conc/time.hpp"

struct Datacenter {
  std::string name;
};
using Datacenters = std::vector<std::shared_ptr<Datacenter>>;

void ask_all(std::string_view resource, const Datacenters& dcs,
             conc::SendChan<std::string> answers) {
  for (const auto& dc : dcs) {
    // dc: a shared_ptr copy keeps its Datacenter alive. resource: a
    // std::string copy; the string_view points into the caller's string.
    conc::go([dc, answers, resource = std::string(resource)] {
      conc::sleep(std::chrono::milliseconds(10));
      answers.send(dc->name + " has " + resource);
    });
  }
}  // returns at once; the goroutines own everything they touch

int main() {
  const auto answers = conc::make_chan<std::string>(2);
  {
    const Datacenters dcs{std::make_shared<Datacenter>(Datacenter{"SBG"}),
                          std::make_shared<Datacenter>(Datacenter{"GRA"})};
    ask_all(std::string("invoice-42"), dcs, answers);
  }  // the string died a line ago, the vector dies here: no matter
  const std::string one = *answers.recv(), two = *answers.recv();
  const auto [first, second] = std::minmax(one, two);  // any order
  fmt::print("{}\n{}\n", first, second);
  const auto timeout = std::chrono::seconds(5);
  return conc::testing::wait_goroutines(0, timeout) ? 0 : 1;
}
