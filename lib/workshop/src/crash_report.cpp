// The crash report: what a failing test prints, printed when a test ends the whole process.
//
// An exception that escapes a goroutine (conc prints "panic: ..."), or anything else that calls
// std::terminate, ends the test binary before GoogleTest can report the test as failed, so the
// student would see a panic and an abort, and none of the exercise block. The terminate handler
// installed here prints that block first: the exercise, the brief, the hints alive, the journal
// and its timeline. Then the previous handler runs (libstdc++'s prints the exception and aborts).

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <gtest/gtest.h>

#include "internal.hpp"

namespace workshop::internal {
namespace {

std::terminate_handler previous_handler = nullptr;
std::atomic<bool> reported{false};

void on_terminate() noexcept {
  if (!reported.exchange(true)) {  // two threads may terminate at once: one report
    try {
      const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
      if (test != nullptr) {
        const std::string name = std::string(test->test_suite_name()) + "." + test->name();
        const std::string block = failure_block(name, test->file(), hints_of_test(), journal());
        if (!block.empty()) {
          std::fflush(stdout);
          std::fprintf(stderr,
                       "\nThe test program is ending while %s runs (std::terminate: the reason "
                       "is above; an exception that escapes a goroutine ends the program, as a "
                       "panic does in Go).\n%s",
                       name.c_str(), block.c_str());
          std::fflush(stderr);
        }
      }
    } catch (...) {
      // Out of memory while reporting: the abort below still says the essential.
    }
  }
  if (previous_handler != nullptr) previous_handler();
  std::abort();
}

}  // namespace

void install_crash_report() { previous_handler = std::set_terminate(on_terminate); }

}  // namespace workshop::internal
