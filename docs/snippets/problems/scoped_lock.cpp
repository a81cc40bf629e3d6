// Transfers both ways: std::scoped_lock takes both mutexes, no deadlock.
#include <fmt/core.h>

#include <mutex>

#include "conc/waitgroup.hpp"

struct Account {
  std::mutex mutex;
  int balance = 0;  // guarded by mutex
};

void transfer(Account& from, Account& to, int amount) {
  std::scoped_lock lock(from.mutex, to.mutex);  // both, in any order
  from.balance -= amount;
  to.balance += amount;
}  // both unlocked here

int main() {
  Account alice, bob;
  alice.balance = bob.balance = 1000;

  conc::WaitGroup wg;
  for (int i = 0; i < 100; ++i) {
    wg.go([&] { transfer(alice, bob, 3); });  // alice's mutex, then bob's
    wg.go([&] { transfer(bob, alice, 2); });  // bob's, then alice's
  }
  wg.wait();

  std::scoped_lock lock(alice.mutex, bob.mutex);
  fmt::print("alice {}, bob {}, total {}\n", alice.balance, bob.balance,
             alice.balance + bob.balance);
  return alice.balance == 900 && bob.balance == 1100 ? 0 : 1;
}
