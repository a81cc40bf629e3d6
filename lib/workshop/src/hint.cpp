// Exercise registration and scoped hints: one registry, guarded by one mutex.

#include "workshop/hint.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

#include "internal.hpp"

namespace workshop {
namespace {

struct Registry {
  std::mutex mutex;
  // (source file, exercise), in order of registration. Guarded by mutex.
  std::vector<std::pair<std::string, Exercise>> exercises;
  // The hints alive, oldest first, keyed by Hint::id_. Guarded by mutex.
  std::vector<std::pair<std::uint64_t, std::string>> alive;
  std::uint64_t next_id = 0;  // guarded by mutex
  // Hints alive at a failure of the running test, distinct, oldest first. Guarded by mutex.
  std::vector<std::string> at_failures;
};

// Immortal: registrations run during static initialisation (in any order), and the watchdog may
// read the hints while static destructors run at exit.
Registry& registry() {
  static Registry* const instance = new Registry;
  return *instance;
}

void append_distinct(std::vector<std::string>& to, const std::string& text) {
  if (std::find(to.begin(), to.end(), text) == to.end()) to.push_back(text);
}

}  // namespace

bool register_exercise(Exercise exercise, std::string_view file) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  const bool known = std::any_of(r.exercises.begin(), r.exercises.end(),
                                 [&](const auto& entry) { return entry.first == file; });
  if (!known) r.exercises.emplace_back(std::string(file), std::move(exercise));
  return true;
}

std::optional<Exercise> exercise_for(std::string_view file) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (const auto& [registered_file, exercise] : r.exercises) {
    if (registered_file == file) return exercise;
  }
  const bool only_one = !r.exercises.empty() &&
                        std::all_of(r.exercises.begin(), r.exercises.end(), [&](const auto& entry) {
                          return entry.second.id == r.exercises.front().second.id;
                        });
  if (only_one) return r.exercises.front().second;
  return std::nullopt;
}

Hint::Hint(std::string text) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  id_ = r.next_id++;
  r.alive.emplace_back(id_, std::move(text));
}

Hint::~Hint() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::erase_if(r.alive, [this](const auto& entry) { return entry.first == id_; });
}

std::vector<std::string> active_hints() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> texts;
  for (const auto& entry : r.alive) texts.push_back(entry.second);
  return texts;
}

namespace internal {

void hints_begin_test() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.at_failures.clear();
}

void hints_note_failure() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  for (const auto& entry : r.alive) append_distinct(r.at_failures, entry.second);
}

std::vector<std::string> hints_of_test() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> texts = r.at_failures;
  for (const auto& entry : r.alive) append_distinct(texts, entry.second);
  return texts;
}

}  // namespace internal
}  // namespace workshop
