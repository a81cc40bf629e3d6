// The count behind conc::goroutines() and testing::wait_goroutines().
#pragma once

#include <chrono>
#include <cstddef>

namespace conc::internal {

void goroutine_started() noexcept;
void goroutine_finished() noexcept;

// Blocks until at most `at_most` goroutines run or `timeout` of real time passed; returns
// whether the count got there.
bool wait_goroutines_at_most(std::size_t at_most, std::chrono::steady_clock::duration timeout);

}  // namespace conc::internal
