// workshop/hint.hpp — what a failing exercise test says besides GoogleTest's own message.
//
// A test file declares the exercise it grades; a test declares, for a block of code, the hint a
// student needs when an assertion inside that block fails:
//
//   WORKSHOP_EXERCISE("sync/mutex/1", "sync/mutex/exercise1.md");
//
//   TEST(Counter, CountsEveryIncrementUnderContention) {
//     ...
//     workshop::Hint hint("Did you lock the mutex in value() too?");
//     EXPECT_EQ(counter.value(), 1000);
//   }
//
// When that test fails, the workshop's test main prints, right after GoogleTest's report of it:
//
//   ---- sync/mutex/1 failed: Counter.CountsEveryIncrementUnderContention
//   Reread: sync/mutex/exercise1.md
//   Hint: Did you lock the mutex in value() too?
//
// A hint may span lines (an expected timeline, say, to compare with the observed one printed
// under it): its next lines are printed indented under the first.
//
// The same block ends the watchdog's message when such a test blocks. Library tests register no
// exercise and no hint, so their failures read as plain GoogleTest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace workshop {

// One exercise of the course: its id ("sync/mutex/1", as in design §5) and the path of its brief
// from the root of the repository ("sync/mutex/exercise1.md").
struct Exercise {
  std::string id;
  std::string brief;
};

// Declares that the tests defined in source file `file` grade `exercise`. Returns true, so that it
// can initialise a namespace-scope constant (that is what WORKSHOP_EXERCISE does). Thread-safe;
// never throws but for std::bad_alloc. Registering the same file twice keeps the first exercise.
bool register_exercise(Exercise exercise, std::string_view file);

// The exercise graded by the tests of source file `file` (GoogleTest's TestInfo::file()): the one
// registered from that file; else, when the binary registered exactly one exercise, that one (a
// suite split over several files needs to declare it once); else nullopt. Never blocks for long.
std::optional<Exercise> exercise_for(std::string_view file);

// A scoped hint: while it is alive, an assertion that fails (on any thread: hints belong to the
// test, not to a thread) is reported with this text. Hints nest; every hint alive at a failure is
// printed, outermost first, each once per test. Construction and destruction take a short internal
// lock and never block for long; construction throws only std::bad_alloc.
//
// Lifetime: destroy a Hint before the test that created it ends (a local variable does). Hints
// need not be destroyed in reverse order of creation.
class Hint {
 public:
  explicit Hint(std::string text);
  ~Hint();

  Hint(const Hint&) = delete;
  Hint& operator=(const Hint&) = delete;

 private:
  std::uint64_t id_;  // the key of this hint in the registry of hints alive
};

// The texts of the hints alive now, oldest first. Never blocks for long.
std::vector<std::string> active_hints();

}  // namespace workshop

#define WORKSHOP_INTERNAL_CONCAT2(a, b) a##b
#define WORKSHOP_INTERNAL_CONCAT(a, b) WORKSHOP_INTERNAL_CONCAT2(a, b)

// WORKSHOP_EXERCISE(id, brief): at namespace scope in a test file, declares that the tests of this
// file grade exercise `id`, whose brief is at path `brief` (from the root of the repository).
// Registration happens during static initialisation, before main.
#define WORKSHOP_EXERCISE(id, brief)                                                      \
  [[maybe_unused]] static const bool WORKSHOP_INTERNAL_CONCAT(workshop_exercise_at_line_, \
                                                              __LINE__) =                 \
      ::workshop::register_exercise(::workshop::Exercise{(id), (brief)}, __FILE__)
