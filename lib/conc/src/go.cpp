// Goroutines on pooled threads.
#include "conc/go.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "conc/internal/blocking.hpp"
#include "conc/internal/goroutines.hpp"
#include "conc/internal/panic.hpp"
#include "conc/internal/parker.hpp"

namespace conc::internal {
namespace {

// A thread with nothing to run waits this long for the next goroutine before it exits.
constexpr auto kIdleTimeout = std::chrono::seconds(5);

struct Worker {
  Parker* parker = &Parker::current();
  std::optional<Task> task;  // handed over by spawn(); guarded by Pool::mutex until unparked
  std::size_t id = 0;
};

class Pool {
 public:
  void spawn(Task task) {
    const std::size_t id = next_id_.fetch_add(1, std::memory_order_relaxed) + 1;
    goroutine_started();
    {
      std::unique_lock lock(mutex_);
      if (!idle_.empty()) {
        Worker* worker = idle_.back();
        idle_.pop_back();
        worker->task.emplace(std::move(task));
        worker->id = id;
        lock.unlock();
        worker->parker->unpark();
        return;
      }
    }
    try {
      std::thread([this, id](Task first) { work(std::move(first), id); }, std::move(task)).detach();
    } catch (...) {
      goroutine_finished();
      throw;
    }
  }

 private:
  void work(Task task, std::size_t id) {
    Worker self;
    for (;;) {
      run(task, id);
      goroutine_finished();
      std::optional<Task> next = wait_for_work(self);
      if (!next) return;
      task = std::move(*next);
      id = self.id;
    }
  }

  // Parks on the idle list; the next goroutine, or nothing after kIdleTimeout.
  std::optional<Task> wait_for_work(Worker& self) {
    {
      std::lock_guard lock(mutex_);
      idle_.push_back(&self);
    }
    if (!self.parker->park_until(std::chrono::steady_clock::now() + kIdleTimeout)) {
      std::unique_lock lock(mutex_);
      const auto it = std::find(idle_.begin(), idle_.end(), &self);
      if (it != idle_.end()) {
        idle_.erase(it);
        return std::nullopt;
      }
      // spawn() took us off the list just as we timed out: its unpark is on the way.
      lock.unlock();
      self.parker->park();
    }
    std::optional<Task> next = std::move(self.task);
    self.task.reset();
    return next;
  }

  static void run(Task& task, std::size_t id) noexcept {
    set_goroutine_id(id);
    try {
      task();
    } catch (...) {
      const std::string where = fmt::format(
          "goroutine {}: an exception escaped the goroutine's function (started by conc::go).\n"
          "Like an unrecovered panic in Go, it ends the program: catch it inside the goroutine, "
          "or return it as a conc::Error.",
          id);
      panic(std::current_exception(), where.c_str());
    }
    set_goroutine_id(0);
  }

  std::mutex mutex_;
  std::vector<Worker*> idle_;  // LIFO: the most recently idle thread is the warmest; guarded
  std::atomic<std::size_t> next_id_{0};
};

Pool& pool() {
  static auto* instance = new Pool;  // leaked on purpose: idle threads outlive static destruction
  return *instance;
}

}  // namespace

void spawn(Task task) { pool().spawn(std::move(task)); }

}  // namespace conc::internal

namespace conc::internal {
namespace {

// seq_cst on both sides: a finisher that reads watchers == 0 is ordered before the watcher's
// first look at the count (Dekker), so no wake-up is lost.
std::atomic<std::size_t> running{0};
std::atomic<int> watchers{0};

std::mutex& count_mutex() {
  static auto* mutex = new std::mutex;
  return *mutex;
}
std::condition_variable& count_changed() {
  static auto* cv = new std::condition_variable;
  return *cv;
}

}  // namespace

void goroutine_started() noexcept { running.fetch_add(1); }

void goroutine_finished() noexcept {
  running.fetch_sub(1);
  if (watchers.load() > 0) {
    std::lock_guard lock(count_mutex());
    count_changed().notify_all();
  }
}

bool wait_goroutines_at_most(std::size_t at_most, std::chrono::steady_clock::duration timeout) {
  watchers.fetch_add(1);
  std::unique_lock lock(count_mutex());
  const bool reached = count_changed().wait_for(lock, timeout, [&] { return running.load() <= at_most; });
  lock.unlock();
  watchers.fetch_sub(1);
  return reached;
}

}  // namespace conc::internal

namespace conc {
std::size_t goroutines() noexcept { return internal::running.load(); }
}  // namespace conc

namespace conc::internal {

void panic(std::exception_ptr thrown, const char* where) noexcept {
  std::string what = "(an exception not derived from std::exception)";
  try {
    std::rethrow_exception(thrown);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  std::fprintf(stderr, "panic: %s\n\n%s\n", what.c_str(), where);
  std::fflush(stderr);
  std::terminate();
}

}  // namespace conc::internal
