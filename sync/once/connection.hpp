// sync/once — the database connection. GIVEN: you do not need to change this file.
//
// connect_to_database() is the expensive call that get_db() (database.hpp, your file) must make
// once per program, however many threads ask for the database at the same moment. It stands for
// the Go original's
//
//   databaseConnection = &DB{id: uuid.New().String()}
//
// made slow, as a real connection is, and counted, so that the tests can tell how many
// connections your get_db() opened.
#pragma once

#include <functional>
#include <string>

// A connection to the database. The id tells connections apart: each call of
// connect_to_database() returns a new one, with a new random id (a UUID, as in the Go original).
struct DB {
  std::string id;
};

// Opens a new connection to the database and returns it. Blocks the calling thread for about
// 50 ms (conc::sleep: virtual time under a conc::testing::FakeClock), as a connection is slow to
// open; logs "connected to database id=..." when done. Thread-safe, but not a singleton: threads
// that call it at the same time each open a connection of their own. Preventing that is get_db()'s
// job. Throws only std::bad_alloc.
DB connect_to_database();

// How many times connect_to_database() has been called in this process so far, counting calls
// still in progress. Never blocks, never throws.
int connections_made();

// For the tests only.
namespace connection_testing {

// From now on, each call of connect_to_database() runs `hook` on its calling thread in place of
// its 50 ms wait, after counting itself in connections_made(). The tests use it to hold a
// connection "in progress" until they let it finish, and to see which thread is connecting. An
// empty function restores the wait. Thread-safe; a call already in progress keeps the hook it
// started with.
void set_hook(std::function<void()> hook);

}  // namespace connection_testing
