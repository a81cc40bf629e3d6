#include "workshop/thread_probe.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace workshop {

void ThreadProbe::attach() noexcept { tid_.store(static_cast<long>(::syscall(SYS_gettid))); }

bool ThreadProbe::sleeping() const {
  const long tid = tid_.load();
  if (tid == 0) return false;
  std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  // "tid (comm) S ...": the state follows the last ')' (comm may itself contain ')').
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'S';
}

bool wait_until(const std::function<bool()>& condition,
                std::chrono::steady_clock::duration safety_net) {
  const auto give_up = std::chrono::steady_clock::now() + safety_net;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  return true;
}

}  // namespace workshop
