// select/1 — timer_ticker() prints one "Hello from ticker" per tick, then "Time to say goodbye"
// when its timer fires, and returns.
//
// How the suite watches it: timer_ticker runs on a thread of its own and writes to a stream the
// test owns, while a conc::testing::FakeClock holds library time still. The test moves the clock
// one due event at a time (a tick, or the timer) and after each one waits until timer_ticker has
// printed its line and waits in conc again (or has returned); then it compares every line printed
// so far with what was due. It never moves the clock past two due events at once: a Ticker's
// channel holds one tick, and a receiver that has not taken it yet would miss the next one (Go's
// tickers drop ticks the same way). Virtual time is exact, so no sleep decides anything; the 5 s
// safety nets only turn a would-be hang into a failed assertion that says what timer_ticker was
// doing.

#include "timerticker.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <conc/debug.hpp>
#include <conc/go.hpp>
#include <conc/testing.hpp>

#include "workshop/hint.hpp"
#include "workshop/journal.hpp"
#include "workshop/thread_probe.hpp"

namespace {

using namespace std::chrono_literals;
using conc::Duration;

const std::string kHello = "Hello from ticker";
const std::string kGoodbye = "Time to say goodbye";

// Only turns a would-be hang into a failed assertion: a right answer takes microseconds.
constexpr Duration kSafetyNet = 5s;

std::string ms(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

std::string in_quotes(const std::string& text) { return "\"" + text + "\""; }

std::string listing(const std::vector<std::string>& lines) {
  if (lines.empty()) return "  (nothing)\n";
  std::string text;
  for (const auto& line : lines) text += "  " + in_quotes(line) + "\n";
  return text;
}

// What timer_ticker's thread shares with the test. Never freed (see TimerTickerRun::shared_): a
// timer_ticker that never returns, or a goroutine it left running, may write to `out` after the
// test has ended.
struct Shared {
  Shared() = default;
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;

  // The streambuf behind `out`: unbuffered, so every character reaches the recorder as it is
  // written; a line is recorded (and journaled) when its '\n' comes.
  class LineRecorder final : public std::streambuf {
   public:
    explicit LineRecorder(Shared& shared) : shared_(shared) {}

   protected:
    int_type overflow(int_type ch) override {
      if (!traits_type::eq_int_type(ch, traits_type::eof())) {
        const char c = traits_type::to_char_type(ch);
        write(&c, 1);
      }
      return traits_type::not_eof(ch);
    }
    std::streamsize xsputn(const char* text, std::streamsize n) override {
      write(text, n);
      return n;
    }

   private:
    void write(const char* text, std::streamsize n) {
      std::lock_guard lock(shared_.mutex);
      for (std::streamsize i = 0; i < n; ++i) {
        if (text[i] != '\n') {
          shared_.partial += text[i];
          continue;
        }
        shared_.lines.push_back(std::move(shared_.partial));
        shared_.partial.clear();
        if (shared_.journaling) {
          workshop::record("printed " + in_quotes(shared_.lines.back()) + " (clock at " +
                           ms(conc::now() - shared_.start) + ")");
        }
      }
    }

    Shared& shared_;
  };

  std::mutex mutex;
  std::vector<std::string> lines;  // complete lines printed so far; guarded by mutex
  std::string partial;             // the line being printed, not ended yet; guarded by mutex
  bool returned = false;           // timer_ticker returned, or threw; guarded by mutex
  std::string threw;               // what() of the exception it threw, if any; guarded by mutex
  bool journaling = true;          // false once the test has ended; guarded by mutex
  conc::TimePoint start;           // virtual time at the start; written before the thread starts
  workshop::ThreadProbe probe;     // watches timer_ticker's thread
  LineRecorder recorder{*this};
  std::ostream out{&recorder};     // the `out` given to timer_ticker; used by its threads only
};

struct Snapshot {
  std::vector<std::string> lines;
  std::string partial;
  bool returned = false;
  std::string threw;
};

// Reports a failure: `what` happened, with `hint` (what to do about it) printed under it. Returns
// false, so that a step can `return report(...)`.
// (`file` and `line` default to the caller's: std::source_location would do, but libstdc++ gives
// it to clang only from clang 16, and the workshop supports clang 14.)
bool report(const std::string& hint, const std::string& what, const char* file = __builtin_FILE(),
            int line = __builtin_LINE()) {
  workshop::Hint scoped(hint);
  ADD_FAILURE_AT(file, line) << what;
  return false;
}

// One run of timer_ticker(timer, tick, out) under a FakeClock, and the steps a test takes through
// it. A step returns false after reporting a failure (with its hint); the test then stops, so that
// at most one safety net is spent per test.
class TimerTickerRun {
 public:
  TimerTickerRun(Duration timer, Duration tick) : timer_(timer), tick_(tick) {
    // A timer due at the same instant as a tick would make the order of the last lines random.
    if (timer_ % tick_ == Duration::zero()) {
      throw std::logic_error("the suite's schedules keep the timer off the tick grid");
    }
  }

  // Lets a run the test left midway (start() alone, say) finish, so that it does not tick on in
  // the next test: fires the timer, and waits a little for timer_ticker and its goroutines to end.
  // After a failure it does not wait: they may never end.
  ~TimerTickerRun() {
    {
      std::lock_guard lock(shared_.mutex);
      shared_.journaling = false;  // what follows is not the test's story
    }
    if (!started_ || ::testing::Test::HasFailure()) return;
    if (!snapshot().returned) {
      clock_.advance(timer_ > now_ ? timer_ - now_ : Duration::zero());
      workshop::wait_until([&] { return snapshot().returned; }, 1s);
    }
    conc::testing::wait_goroutines(goroutines_before_, 1s);
  }

  TimerTickerRun(const TimerTickerRun&) = delete;
  TimerTickerRun& operator=(const TimerTickerRun&) = delete;

  // Starts timer_ticker and waits until it waits in conc, its Timer and Ticker created: only then
  // may the clock move, or they would start late.
  bool start() {
    if (!never_waited_in.empty()) {
      return report(never_waited_hint,
                    "Not run: in " + never_waited_in + ", timer_ticker never waited in conc. Fix "
                    "that first (this saves " + ms(kSafetyNet) + " per test).");
    }
    step_ = "start";
    if (!first_time_here()) return false;
    started_ = true;
    shared_.start = clock_.now();
    goroutines_before_ = conc::goroutines();
    goroutines_parked_before_ = parked_goroutines();
    workshop::record("timer_ticker(" + ms(timer_) + ", " + ms(tick_) + ", out) starts");
    // A plain thread, not conc::go: conc::goroutines() then counts only the goroutines
    // timer_ticker starts, and conc::debug names this thread by its id. Detached: when
    // timer_ticker never returns, the test fails and the suite goes on.
    std::thread runner([&shared = shared_, timer = timer_, tick = tick_] {
      shared.probe.attach();
      std::string threw;
      try {
        timer_ticker(timer, tick, shared.out);
      } catch (const std::exception& e) {
        threw = e.what();
      } catch (...) {
        threw = "an exception that is not a std::exception";
      }
      std::lock_guard lock(shared.mutex);
      shared.returned = true;
      shared.threw = threw;
      if (shared.journaling) {
        const std::string what = threw.empty() ? "returned" : "threw: " + threw;
        workshop::record("timer_ticker " + what + " (clock at " +
                         ms(conc::now() - shared.start) + ")");
      }
    });
    std::ostringstream id;
    id << runner.get_id();
    runner_name_ = "thread " + id.str();  // as conc::debug::blocked_threads() names it
    runner.detach();

    const bool settled = wait_within_safety_net(
        [&] {
          const Snapshot s = snapshot();
          return s.returned || !s.lines.empty() || !s.partial.empty() || waiting_in_conc();
        });
    const Snapshot s = snapshot();
    if (!s.threw.empty()) {
      return fail("The tests pass durations conc accepts: what threw is in your code. Let "
                  "nothing escape timer_ticker.",
                  "timer_ticker threw before the clock moved: " + s.threw);
    }
    if (!s.lines.empty() || !s.partial.empty()) {
      return printed_before_the_clock_moved(s.lines.empty() ? s.partial : s.lines.front());
    }
    if (s.returned) {
      return fail("Create a conc::Timer(timer) and a conc::Ticker(tick), then loop on a "
                  "conc::select over their channels (timer.c(), ticker.c()) until the timer "
                  "fires.",
                  "timer_ticker returned at once, before the clock moved, and printed nothing: "
                  "with a " + ms(timer_) + " timer it must wait " + ms(timer_) + ".");
    }
    if (!settled) {
      never_waited_in = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      never_waited_hint = not_waiting_hint();
      return fail(not_waiting_hint(), "For " + ms(kSafetyNet) + " (real time) timer_ticker "
                  "neither waited in conc, nor returned, nor printed: " + not_waiting_fact() +
                  ".");
    }
    workshop::record("timer_ticker waits in conc: the test may move the clock");
    return true;
  }

  // Moves the clock to each tick due before the timer, one at a time, and checks that each one
  // printed one "Hello from ticker" and nothing else.
  bool play_ticks() {
    for (Duration at = tick_; at < timer_; at += tick_) {
      move_clock_to(at, "a tick is due");
      expected_.push_back(kHello);
      step_ = "the tick at " + ms(at);
      if (!first_time_here() || !check_after(step_, /*timer=*/false)) return false;
    }
    return true;
  }

  // Moves the clock to the timer's due time and checks that it printed "Time to say goodbye".
  bool play_timer() {
    move_clock_to(timer_, "the timer is due");
    expected_.push_back(kGoodbye);
    step_ = "the timer at " + ms(timer_);
    return first_time_here() && check_after(step_, /*timer=*/true);
  }

  // Checks that timer_ticker returns once it has said goodbye.
  bool expect_returned() {
    step_ = "return";
    if (!first_time_here()) return false;
    const bool returned = wait_within_safety_net([&] { return snapshot().returned; });
    if (!returned && waiting_in_conc()) {
      return fail("After \"" + kGoodbye + "\", leave the loop and return. Beware: a `return` "
                  "inside a case's handler returns from that lambda, not from timer_ticker. Set "
                  "a flag the loop tests (for (bool done = false; !done;)), or test the index "
                  "conc::select returns, and return outside the lambda.",
                  "timer_ticker printed " + in_quotes(kGoodbye) + " but did not return: it "
                  "went back to waiting in conc (still there " + ms(kSafetyNet) + " later).");
    }
    if (!returned) {
      return fail(not_waiting_hint(), "timer_ticker printed " + in_quotes(kGoodbye) +
                  " but did not return within " + ms(kSafetyNet) + ": " + not_waiting_fact() +
                  ".");
    }
    const Snapshot s = snapshot();
    if (!s.threw.empty()) {
      return fail("Let nothing escape timer_ticker: after the goodbye, just return.",
                  "timer_ticker threw after its goodbye: " + s.threw);
    }
    return true;
  }

  // After timer_ticker returned: moves the clock on by a few ticks and checks that nothing more
  // is printed, and that no goroutine timer_ticker started is left running.
  bool expect_silence_after_return() {
    step_ = "after return";
    if (!first_time_here()) return false;
    for (int k = 1; k <= 3; ++k) {
      move_clock_to(now_ + tick_, "a tick would be due, had the ticker run on");
    }
    // Once every goroutine timer_ticker started has ended, all they printed is in.
    const bool no_leak = conc::testing::wait_goroutines(goroutines_before_, kSafetyNet);
    if (!no_leak) safety_net_spent_ = true;
    const Snapshot s = snapshot();
    if (s.lines != expected_ || !s.partial.empty()) {
      std::vector<std::string> after(
          s.lines.begin() + static_cast<std::ptrdiff_t>(std::min(s.lines.size(), expected_.size())),
          s.lines.end());
      if (!s.partial.empty()) after.push_back(s.partial);
      return fail("Once the timer has fired, nothing may print: stop the ticker (its destructor "
                  "does, when it is a local of timer_ticker), and let no goroutine you started "
                  "write to `out` after you return.",
                  "After timer_ticker returned, the clock moved on and more was printed:\n" +
                      listing(after));
    }
    if (!no_leak) {
      return fail("Every goroutine timer_ticker starts must end. One blocked on the ticker's "
                  "channel waits forever once the ticker is stopped (a ticker's channel is never "
                  "closed). You need no goroutine here: one select loop does it all.",
                  "timer_ticker returned but left " +
                      std::to_string(conc::goroutines() - goroutines_before_) +
                      " goroutine(s) running " + ms(kSafetyNet) + " later.");
    }
    return true;
  }

  std::vector<std::string> printed() { return snapshot().lines; }

 private:
  // A failure seen at one step of one schedule.
  struct Seen {
    std::string test;  // the test that saw it first
    std::string what;
    std::string hint;
  };
  // Failures already seen in this run of the suite, after a safety net ran out. Several tests play
  // the same schedule (55 ms and 10 ms, say) before checking more: one that reaches a step where
  // an earlier test waited out a safety net fails there at once, with the same message, rather
  // than wait it out again.
  static std::map<std::string, Seen>& seen_failures() {
    static std::map<std::string, Seen> seen;
    return seen;
  }
  std::string step_key() const { return ms(timer_) + ", " + ms(tick_) + ": " + step_; }

  // Reports a failure at the current step, and remembers it if a safety net ran out first.
  // Returns false.
  bool fail(const std::string& hint, const std::string& what, const char* file = __builtin_FILE(),
            int line = __builtin_LINE()) {
    if (safety_net_spent_) {
      const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
      seen_failures().try_emplace(step_key(), Seen{test, what, hint});
    }
    return report(hint, what, file, line);
  }

  // Waits until `condition` holds, or the safety net runs out (then returns false, and the
  // failure that follows is remembered in seen_failures()).
  bool wait_within_safety_net(const std::function<bool()>& condition) {
    if (workshop::wait_until(condition, kSafetyNet)) return true;
    safety_net_spent_ = true;
    return false;
  }

  // False, after reporting it again, when an earlier test already failed at this step of this
  // schedule.
  bool first_time_here() {
    const auto seen = seen_failures().find(step_key());
    if (seen == seen_failures().end()) return true;
    return report(seen->second.hint, "Not run again: " + seen->second.test + " failed at this "
                  "step of the same schedule (" + step_key() + "):\n" + seen->second.what);
  }

  Snapshot snapshot() {
    std::lock_guard lock(shared_.mutex);
    return {shared_.lines, shared_.partial, shared_.returned, shared_.threw};
  }

  // Goroutines parked in a conc operation now.
  static std::size_t parked_goroutines() {
    const auto blocked = conc::debug::blocked_threads();
    const auto is_goroutine = [](const auto& t) { return t.thread.starts_with("goroutine "); };
    return static_cast<std::size_t>(std::count_if(blocked.begin(), blocked.end(), is_goroutine));
  }

  // Whether timer_ticker's thread is parked in a conc operation (select, recv, sleep...).
  bool runner_parked() const {
    const auto blocked = conc::debug::blocked_threads();
    return std::any_of(blocked.begin(), blocked.end(),
                       [&](const auto& t) { return t.thread == runner_name_; });
  }

  // timer_ticker waits in conc, and so does every goroutine it started that still runs: nothing
  // more happens until the clock moves. (Goroutines are told apart by count: those running, and
  // those parked, before it started are left out.)
  bool waiting_in_conc() const {
    if (!runner_parked()) return false;
    return parked_goroutines() + goroutines_before_ >=
           conc::goroutines() + goroutines_parked_before_;
  }

  void move_clock_to(Duration at, const std::string& what) {
    workshop::record("the test moves the clock to " + ms(at) + ": " + what);
    clock_.advance(at - now_);
    now_ = at;
  }

  // What timer_ticker is doing when it neither waits in conc nor returns, and the hint for each
  // case.
  std::string not_waiting_fact() const {
    if (runner_parked()) {
      return "it waits in conc, but a goroutine it started neither waits in conc nor ends";
    }
    return shared_.probe.sleeping()
               ? "its thread is asleep outside conc"
               : "its thread keeps running without ever blocking (a busy loop)";
  }
  std::string not_waiting_hint() const {
    if (shared_.probe.sleeping()) {
      return "Something other than conc makes it wait: std::this_thread::sleep_for, a "
             "std::chrono deadline, a std::condition_variable, or a loop that sleeps between "
             "polls. Use conc::Timer and conc::Ticker: the tests drive conc's clock, and real "
             "time never moves it.";
    }
    return "A loop that never blocks burns a whole core. Is there a conc::case_default in your "
           "select? Without one, conc::select blocks until the ticker or the timer is ready. (A "
           "loop that polls conc::now() spins the same way.)";
  }

  // The first line came before the clock moved: say why it could.
  bool printed_before_the_clock_moved(const std::string& first) {
    if (first == kGoodbye) {
      return fail("The goodbye comes when the conc::Timer fires (here at " + ms(timer_) + "), "
                  "received in the select, not once a count of ticks is reached (a " +
                  ms(timer_) + " timer and a " + ms(tick_) + " tick make " +
                  std::to_string(timer_ / tick_) + " ticks first), nor after a real-time wait "
                  "(std::this_thread::sleep_for, std::chrono clocks): the tests drive conc's "
                  "clock.",
                  "timer_ticker printed " + in_quotes(first) + " although the test had not "
                  "moved the clock at all.");
    }
    if (first != kHello) {
      return fail("Print only the two lines of the brief: \"" + kHello + "\" on each tick, and "
                  "\"" + kGoodbye + "\" when the timer fires. Nothing before them.",
                  "timer_ticker printed " + in_quotes(first) + " before the clock moved: the "
                  "first line is due at the first tick, " + ms(tick_) + ".");
    }
    // Which hint fits (the verdict is in): does it go on to wait in conc?
    workshop::wait_until([&] { return waiting_in_conc() || snapshot().returned; }, 1s);
    if (waiting_in_conc()) {
      return fail("Print in the ticker's case of the select (its handler), once the tick has "
                  "been received, not before the select.",
                  "timer_ticker printed " + in_quotes(first) + " before the clock moved, then "
                  "waited in conc: it printed before any tick came.");
    }
    return fail("It waits in real time (std::this_thread::sleep_for, std::chrono clocks, a "
                "std::condition_variable's timeout). Wait with a conc::Timer and a conc::Ticker "
                "in a conc::select: the tests drive conc's clock, and real time never moves it.",
                "timer_ticker printed " + in_quotes(first) + " although the test had not moved "
                "the clock at all: it does not wait with conc time.");
  }

  // After the clock reached the due time of `event`, waits until timer_ticker has printed the
  // lines due by now and waits in conc again (or has returned), then checks them.
  bool check_after(const std::string& event, bool timer) {
    const bool settled = wait_within_safety_net(
        [&] {
          const Snapshot s = snapshot();
          const std::size_t printed = s.lines.size() + (s.partial.empty() ? 0 : 1);
          return s.returned || (printed >= expected_.size() && waiting_in_conc());
        });
    const Snapshot s = snapshot();
    if (!s.threw.empty()) {
      return fail("Let nothing escape timer_ticker.",
                  "timer_ticker threw after " + event + ": " + s.threw);
    }
    if (!check_lines(event, s.lines)) return false;
    if (s.lines.size() < expected_.size()) {
      const std::string& due = expected_.back();
      if (!s.partial.empty()) {
        return fail("End each line: out << \"" + due + "\\n\" (or << std::endl).",
                    "After " + event + ", timer_ticker printed " + in_quotes(s.partial) +
                        " but never ended the line.");
      }
      if (s.returned) {
        return fail(timer ? "Print \"" + kGoodbye + "\" when the timer fires, then return."
                          : "Loop: after each tick, select again, until the timer fires. Only "
                            "the timer ends timer_ticker.",
                    "timer_ticker returned after " + event + " without printing " +
                        in_quotes(due) + ".");
      }
      if (timer) {
        const std::string hint = diagnose_missing_goodbye();
        return fail(hint, "After " + event + ", nothing was printed, " + ms(kSafetyNet) +
                              " later still: " + in_quotes(kGoodbye) + " was due.");
      }
      if (waiting_in_conc()) {
        return fail("It waits in conc, but not for the ticker. Select on the Ticker's channel "
                    "(ticker.c()) beside the timer's, in a loop, and print \"" + kHello +
                    "\" in that case's handler.",
                    "After " + event + ", nothing was printed, " + ms(kSafetyNet) +
                        " later still: " + in_quotes(kHello) + " was due.");
      }
      return fail(not_waiting_hint(), "After " + event + ", nothing was printed, and " +
                                          not_waiting_fact() + ".");
    }
    if (s.returned && !timer) {
      return fail("Loop: after each tick, select again, until the timer fires. Only the timer "
                  "ends timer_ticker.",
                  "timer_ticker returned after " + event + ", before its timer (" + ms(timer_) +
                      ") fired.");
    }
    if (!settled) {
      return fail(not_waiting_hint(), "After " + event + ", timer_ticker printed its line, "
                  "then for " + ms(kSafetyNet) + " neither waited in conc again nor returned: " +
                  not_waiting_fact() + ".");
    }
    return true;
  }

  // Compares what was printed with what was due by `event` (expected_): a line too many, or a
  // wrong one, fails now; a missing one is left to the caller.
  bool check_lines(const std::string& event, const std::vector<std::string>& got) {
    const auto [wrong, due] = std::mismatch(got.begin(), got.end(), expected_.begin(),
                                            expected_.end());
    if (wrong == got.end()) return true;  // all that was due, or the start of it
    const std::string facts = "After " + event + ", timer_ticker had printed:\n" + listing(got) +
                              "when these were due:\n" + listing(expected_);
    if (due == expected_.end() && expected_.back() == kGoodbye) {
      return fail("\"" + kGoodbye + "\" is the last line: print it, then return at once.",
                  facts + "It printed " + in_quotes(*wrong) + " after its goodbye.");
    }
    if (*wrong == kGoodbye) {
      return fail("Say goodbye when the Timer fires, in the select's case that receives from "
                  "its channel (timer.c()), not after counting ticks: a " + ms(timer_) +
                  " timer and a " + ms(tick_) + " tick make " + std::to_string(timer_ / tick_) +
                  " hello(s) first.",
                  facts + "It said goodbye before its timer was due, at " + ms(timer_) + ".");
    }
    if (*wrong == kHello) {
      return fail("Print one \"" + kHello + "\" per tick received, in the ticker's case of the "
                  "select, and nothing when the select wakes for anything else.",
                  facts + "It printed more hellos than ticks came.");
    }
    return fail("Print exactly the two lines of the brief, \"" + kHello + "\" and \"" +
                    kGoodbye + "\": same words, capitals and spaces, one per line.",
                facts + "Line " + std::to_string(wrong - got.begin() + 1) + ", " +
                    in_quotes(*wrong) + ", is not one of them.");
  }

  // The goodbye did not come when the timer was due. The verdict is in; this only picks the
  // hint: it moves the clock to the next tick and looks at what timer_ticker does then.
  std::string diagnose_missing_goodbye() {
    const Duration next = (now_ / tick_ + 1) * tick_;
    move_clock_to(next, "the next tick is due (what does timer_ticker do after the missed timer?)");
    const std::size_t before = expected_.size() - 1;
    workshop::wait_until(
        [&] {
          const Snapshot s = snapshot();
          return s.returned || s.lines.size() > before;
        },
        1s);
    const Snapshot s = snapshot();
    const std::string then = s.lines.size() > before ? s.lines[before] : "";
    if (then == kGoodbye) {
      return "It said goodbye only on the next tick, at " + ms(next) + ": the goodbye must come "
             "when the Timer itself fires. Select on the Timer's channel (timer.c()) beside the "
             "ticker's, rather than checking the time, or counting ticks, when a tick comes.";
    }
    if (then == kHello) {
      return "It said hello again at " + ms(next) + ": its select never saw the timer fire. "
             "Select on the Timer's channel (timer.c()) too. Create the conc::Timer once, before "
             "the loop: a conc::after(timer) inside the loop starts a new wait on every pass, "
             "and a shorter tick always cuts it short. And do not count ticks: the timer "
             "decides when to stop.";
    }
    return "Select on the Timer's channel (timer.c()) beside the ticker's: when it fires, print "
           "\"" + kGoodbye + "\" and return.";
  }

  // Never freed: timer_ticker's thread, or a goroutine it started, may outlive the test. Kept
  // reachable from a global, so that leak checkers do not report it.
  static Shared& new_shared() {
    static auto* const all = new std::vector<std::unique_ptr<Shared>>;
    return *all->emplace_back(std::make_unique<Shared>());
  }

  // The test that found timer_ticker never waiting in conc, and its hint: the tests after it
  // fail at once.
  static inline std::string never_waited_in;
  static inline std::string never_waited_hint;

  conc::testing::FakeClock clock_;  // first: timer_ticker's Timer and Ticker must see it
  const Duration timer_;
  const Duration tick_;
  Duration now_{};                  // virtual time since start()
  Shared& shared_ = new_shared();
  bool started_ = false;
  std::string runner_name_;                   // timer_ticker's thread, as conc::debug names it
  std::size_t goroutines_before_ = 0;         // goroutines running before timer_ticker started
  std::size_t goroutines_parked_before_ = 0;  // of which parked in conc
  std::vector<std::string> expected_;         // the lines due by now_
  std::string step_;                          // the step being checked, for seen_failures()
  bool safety_net_spent_ = false;             // a safety net ran out in this test
};

TEST(TimerTicker, WaitsOnConcTimeBeforePrintingAnything) {
  TimerTickerRun run(55ms, 10ms);
  if (!run.start()) return;
  EXPECT_TRUE(run.printed().empty());
}

struct Schedule {
  Duration timer;
  Duration tick;
  int hellos;
};

// How GoogleTest names a schedule in its reports.
void PrintTo(const Schedule& schedule, std::ostream* os) {
  *os << "timer " << ms(schedule.timer) << ", tick " << ms(schedule.tick);
}

class TimerTickerSchedule : public ::testing::TestWithParam<Schedule> {};

TEST_P(TimerTickerSchedule, PrintsOneHelloPerTickThenGoodbyeWhenTheTimerFires) {
  const Schedule schedule = GetParam();
  TimerTickerRun run(schedule.timer, schedule.tick);
  if (!run.start() || !run.play_ticks() || !run.play_timer()) return;

  std::vector<std::string> want(static_cast<std::size_t>(schedule.hellos), kHello);
  want.push_back(kGoodbye);
  EXPECT_EQ(run.printed(), want);  // the steps checked it line by line: this states the result
}

INSTANTIATE_TEST_SUITE_P(
    Durations, TimerTickerSchedule,
    ::testing::Values(Schedule{55ms, 10ms, 5},   // the brief's example
                      Schedule{35ms, 10ms, 3},   // not always five
                      Schedule{100ms, 30ms, 3},  // other periods
                      Schedule{5ms, 10ms, 0}),   // the timer fires before the first tick
    [](const ::testing::TestParamInfo<Schedule>& param) {
      const auto count = [](Duration d) {
        return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
      };
      return "timer_" + count(param.param.timer) + "ms_tick_" + count(param.param.tick) + "ms";
    });

TEST(TimerTicker, ReturnsOnceItHasSaidGoodbye) {
  TimerTickerRun run(55ms, 10ms);
  if (!run.start() || !run.play_ticks() || !run.play_timer()) return;
  run.expect_returned();
}

TEST(TimerTicker, PrintsNothingMoreAfterReturning) {
  TimerTickerRun run(55ms, 10ms);
  if (!run.start() || !run.play_ticks() || !run.play_timer() || !run.expect_returned()) return;
  run.expect_silence_after_return();
}

}  // namespace
