// conc::internal::panic — Go's unrecovered panic: report an exception on stderr and terminate.
#pragma once

#include <exception>

namespace conc::internal {

// Prints "panic: <what()>" and `where` (what the exception escaped, and what to do about it) on
// stderr, then calls std::terminate. For exceptions that nobody can receive.
[[noreturn]] void panic(std::exception_ptr thrown, const char* where) noexcept;

}  // namespace conc::internal
