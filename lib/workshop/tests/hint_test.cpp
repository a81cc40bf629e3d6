// workshop/hint.hpp: scoped hints and the exercise a test file grades.

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "workshop/hint.hpp"

namespace {

using testing::ElementsAre;
using testing::IsEmpty;

// Two exercises from two (pretend) files: with more than one exercise registered, a file that
// registered none grades none, so this binary's own failures stay plain GoogleTest.
const bool registered_a = workshop::register_exercise({"sync/mutex/1", "sync/mutex/exercise1.md"},
                                                      "pretend/mutex_test.cpp");
const bool registered_b = workshop::register_exercise({"sync/once/1", "sync/once/exercise1.md"},
                                                      "pretend/once_test.cpp");

TEST(Hint, IsActiveExactlyWhileAlive) {
  EXPECT_THAT(workshop::active_hints(), IsEmpty());
  {
    workshop::Hint hint("lock in value() too");
    EXPECT_THAT(workshop::active_hints(), ElementsAre("lock in value() too"));
  }
  EXPECT_THAT(workshop::active_hints(), IsEmpty());
}

TEST(Hint, NestedHintsListOutermostFirst) {
  workshop::Hint outer("outer");
  workshop::Hint inner("inner");
  EXPECT_THAT(workshop::active_hints(), ElementsAre("outer", "inner"));
}

TEST(Hint, MayEndInAnyOrder) {
  auto first = std::make_unique<workshop::Hint>("first");
  workshop::Hint second("second");
  first.reset();
  EXPECT_THAT(workshop::active_hints(), ElementsAre("second"));
}

TEST(Hint, BelongsToTheTestNotToAThread) {
  workshop::Hint hint("seen from every thread");
  std::vector<std::string> seen;
  std::thread([&] { seen = workshop::active_hints(); }).join();
  EXPECT_THAT(seen, ElementsAre("seen from every thread"));
}

TEST(ExerciseFor, FindsTheExerciseRegisteredFromTheFile) {
  ASSERT_TRUE(registered_a && registered_b);
  const auto exercise = workshop::exercise_for("pretend/once_test.cpp");
  ASSERT_TRUE(exercise.has_value());
  EXPECT_EQ(exercise->id, "sync/once/1");
  EXPECT_EQ(exercise->brief, "sync/once/exercise1.md");
}

TEST(ExerciseFor, KeepsTheFirstRegistrationOfAFile) {
  workshop::register_exercise({"other/1", "other/exercise1.md"}, "pretend/mutex_test.cpp");
  EXPECT_EQ(workshop::exercise_for("pretend/mutex_test.cpp")->id, "sync/mutex/1");
}

TEST(ExerciseFor, IsNothingForAnUnregisteredFileAmongSeveralExercises) {
  EXPECT_EQ(workshop::exercise_for(__FILE__), std::nullopt);
}

}  // namespace
