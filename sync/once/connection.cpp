// sync/once — the database connection. GIVEN: you do not need to change this file.

#include "connection.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <utility>

#include <fmt/format.h>

#include "conc/log.hpp"
#include "conc/time.hpp"

namespace {

std::atomic<int> calls{0};

// The test hook, shared: each call copies the pointer under the lock, so set_hook() may replace it
// while another call still runs the old one.
std::mutex hook_mutex;
std::shared_ptr<const std::function<void()>> hook;  // guarded by hook_mutex; null: no hook

// A random version 4 UUID ("fcb869f6-adda-4295-8c0c-9b113edcfc9b"), as Go's uuid.New(). Each
// thread has its own generator, so connecting threads share no lock here: a lock would order
// them, and could hide from ThreadSanitizer a race in get_db().
std::string new_uuid() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uint64_t high = generator();
  std::uint64_t low = generator();
  high = (high & ~std::uint64_t{0xf000}) | 0x4000;                         // version 4
  low = (low & ~(std::uint64_t{0xc} << 60)) | (std::uint64_t{0x8} << 60);  // variant 10xx
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff,
                     high & 0xffff, low >> 48, low & 0xffffffffffff);
}

}  // namespace

DB connect_to_database() {
  calls.fetch_add(1);
  std::shared_ptr<const std::function<void()>> test_hook;
  {
    std::lock_guard lock(hook_mutex);
    test_hook = hook;
  }
  if (test_hook) {
    (*test_hook)();
  } else {
    conc::sleep(std::chrono::milliseconds(50));  // opening a connection is slow
  }
  DB db{new_uuid()};
  conc::log::info("connected to database", "id", db.id);
  return db;
}

int connections_made() { return calls.load(); }

namespace connection_testing {

void set_hook(std::function<void()> new_hook) {
  auto shared =
      new_hook ? std::make_shared<const std::function<void()>>(std::move(new_hook)) : nullptr;
  std::lock_guard lock(hook_mutex);
  hook = std::move(shared);
}

}  // namespace connection_testing
