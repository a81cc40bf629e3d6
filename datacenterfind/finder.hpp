// datacenterfind — the course's running example: find a resource in one of several datacenters.
//
// GIVEN CODE: read it, do not change it. Each exercise writes one pattern (patterns.hpp) that
// asks these finders concurrently, each time a little better.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "conc/context.hpp"
#include "conc/error.hpp"
#include "conc/time.hpp"

namespace datacenterfind {

// What a find returns when it can fail: found, or the error that stopped it.
struct FindResult {
  bool found;
  conc::Error err;
};

// One datacenter that can look for a resource. Implementations are thread-safe: many goroutines
// may call them at once.
class Finder {
 public:
  virtual ~Finder() = default;

  // The datacenter's name, as the logs print it: "SBG".
  virtual std::string name() const = 0;

  // Looks for the resource; blocks for the datacenter's response time. Cannot be cancelled.
  virtual bool find(std::string_view resource) = 0;

  // As find(), but gives up as soon as ctx is done: then returns {false, ctx.err()} (Canceled or
  // DeadlineExceeded) and logs "deadline exceeded finder=NAME".
  virtual FindResult find_with_context(const conc::Context& ctx, std::string_view resource) = 0;

  // As find_with_context(), and some datacenters fail: {false, the error}.
  virtual FindResult find_with_error(const conc::Context& ctx, std::string_view resource) = 0;

  // How much of a shared capacity one find uses (the weighted semaphore's exercise).
  virtual std::int64_t weight() const = 0;
};

// Finders are shared: a goroutine that outlives the call that started it must own what it uses.
using Finders = std::vector<std::shared_ptr<Finder>>;

// One datacenter's answer.
struct Result {
  std::shared_ptr<Finder> datacenter;
  bool found;
};

// Every answer gathered, or the first error.
struct Gathered {
  std::vector<Result> results;
  conc::Error err;
};

// The course's datacenters: SBG 100 ms weight 10, GRA 200 ms weight 20, BHS 300 ms weight 30,
// RBX 100 ms weight 10, WAW 100 ms weight 10; DCError fails after 50 ms with "something went
// wrong" (weight 10). Each call makes a new finder.
std::shared_ptr<Finder> sbg();
std::shared_ptr<Finder> gra();
std::shared_ptr<Finder> bhs();
std::shared_ptr<Finder> rbx();
std::shared_ptr<Finder> waw();
std::shared_ptr<Finder> dc_error();

// A datacenter with the given name, response time and weight; `fails` makes find_with_error
// return "something went wrong" after the response time.
std::shared_ptr<Finder> make_datacenter(std::string name, conc::Duration response_time,
                                        std::int64_t weight, bool fails = false);

}  // namespace datacenterfind
