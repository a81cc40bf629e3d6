// sync/once/1 — the database singleton (your file: see exercise1.md).

#include "database.hpp"

#include "conc/log.hpp"

namespace {

// The one connection, opened by the first call of get_db(). Never deleted: it lives until the
// program ends, as the Go original's does.
DB* connection = nullptr;

}  // namespace

DB& get_db() {
  // TODO: this is the Go original's GetDB() before sync.Once. It is right for one thread; with
  // several, two threads can both find no connection and both connect (run `make sync/once/1`
  // to see it). Make the "is there a connection yet? if not, connect" happen exactly once.
  if (connection == nullptr) {
    conc::log::info("connecting to database");
    connection = new DB{connect_to_database()};
  }
  return *connection;
}
