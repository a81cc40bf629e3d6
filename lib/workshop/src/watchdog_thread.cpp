// The watchdog thread, and the message it leaves when it stops a blocked test.

#include "watchdog_thread.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "conc/debug.hpp"
#include "internal.hpp"
#include "workshop/hint.hpp"
#include "workshop/watchdog.hpp"

namespace workshop::internal {
namespace {

// Reachable from a global, so that leak checkers do not report the immortal watchdog.
Watchdog* the_watchdog = nullptr;

// The process's stderr as it was when the watchdog started. GoogleTest redirects file descriptor
// 2 to a temporary file while a death test or CaptureStderr() runs, and a message written there
// is lost when the watchdog ends the process. Close-on-exec: death-test children have their own.
int original_stderr = STDERR_FILENO;

// Writes straight to the original stderr: no lock that a blocked thread might hold (a FILE's), no
// buffer that std::_Exit would drop.
void write_stderr(std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(original_stderr, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // nowhere to report to: still exit with the watchdog's code
    text.remove_prefix(static_cast<std::size_t>(written));
  }
}

// Flushes what the test printed on stdout, so it comes before the watchdog's message, unless
// another thread holds stdout (it may be the very thing that is blocked).
void flush_stdout_if_free() {
  if (::ftrylockfile(stdout) == 0) {
    std::fflush(stdout);
    ::funlockfile(stdout);
  }
}

std::string indent(std::string_view lines) {
  std::string out;
  while (!lines.empty()) {
    const std::size_t end = std::min(lines.find('\n'), lines.size());
    out.append("  ").append(lines.substr(0, end)).append("\n");
    lines.remove_prefix(std::min(end + 1, lines.size()));
  }
  return out;
}

// conc::debug::describe_blocked(), unless it does not answer within `limit` (its registry's lock
// held by a thread that is itself stuck): the watchdog must end the process whatever happens.
std::string describe_blocked_within(std::chrono::duration<double> limit) {
  struct Answer {
    std::mutex mutex;
    std::condition_variable ready;
    std::optional<std::string> text;  // guarded by mutex
  };
  const auto answer = std::make_shared<Answer>();
  const auto ask = [answer] {
    std::string text;
    try {
      text = conc::debug::describe_blocked();
    } catch (const std::exception& e) {
      text = fmt::format("(could not list them: {})", e.what());
    }
    std::lock_guard lock(answer->mutex);
    answer->text = std::move(text);
    answer->ready.notify_one();
  };
  try {
    std::thread(ask).detach();  // left behind if it never answers: the process ends anyway
  } catch (const std::system_error&) {
    ask();  // no thread to spare: ask from here and hope
  }
  std::unique_lock lock(answer->mutex);
  if (!answer->ready.wait_for(lock, limit, [&] { return answer->text.has_value(); })) {
    return fmt::format("(could not list them: conc did not answer within {:g} s)", limit.count());
  }
  return *answer->text;
}

}  // namespace

Watchdog& Watchdog::start(std::chrono::duration<double> budget) {
  const int saved = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  if (saved >= 0) original_stderr = saved;  // else fd 2 it is: better than nothing
  the_watchdog = new Watchdog(budget);
  return *the_watchdog;
}

Watchdog::Watchdog(std::chrono::duration<double> budget)
    // Capped at a year: a huge WORKSHOP_TEST_BUDGET_SECONDS must not overflow a time_point.
    : budget_(std::chrono::duration_cast<Clock::duration>(
          std::min(budget, std::chrono::duration<double>(365.0 * 24 * 3600)))),
      budget_seconds_(budget.count()),
      thread_(&Watchdog::run, this) {}

void Watchdog::suite_started(std::string name) {
  std::lock_guard lock(mutex_);
  phase_ = Phase::suite_set_up;
  since_ = Clock::now();
  suite_ = std::move(name);
}

void Watchdog::test_started(std::string name, std::string file, int line) {
  std::lock_guard lock(mutex_);
  phase_ = Phase::test;
  since_ = Clock::now();
  test_ = std::move(name);
  file_ = std::move(file);
  line_ = line;
}

void Watchdog::test_ended() {
  std::lock_guard lock(mutex_);
  phase_ = Phase::between_tests;
  since_ = Clock::now();
}

void Watchdog::suite_ended() {
  std::lock_guard lock(mutex_);
  phase_ = Phase::between_suites;
  since_ = Clock::now();
}

void Watchdog::program_ending() {
  std::lock_guard lock(mutex_);
  phase_ = Phase::exiting;
  since_ = Clock::now();
}

void Watchdog::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    const Clock::time_point deadline = since_ + budget_;
    if (Clock::now() >= deadline) fire();
    deadline_changed_.wait_until(lock, deadline);
  }
}

