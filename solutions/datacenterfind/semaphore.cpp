// Exercise 6 (reference solution): every find, but never more than max_parallel at once.
//
// The semaphore is a buffered channel of max_parallel slots: a goroutine puts a token in before
// its find and takes one out after it. A send on a full channel blocks, so while max_parallel
// finds hold a token, the next goroutine waits at its send until one of them gives its token back.
#include <stdexcept>
#include <string>

#include "conc/chan.hpp"
#include "conc/log.hpp"
#include "conc/waitgroup.hpp"
#include "patterns.hpp"

namespace datacenterfind {

void semaphore(std::string_view resource, const Finders& finders, int max_parallel) {
  // Go's make(chan struct{}, 0) is unbuffered: every send would wait for a receive that never
  // comes, and the call would hang. Say so instead.
  if (max_parallel < 1) {
    throw std::invalid_argument("semaphore: max_parallel must be at least 1, not " +
                                std::to_string(max_parallel));
  }
  const auto tokens = conc::make_chan<conc::Unit>(static_cast<std::size_t>(max_parallel));

  conc::WaitGroup wg;
  for (const auto& finder : finders) {
    // By value: the finder (a shared_ptr) and the channel (a handle on the shared channel).
    // resource is only a view, but every goroutine ends before wg.wait() returns, so what it
    // views outlives them.
    wg.go([finder, tokens, resource] {
      tokens.send(conc::Unit{});  // take a slot; blocks while max_parallel finds hold one
      conc::log::info("starting find", "datacenter", finder->name());
      const bool found = finder->find(resource);
      conc::log::info("got result", "datacenter", finder->name(), "found", found);
      tokens.recv();  // give the slot back: the next waiting send goes through
    });
  }
  wg.wait();  // every goroutine has ended: every find has, and every slot is free again
}

}  // namespace datacenterfind
