// sync/once/1 — the database singleton: reference solution.

#include "database.hpp"

#include <mutex>

#include "conc/log.hpp"

namespace {

// The one connection, opened by the first call of get_db(). Written once, inside call_once;
// read only after call_once has returned, which makes that write visible. Never deleted: it lives
// until the program ends, as the Go original's does.
DB* connection = nullptr;
std::once_flag connected;  // Go's sync.Once

}  // namespace

// std::call_once is Go's once.Do(f): the first caller runs the function; every other caller,
// however many arrive while it runs, blocks until it has returned, then returns without running
// it. Everything the function wrote happens before call_once returns in any thread, so reading
// `connection` afterwards is not a data race. (Were the function to throw, call_once would let
// the next caller try again: Go's Once would not.)
//
// Equally good, and shorter: a function-local static ("magic static"). Since C++11 its
// initialisation runs once, and concurrent callers wait for it, with the same guarantee:
//
//   DB& get_db() {
//     static DB db = [] {
//       conc::log::info("connecting to database");
//       return connect_to_database();
//     }();
//     return db;
//   }
//
// What is not enough: testing `connection` before taking a lock or calling call_once (the
// Go slides' "race detector is not happy with this!"). A thread reading a plain pointer while
// another writes it is a data race: undefined behaviour in C++, whatever the hardware does.
DB& get_db() {
  std::call_once(connected, [] {
    conc::log::info("connecting to database");
    connection = new DB{connect_to_database()};
  });
  return *connection;
}
