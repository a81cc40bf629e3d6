// docs: compile only — this program deadlocks on purpose.
#include <fmt/core.h>

#include <chrono>
#include <mutex>

#include "conc/time.hpp"
#include "conc/waitgroup.hpp"

using namespace std::chrono_literals;

std::mutex accounts;
std::mutex audit_log;

int main() {
  conc::WaitGroup wg;
  wg.go([] {
    std::lock_guard first(accounts);    // holds accounts...
    conc::sleep(10ms);                  // (lets the other take audit_log)
    std::lock_guard second(audit_log);  // ...and waits for audit_log
    fmt::print("transfer recorded\n");
  });
  wg.go([] {
    std::lock_guard first(audit_log);   // holds audit_log...
    conc::sleep(10ms);
    std::lock_guard second(accounts);   // ...and waits for accounts
    fmt::print("audit done\n");
  });
  wg.wait();  // never returns: each goroutine waits for the other
}