// Keeps mutex_ locked to the end: the reporter, called by GoogleTest on the test's thread, then
// blocks instead of printing a result in the middle of this message.
void Watchdog::fire() {
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since_).count();
  flush_stdout_if_free();

  std::string headline;
  switch (phase_) {
    case Phase::test:
      headline = fmt::format("{}:{}: Failure\nWatchdog: {} blocked for more than {:g} s.\n",
                             file_.empty() ? "unknown file" : file_, line_, test_, budget_seconds_);
      break;
    case Phase::starting:
      headline = fmt::format(
          "unknown file: Failure\nWatchdog: blocked for more than {:g} s before the first test "
          "suite started (in a global test environment's SetUp?).\n",
          budget_seconds_);
      break;
    case Phase::suite_set_up:
      headline = fmt::format(
          "unknown file: Failure\nWatchdog: blocked for more than {:g} s in the SetUpTestSuite "
          "of {}, before its first test.\n",
          budget_seconds_, suite_);
      break;
    case Phase::between_tests:
      headline = fmt::format(
          "unknown file: Failure\nWatchdog: blocked for more than {:g} s after {} ended (in the "
          "TearDownTestSuite of {}?).\n",
          budget_seconds_, test_, suite_);
      break;
    case Phase::between_suites:
      headline = fmt::format(
          "unknown file: Failure\nWatchdog: blocked for more than {:g} s after test suite {} "
          "ended (in a global test environment's TearDown?).\n",
          budget_seconds_, suite_);
      break;
    case Phase::exiting:
      headline = fmt::format(
          "Watchdog: the test binary has not exited {:g} s after its last test: a destructor "
          "run at exit is blocked (joining a thread or goroutine that never ends?).\n",
          budget_seconds_);
      break;
  }
  write_stderr(headline);  // first, on its own: whatever follows, this much is said

  // Also at exit, where a goroutine still blocked is the likely culprit. This relies on conc's
  // registry of blocked threads outliving static destruction (lib/conc/src/runtime.cpp leaks it
  // on purpose for that).
  const std::string blocked =
      describe_blocked_within(std::chrono::seconds(1) * sanitizer_slowdown());
  write_stderr("Still blocked in conc:\n" + indent(blocked) +
               "(Threads blocked outside conc, on a std::mutex, a std::condition_variable, a "
               "join() or in a loop, are not listed.)\n");
  if (phase_ == Phase::test) {
    write_stderr(failure_block(test_, file_, hints_of_test(), journal()));
    write_stderr(fmt::format("[  FAILED  ] {} ({} ms)\n", test_, elapsed_ms));
  }
  const std::string scaled =
      sanitizer_name().empty()
          ? std::string()
          : fmt::format(" ({:g} s x {:g} under {})", budget_seconds_ / sanitizer_slowdown(),
                        sanitizer_slowdown(), sanitizer_name());
  write_stderr(fmt::format(
      "workshop: the watchdog stopped this test binary (exit code {}). Budget: {:g} s per "
      "test{}; set WORKSHOP_TEST_BUDGET_SECONDS (default {:g}) to change it, 0 to turn the "
      "watchdog off.\n",
      watchdog_exit_code, budget_seconds_, scaled, default_budget.count()));
  std::_Exit(watchdog_exit_code);
}

}  // namespace workshop::internal
