// datacenterfind — the patterns, one per exercise (GIVEN: the declarations are the contract).
//
// Each asks every finder for `resource`, concurrently, and logs as the original course does:
//   starting find datacenter=SBG        (or "launching find" where the original says so)
//   got result datacenter=SBG found=true
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "conc/time.hpp"
#include "finder.hpp"

namespace datacenterfind {

// Given: asks the finders one after the other. The starting point of the course.
void sequential(std::string_view resource, const Finders& finders);

// Exercise 1: all finds at once; returns once every find has ended (conc::WaitGroup).
void wait_group(std::string_view resource, const Finders& finders);

// Exercise 2: scatter the finds, gather the results through a channel, in completion order.
std::vector<Result> scatter_gather(std::string_view resource, const Finders& finders);

// Exercise 3: ask every finder, keep the first answer, cancel the others (a context).
std::optional<Result> redundant(std::string_view resource, const Finders& finders);

// Exercise 4: gather every result, or stop at the first error and cancel the others (ErrGroup).
Gathered err_group(std::string_view resource, const Finders& finders);

// Exercise 5: ask one finder; when it has not answered after `hedge`, ask the next too; keep the
// first answer and cancel the others.
std::optional<Result> hedged(std::string_view resource, const Finders& finders,
                             conc::Duration hedge = std::chrono::milliseconds(75));

// Exercise 6: all finds, but never more than max_parallel at once (a buffered channel).
void semaphore(std::string_view resource, const Finders& finders, int max_parallel = 2);

// Exercise 7: all finds, but never more than `capacity` of weight at once (WeightedSemaphore).
void weighted_semaphore(std::string_view resource, const Finders& finders,
                        std::int64_t capacity = 30);

}  // namespace datacenterfind
