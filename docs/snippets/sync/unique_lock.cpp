// std::unique_lock can unlock early: slow work outside the lock.
#include <fmt/core.h>

#include <map>
#include <mutex>
#include <string>

#include "conc/waitgroup.hpp"

std::string render(int page) {  // slow, say
  return fmt::format("<h1>page {}</h1>", page);
}

class PageCache {
 public:
  std::string get(int page) {
    std::unique_lock lock(mutex_);
    const auto it = pages_.find(page);
    if (it != pages_.end()) return it->second;  // a copy
    lock.unlock();  // never hold a lock during slow work
    std::string html = render(page);  // two goroutines may both render
    lock.lock();
    // Another goroutine may have stored it meanwhile: keep the first.
    return pages_.try_emplace(page, std::move(html)).first->second;
  }

 private:
  std::mutex mutex_;
  std::map<int, std::string> pages_;  // guarded by mutex_
};

int main() {
  PageCache cache;
  conc::WaitGroup wg;
  for (int i = 0; i < 8; ++i) wg.go([&cache, i] { cache.get(i % 2); });
  wg.wait();
  fmt::print("{}\n{}\n", cache.get(0), cache.get(1));
}
