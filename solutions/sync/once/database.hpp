// sync/once/1 — the database singleton (your file: see exercise1.md).
//
// The program opens one connection to the database, the first time something needs it, and every
// caller shares it: Go's GetDB() of the sync.Once slides.
//
//   DB& db = get_db();   // connects on the first call; later calls return the same DB
#pragma once

#include "connection.hpp"  // DB, connect_to_database()

// Returns the program's one connection to the database, opening it with connect_to_database() on
// the first call. Every call, from any thread, returns a reference to the same DB, which lives
// until the program ends.
//
// Thread-safe: however many threads call get_db() at the same time, connect_to_database() runs
// once. A call made while the connection is being opened blocks until it is open, and a call
// that returns has seen the DB complete (its id set).
DB& get_db();
