#!/usr/bin/env python3
"""workshop.py: the student's tool. Runs an exercise, shows your progress, re-runs on every save.

The Makefile is its front door (the target that runs each command is on the right):

  workshop.py list                the exercises in course order        make exercises
  workshop.py run ID              build your code for exercise ID      make ID
                                  and run its tests, e.g. sync/mutex/1
  workshop.py run --preset tsan ID  the same under ThreadSanitizer     make race EX=ID
  workshop.py progress            every exercise and its state; the    make progress
                                  next one to do: brief, command, hint
  workshop.py watch [ID]          run ID (default: the next one to     make watch [EX=ID]
                                  do) each time you save one of its
                                  files; moves on when it passes
  workshop.py reset [--yes] ID    put ID's files back as committed     make reset EX=ID [YES=1]
  workshop.py solution ID         the diff from the skeleton to the    make solution EX=ID
                                  reference solution; --against-mine:  make solution EX=ID MINE=1
                                  from your files instead

Options (before or after the command):
  --root DIR       the repository (default: the one this file is in)
  --build DIR      the build folder (default: ROOT/build; ROOT/build-tsan with --preset tsan)
  --manifest FILE  the list of exercises (default: BUILD/exercises.tsv, written by CMake)
  --results DIR    where runs leave their results (default: BUILD/results)
  watch only:      --max-runs N (stop after N runs), --interval S (poll every S s, default 0.5)

Results. Every run of an exercise's suite leaves, under the results folder, for its CMake target
<name> (the id with '/' as '_'):
  <name>.xml     GoogleTest's JUnit XML (written by `run`, `watch` and CTest's test of the
                 student's suite, label exercise); deleted before each run
  <name>.status  one JSON line, by `run` and `watch` only: exit code, verdict, time. A compile
                 error, a crash, the watchdog (exit 124) or a data race leaves no XML, or one
                 that does not tell
  <name>.log     the suite's output (`progress` shows the first "Hint: " line of a failed run)
`progress` reads nothing else: no hand-kept list. An exercise is passed when its last run passed.

Exit codes: run: the suite's (0 passed, 1 a test failed or the code does not compile, 66 a data
race, 124 the watchdog stopped a blocked test, other: the suite crashed); every command: 2 for a
bad command line or an unknown exercise, 1 when there is no build yet or the command failed;
watch ends with 0 (Ctrl-C, --max-runs, or every exercise passed).

Python 3.8+, standard library only.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import difflib
import json
import os
import platform
import re
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

DEFAULT_ROOT = Path(__file__).resolve().parents[3]  # lib/workshop/tool/workshop.py
BAR_WIDTH = 20
HINT_WIDTH = 160
SCREEN_WIDTH = 80  # what progress fits in

# Exit codes.
EXIT_USAGE = 2
EXIT_ERROR = 1


class Failure(Exception):
    """Ends the command with one line on stderr (and maybe more after it) and an exit code."""

    def __init__(self, line: str, code: int = EXIT_ERROR, more: str = ""):
        super().__init__(line)
        self.line = line
        self.code = code
        self.more = more


# --- Output ---------------------------------------------------------------------------------------


def say(text: str = "", file=None) -> None:
    """print, flushed: the children this tool runs write to the same terminal."""
    print(text, file=file or sys.stdout, flush=True)


def colour_enabled(stream) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def paint(text: str, style: str, stream=None) -> str:
    codes = {"green": "32", "red": "31", "yellow": "33", "cyan": "36", "bold": "1",
             "bold-green": "1;32", "bold-red": "1;31", "dim": "2"}
    if not colour_enabled(stream or sys.stdout):
        return text
    return f"\033[{codes[style]}m{text}\033[0m"


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


def one_line(text: str, width: int = HINT_WIDTH) -> str:
    """Whitespace collapsed, cut at a word before `width` characters."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text.rfind(" ", 0, width - 1)
    return text[: cut if cut > width // 2 else width - 1].rstrip(" ,;:") + "…"


def plain_markdown(text: str) -> str:
    """Markdown emphasis, code spans and links taken out: the text a terminal should show."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](url)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"\*\*(\S(?:.*?\S)?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(\S(?:.*?\S)?)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<!\w)__?(\S(?:.*?\S)?)__?(?!\w)", r"\1", text)
    return text


# --- The manifest ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Exercise:
    id: str
    brief: str  # from the root
    folder: str  # from the root
    files: list  # the student's files, from the root
    target: str  # the CMake target of the student's suite; also the name of its results
    binary: str


@dataclasses.dataclass
class Context:
    root: Path
    build: Path
    manifest: Path
    results: Path
    preset: str
    explicit_build: bool  # --build given: never configure it ourselves

    def path(self, relative: str) -> Path:
        return self.root / relative


def load_manifest(ctx: Context) -> list:
    if not ctx.manifest.is_file():
        raise Failure(f"error: no build yet ({display(ctx.manifest, ctx)} is missing): run make first")
    lines = ctx.manifest.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise Failure(f"error: {display(ctx.manifest, ctx)} is empty: run make again")
    columns = lines[0].split("\t")
    need = ["id", "brief", "folder", "files", "target", "binary"]
    if any(name not in columns for name in need):
        raise Failure(f"error: {display(ctx.manifest, ctx)} is not an exercise manifest "
                      f"(its columns: {', '.join(columns)})")
    exercises = []
    for line in lines[1:]:
        if not line.strip():
            continue
        row = dict(zip(columns, line.split("\t")))
        folder = row["folder"]
        files = [f"{folder}/{name}" if folder else name for name in row["files"].split(",") if name]
        exercises.append(Exercise(row["id"], row["brief"], folder, files, row["target"],
                                  row["binary"]))
    return exercises


def display(path: Path, ctx: Context) -> str:
    """A path as the student would type it: from the root when it is inside."""
    try:
        return str(Path(path).resolve().relative_to(ctx.root.resolve()))
    except ValueError:
        return str(path)


def exercise_list(exercises: list) -> str:
    lines = ["The exercises, in course order (run one with: make <id>):"]
    lines += [f"  {ex.id:<22} {ex.brief}" for ex in exercises]
    return "\n".join(lines)


def find_exercise(exercises: list, wanted: str, usage: str) -> Exercise:
    if not wanted:
        raise Failure(usage, EXIT_USAGE, exercise_list(exercises))
    for ex in exercises:
        if ex.id == wanted:
            return ex
    close = difflib.get_close_matches(wanted, [ex.id for ex in exercises], n=1)
    guess = f" Did you mean {close[0]}?" if close else ""
    raise Failure(f"error: '{wanted}' is not an exercise.{guess}", EXIT_USAGE,
                  exercise_list(exercises))


# --- Building and running one exercise (make <id>) ------------------------------------------------


def ensure_configured(ctx: Context) -> None:
    """The build folder exists and is up to date with the CMakeLists."""
    if not (ctx.build / "build.ninja").is_file():
        if ctx.explicit_build:
            raise Failure(f"error: no build yet in {display(ctx.build, ctx)}: run make first")
        # The manifest is written at configure time.
        if subprocess.call(["make", "-s", "deps"], cwd=ctx.root) != 0:
            raise Failure("error: make deps failed: the packages the workshop needs are missing")
        if subprocess.call(["cmake", "--preset", ctx.preset], cwd=ctx.root,
                           stdout=subprocess.DEVNULL) != 0:
            raise Failure(f"error: cmake --preset {ctx.preset} failed")
    # CMake re-runs itself if a CMakeLists.txt changed since (a new exercise, say): a no-op otherwise.
    if subprocess.call(["cmake", "--build", str(ctx.build), "--target", "build.ninja"],
                       cwd=ctx.root, stdout=subprocess.DEVNULL) != 0:
        raise Failure(f"error: CMake could not reconfigure {display(ctx.build, ctx)} "
                      f"(run it: cmake --preset {ctx.preset})")


def forget_objects_of(ctx: Context, paths: list) -> list:
    """Deletes the object files built from any of `paths` (sources or headers), so that the next
    build compiles them again; returns them.

    Why: a file saved while the compiler was already at work on it is older than the object
    that compiler writes a moment later, so Ninja takes the object for up to date and the next
    build, "no work to do", runs the old code. Ninja's own record of what each object was built
    from (ninja -t deps) says which objects to delete."""
    wanted = {os.path.realpath(ctx.path(p)) for p in paths}
    names = {os.path.basename(p) for p in wanted}
    try:
        listing = subprocess.run([ninja_program(ctx), "-C", str(ctx.build), "-t", "deps"],
                                 capture_output=True, text=True).stdout
    except OSError:
        return []
    stale = set()
    target = None
    for line in listing.splitlines():
        if line and not line[0].isspace():
            target = line.split(": #deps", 1)[0]
        elif target is not None and os.path.basename(line.strip()) in names:
            if os.path.realpath(os.path.join(ctx.build, line.strip())) in wanted:
                stale.add(target)
    for target in sorted(stale):
        Path(ctx.build, target).unlink(missing_ok=True)
    return sorted(stale)


def ninja_program(ctx: Context) -> str:
    try:
        cache = (ctx.build / "CMakeCache.txt").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "ninja"
    match = re.search(r"^CMAKE_MAKE_PROGRAM:[A-Z]+=(.+)$", cache, re.MULTILINE)
    return match.group(1).strip() if match else "ninja"


@dataclasses.dataclass
class Outcome:
    """What one run of an exercise gave: the exit code and verdict word, as in <name>.status."""
    status: int
    verdict: str  # passed, failed, nocompile, blocked, race, crashed
    tests: int | None = None  # from the XML, when the run wrote one
    failed: int | None = None
    hint: str = ""  # the first "Hint: " line of the output


def result_files(ctx: Context, ex: Exercise) -> dict:
    return {kind: ctx.results / f"{ex.target}.{kind}" for kind in ("xml", "status", "log")}


def run_exercise(ctx: Context, ex: Exercise, verdict_line: bool = True) -> Outcome:
    """Builds the student's suite and runs it, printing the verdict lines (verdict
    line included, unless told: watch prints its own); leaves the results (xml, status, log) for
    `progress`."""
    conclude = say if verdict_line else (lambda text="": None)
    files = result_files(ctx, ex)
    ctx.results.mkdir(parents=True, exist_ok=True)
    for path in files.values():
        path.unlink(missing_ok=True)
    started = time.time()

    say(f"== {ex.id}: building your code (brief: {ex.brief})")
    built = subprocess.call(["cmake", "--build", str(ctx.build), "--target", ex.target],
                            cwd=ctx.root) == 0
    saved_meanwhile = [f for f in ex.files if (mtime(ctx.path(f)) or 0) >= started]
    if saved_meanwhile:
        forget_objects_of(ctx, saved_meanwhile)  # the next build compiles them: see there
    if not built:
        say()
        conclude(f"== {ex.id}: your code does not compile yet. Read the first error above, fix "
                 "it, run again.")
        files["log"].write_text(f"{ex.id}: does not compile\n", encoding="utf-8")
        outcome = Outcome(1, "nocompile")
        write_status(files["status"], outcome, started, ctx.preset)
        return outcome

    say(f"== {ex.id}: running the tests")
    colour = "yes" if colour_enabled(sys.stdout) else "no"
    command = [ex.binary, f"--gtest_color={colour}", f"--gtest_output=xml:{files['xml']}"]
    env = dict(os.environ)
    if ctx.preset == "tsan":
        # Report every race and go on, as Go's -race does; setarch -R: TSan needs a fixed memory
        # layout on kernels with high mmap randomisation.
        env.setdefault("TSAN_OPTIONS", "second_deadlock_stack=1:atexit_sleep_ms=0")
        command = ["setarch", platform.machine(), "-R"] + command
    status, output = tee(command, env, ctx.root, files["log"])
    say()

    tests, failed = count_xml(files["xml"])
    hint = first_hint(output)
    if "WARNING: ThreadSanitizer" in output:
        conclude(f"== {ex.id}: ThreadSanitizer found a data race: the report above shows the "
                 "two accesses that collided.")
        outcome = Outcome(66 if status == 0 else status, "race", tests, failed, hint)
    else:
        verdict, line = {
            0: ("passed", "passed. On to the next one: make exercises lists them in order."),
            66: ("race", "ThreadSanitizer found a data race (the report above shows both "
                 "accesses)."),
            124: ("blocked", "a test blocked and the watchdog stopped it (what was blocked is "
                  "above)."),
            1: ("failed", f"some tests failed. Read the hint under each failure; the brief is "
                f"{ex.brief}."),
        }.get(status, ("crashed", f"the test program crashed (status {status}). The output "
                       "above shows where."))
        conclude(f"== {ex.id}: {line}")
        outcome = Outcome(status, verdict, tests, failed, hint)
    write_status(files["status"], outcome, started, ctx.preset)
    return outcome


def tee(command: list, env: dict, cwd: Path, log: Path) -> tuple:
    """Runs `command`, its stdout and stderr merged, copied to our stdout and to `log` as they
    come. Returns (exit status as a shell gives it: 128 + n for signal n, the output)."""
    chunks = []
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   cwd=cwd, env=env)
    except OSError as error:
        message = f"cannot run {command[0]}: {error.strerror}\n"
        log.write_text(message, encoding="utf-8")
        sys.stdout.write(message)
        return 127, message
    out = sys.stdout.buffer
    with open(log, "wb") as sink:
        try:
            while True:
                chunk = os.read(process.stdout.fileno(), 65536)
                if not chunk:
                    break
                chunks.append(chunk)
                sink.write(chunk)
                out.write(chunk)
                out.flush()
        finally:
            process.stdout.close()
            status = process.wait()  # Ctrl-C reached the child too: it ends at once
    if status < 0:
        status = 128 - status
    return status, b"".join(chunks).decode("utf-8", "replace")


def write_status(path: Path, outcome: Outcome, started: float, preset: str) -> None:
    record = {"exit": outcome.status, "verdict": outcome.verdict, "started": round(started, 3),
              "time": datetime.datetime.now().isoformat(timespec="seconds"), "preset": preset}
    if outcome.tests is not None:
        record.update(tests=outcome.tests, failed=outcome.failed)
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")


def count_xml(path: Path) -> tuple:
    """(tests run, tests failed) from GoogleTest's JUnit XML, or (None, None) when it is missing
    or unreadable (a run the watchdog or a crash ended writes none)."""
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError):
        return None, None
    tests = failed = 0
    for case in root.iter("testcase"):
        if case.get("status", "run") != "run" or case.get("result") in ("skipped", "suppressed"):
            continue
        tests += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
    return tests, failed


def first_hint(output: str) -> str:
    for line in strip_ansi(output).splitlines():
        match = re.match(r"\s*Hint: (.+)", line)
        if match:
            return one_line(match.group(1))
    return ""


# --- States (make progress) -----------------------------------------------------------------------


@dataclasses.dataclass
class State:
    kind: str  # passed, failing, notbuilt, notrun
    text: str  # "passed (7/7 tests)", "failing: 2 of 7 tests failed", ...
    edited: bool = False  # a student file is newer than the result
    verdict: str = ""  # of the last run: the words of Outcome.verdict

    @property
    def passed(self) -> bool:
        return self.kind == "passed"

    def describe(self) -> str:
        return self.text + (" (edited since)" if self.edited else "")


def state_of(ctx: Context, ex: Exercise) -> State:
    """The state of one exercise, from the results of its last real run: the status that `run`
    wrote, or the JUnit XML alone when CTest ran the suite after it."""
    files = result_files(ctx, ex)
    status = read_status(files["status"])
    xml_time = mtime(files["xml"])
    status_time = mtime(files["status"])
    if xml_time is not None and (status is None or xml_time > status_time):
        # CTest ran the suite after the last `run` (or only CTest ran it): the XML tells.
        tests, failed = count_xml(files["xml"])
        if tests is None:
            state = State("notrun", "not run yet (its last result is unreadable)")
        elif failed == 0 and tests > 0:
            state = State("passed", f"passed ({tests}/{tests} tests)", verdict="passed")
        else:
            state = State("failing", f"failing: {failed} of {tests} tests failed", verdict="failed")
        result_time = xml_time
    elif status is not None:
        state = state_from_status(status)
        result_time = status.get("started", status_time)
    else:
        if Path(ex.binary).is_file():
            return State("notrun", "not run yet")
        return State("notbuilt", "not built")
    newest = max((mtime(ctx.path(f)) or 0 for f in ex.files), default=0)
    state.edited = newest > result_time
    return state


def state_from_status(status: dict) -> State:
    verdict = status.get("verdict", "")
    tests, failed = status.get("tests"), status.get("failed")
    if verdict == "passed":
        counted = f" ({tests}/{tests} tests)" if tests else ""
        return State("passed", "passed" + counted, verdict=verdict)
    why = {
        "failed": f"{failed} of {tests} tests failed" if tests else "tests failed",
        "nocompile": "does not compile",
        "blocked": "blocked by the watchdog",
        "race": "data race",
        "crashed": f"crashed (status {status.get('exit')})",
    }.get(verdict, f"exit status {status.get('exit')}")
    return State("failing", f"failing: {why}", verdict=verdict)


def read_status(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def next_todo(exercises: list, states: dict, after: Exercise | None = None) -> Exercise | None:
    """The first exercise in course order that is not passed; with `after`, the first after it
    (wrapping around to the start)."""
    order = exercises
    if after is not None and after in exercises:
        at = exercises.index(after)
        order = exercises[at + 1:] + exercises[:at]
    return next((ex for ex in order if not states[ex.id].passed), None)


def hint_for(ctx: Context, ex: Exercise, state: State) -> str:
    """The first "Hint: " line of the exercise's last failed run, else the first bullet of its
    brief's "If you are stuck", else nothing."""
    if state.verdict == "nocompile":
        return f"it does not compile yet: make {ex.id} shows the compiler's errors; fix the first."
    if state.kind == "failing":
        try:
            hint = first_hint(result_files(ctx, ex)["log"].read_text(encoding="utf-8", errors="replace"))
        except OSError:
            hint = ""
        if hint:
            return hint
    return stuck_bullet(ctx.path(ex.brief))


def stuck_bullet(brief: Path) -> str:
    try:
        lines = brief.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    bullet = None
    in_section = False
    for line in lines:
        if line.startswith("#"):
            if bullet is not None:
                break
            in_section = re.match(r"#+\s*if you are stuck", line, re.IGNORECASE) is not None
            continue
        if not in_section:
            continue
        if bullet is None:
            match = re.match(r"\s*[-*+]\s+(.*)", line)
            if match:
                bullet = [match.group(1)]
        elif line.strip() and line[:1].isspace() and not re.match(r"\s*[-*+]\s", line):
            bullet.append(line.strip())
        else:
            break
    return one_line(plain_markdown(" ".join(bullet))) if bullet else ""


def brief_title(ctx: Context, ex: Exercise) -> str:
    """The brief's title without the id: "# sync/mutex/1 — `x = x + 1` from 1000 goroutines"."""
    try:
        with open(ctx.path(ex.brief), encoding="utf-8") as brief:
            first = brief.readline()
    except OSError:
        return ""
    match = re.match(r"#\s+(.*)", first)
    if not match:
        return ""
    title = match.group(1).strip()
    if title.startswith(ex.id):
        title = title[len(ex.id):].lstrip(" —-:")
    return plain_markdown(title)


def progress_bar(done: int, total: int) -> str:
    filled = round(BAR_WIDTH * done / total) if total else 0
    if done < total:
        filled = min(filled, BAR_WIDTH - 1)
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done}/{total} exercises passed"


def command_progress(ctx: Context, args) -> int:
    exercises = load_manifest(ctx)
    states = {ex.id: state_of(ctx, ex) for ex in exercises}
    done = sum(state.passed for state in states.values())
    todo = next_todo(exercises, states)

    say(progress_bar(done, len(exercises)))
    say()
    width = max([len(ex.id) for ex in exercises] + [8]) + 2
    number_width = len(str(len(exercises)))
    for number, ex in enumerate(exercises, 1):
        state = states[ex.id]
        marker = "->" if ex is todo else "  "
        style = {"passed": "green", "failing": "red"}.get(state.kind, "dim")
        line = f"{marker} {number:>{number_width}}  {ex.id:<{width}}"
        text = paint(state.describe(), style)
        say((paint(line, "bold") if ex is todo else line) + text)
    say()
    if any(state.edited for state in states.values()):
        say("(edited since: you changed its files after its last run; run it again to know.)")
        say()
    if todo is None:
        say(paint("Every exercise passes: congratulations!", "bold-green"))
        say("What next:")
        say("  make run               the instructor's tour: every pattern, from the solutions")
        say("  make solution EX=<id>  compare your code with the reference solution")
        say("  make race EX=<id>      your code under ThreadSanitizer: no report, no race seen")
        say("  make docs-serve        the course site, to read on: http://127.0.0.1:8000")
        return 0
    heading = f"Next: {todo.id}"
    title = brief_title(ctx, todo)
    if title:
        heading += " — " + one_line(title, SCREEN_WIDTH - len(heading) - 3)
    say(paint(heading, "bold"))
    say(wrapped("  1. read the brief:   ", todo.brief))
    say(wrapped("  2. edit:             ", ", ".join(todo.files)))
    say(wrapped("  3. run it:           ", f"make {todo.id}    (or make watch: at every save)"))
    hint = hint_for(ctx, todo, states[todo.id])
    if hint:
        say(wrapped("  hint: ", hint))
    return 0


def wrapped(label: str, text: str) -> str:
    """`label` then `text`, wrapped to the screen's width under the text's first column."""
    return textwrap.fill(text, SCREEN_WIDTH, initial_indent=label,
                         subsequent_indent=" " * len(label), break_on_hyphens=False,
                         break_long_words=False)


# --- make watch -----------------------------------------------------------------------------------


def snapshot(ctx: Context, ex: Exercise) -> tuple:
    return tuple(mtime(ctx.path(f)) for f in ex.files)


def watch_verdict(ex: Exercise, outcome: Outcome, then: Exercise | None) -> str:
    """The one line that ends each run of `watch`, and the hint under it."""
    if outcome.verdict == "passed":
        counted = f" ({outcome.tests}/{outcome.tests} tests)" if outcome.tests else ""
        if then is None:
            return paint(f"== {ex.id}: PASSED ✓{counted} — and every exercise passes!",
                         "bold-green")
        return paint(f"== {ex.id}: PASSED ✓{counted} — on to {then.id}", "bold-green")
    why = {
        "failed": (f"FAILING ✗ — {outcome.failed} of {outcome.tests} tests failed"
                   if outcome.tests else "FAILING ✗ — some tests failed"),
        "nocompile": "does not compile yet ✗ — fix the first error above and save",
        "blocked": "BLOCKED ✗ — the watchdog stopped a test that blocked (see above)",
        "race": "DATA RACE ✗ — ThreadSanitizer's report above shows both accesses",
        "crashed": f"CRASHED ✗ (status {outcome.status}) — the output above shows where",
    }[outcome.verdict]
    line = paint(f"== {ex.id}: {why}", "bold-red")
    if outcome.hint:
        line += "\n" + wrapped("   hint: ", outcome.hint)
    return line


def command_watch(ctx: Context, args) -> int:
    exercises = load_manifest(ctx)
    if args.id:
        current = find_exercise(exercises, args.id, "")
    else:
        states = {ex.id: state_of(ctx, ex) for ex in exercises}
        current = next_todo(exercises, states)
        if current is None:
            say("Every exercise passes: nothing to watch. make progress says what next; "
                "make watch EX=<id> watches one anyway.")
            return 0
    ensure_configured(ctx)
    interval = max(args.interval, 0.05)
    runs = 0
    try:
        announce(ctx, current, "watching")
        while True:
            prefix = f"──────── {datetime.datetime.now():%H:%M:%S} ── {current.id} "
            say()
            say(paint(prefix + "─" * max(3, SCREEN_WIDTH - 2 - len(prefix)), "cyan"))
            seen = snapshot(ctx, current)
            outcome = run_exercise(ctx, current, verdict_line=False)
            runs += 1
            then = None
            if outcome.verdict == "passed":
                states = {ex.id: state_of(ctx, ex) for ex in exercises}
                then = next_todo(exercises, states, after=current)
            say(watch_verdict(current, outcome, then))
            if outcome.verdict == "passed":
                if then is None:
                    say("make progress says what next.")
                    return 0
                current = then
                seen = snapshot(ctx, current)
                say()
                announce(ctx, current, "now watching")
            else:
                say(paint(wrapped("   ", f"watching {', '.join(current.files)}: save to run "
                                        "again (Ctrl-C stops)"), "dim"))
            if args.max_runs and runs >= args.max_runs:
                return 0
            while snapshot(ctx, current) == seen:
                time.sleep(interval)
            time.sleep(min(interval, 0.2))  # let an editor finish writing
    except KeyboardInterrupt:
        say()
        say("watch: stopped.")
        return 0


def announce(ctx: Context, ex: Exercise, what: str) -> None:
    title = brief_title(ctx, ex)
    heading = f"== {what} {ex.id}"
    if title:
        heading += " — " + one_line(title, SCREEN_WIDTH - len(heading) - 3)
    say(paint(heading, "bold"))
    say(wrapped("   ", f"brief: {ex.brief}; each save of {', '.join(ex.files)} runs its "
                       "tests (Ctrl-C stops)"))


# --- make reset, make solution --------------------------------------------------------------------


def git(ctx: Context, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ctx.root), *arguments], capture_output=True,
                          text=True)


def committed(ctx: Context, path: str) -> str | None:
    """The file as committed (HEAD), or None when git does not know it."""
    shown = git(ctx, "show", f"HEAD:./{path}")
    return shown.stdout if shown.returncode == 0 else None


def require_git(ctx: Context, what: str) -> None:
    probe = git(ctx, "rev-parse", "--is-inside-work-tree")
    if probe.returncode != 0 or probe.stdout.strip() != "true":
        raise Failure(f"error: {ctx.root} is not a git checkout: {what} needs git to know the "
                      "committed files")


def command_reset(ctx: Context, args) -> int:
    exercises = load_manifest(ctx)
    ex = find_exercise(exercises, args.id, "usage: make reset EX=<exercise-id> [YES=1], "
                       "e.g. make reset EX=sync/mutex/1")
    require_git(ctx, "reset")
    missing = [f for f in ex.files if git(ctx, "cat-file", "-e", f"HEAD:./{f}").returncode != 0]
    if missing:
        raise Failure(f"error: {', '.join(missing)} not committed: there is no skeleton to put "
                      "back")
    changed = git(ctx, "diff", "--name-only", "HEAD", "--", *ex.files)
    if changed.returncode != 0:
        raise Failure(f"error: git diff failed: {one_line(changed.stderr)}")
    if not changed.stdout.strip():
        say(f"{ex.id}: {', '.join(ex.files)} are as committed: nothing to reset.")
        return 0
    say(f"{ex.id}: these files go back to the skeleton as committed; your changes to them are "
        "lost:")
    stat = git(ctx, "diff", "--stat", "HEAD", "--", *ex.files)
    say(stat.stdout.rstrip())
    if not args.yes:
        if not sys.stdin.isatty():
            raise Failure(f"error: not reset: cannot ask (stdin is not a terminal); to reset "
                          f"without the question: make reset EX={ex.id} YES=1")
        try:
            answer = input("Reset these files? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            say("Not reset: your files are as they were.")
            return 0
    restore = git(ctx, "restore", "--source=HEAD", "--staged", "--worktree", "--", *ex.files)
    if restore.returncode != 0:  # git < 2.23 has no restore
        restore = git(ctx, "checkout", "HEAD", "--", *ex.files)
    if restore.returncode != 0:
        raise Failure(f"error: git could not restore the files: {one_line(restore.stderr)}")
    for path in result_files(ctx, ex).values():  # the results of code that is gone
        path.unlink(missing_ok=True)
    say(f"Reset: {', '.join(ex.files)} are the skeleton again. Run it: make {ex.id}")
    return 0


def command_solution(ctx: Context, args) -> int:
    exercises = load_manifest(ctx)
    ex = find_exercise(exercises, args.id, "usage: make solution EX=<exercise-id> [MINE=1], "
                       "e.g. make solution EX=sync/mutex/1")
    if args.against_mine:
        say(f"== {ex.id}: from your files to the reference solution")
    else:
        say(f"== {ex.id}: from the skeleton to the reference solution "
            f"(make solution EX={ex.id} MINE=1: from your files)")
    for path in ex.files:
        solution_path = f"solutions/{path}"
        try:
            solution = ctx.path(solution_path).read_text(encoding="utf-8")
        except OSError:
            raise Failure(f"error: no reference solution at {solution_path}") from None
        if args.against_mine:
            try:
                before = ctx.path(path).read_text(encoding="utf-8")
            except OSError:
                before = ""
            label = f"{path} (yours)"
        else:
            before = committed(ctx, path)
            label = f"{path} (the skeleton, as committed)"
            if before is None:
                before = ctx.path(path).read_text(encoding="utf-8")
                label = f"{path} (not committed: as it is now)"
        diff = list(difflib.unified_diff(before.splitlines(keepends=True),
                                         solution.splitlines(keepends=True),
                                         fromfile=label, tofile=solution_path))
        say()
        if not diff:
            say(f"{path}: the same as {solution_path}")
            continue
        for line in diff:
            line = line.rstrip("\n")
            if line.startswith(("---", "+++")):
                line = paint(line, "bold")
            elif line.startswith("@@"):
                line = paint(line, "cyan")
            elif line.startswith("-"):
                line = paint(line, "red")
            elif line.startswith("+"):
                line = paint(line, "green")
            say(line)
    return 0


# --- The command line -----------------------------------------------------------------------------


def command_list(ctx: Context, args) -> int:
    say(exercise_list(load_manifest(ctx)))
    return 0


def command_run(ctx: Context, args) -> int:
    ensure_configured(ctx)
    exercises = load_manifest(ctx)
    ex = find_exercise(exercises, args.id, "usage: make <exercise-id>, e.g. make sync/mutex/1")
    return run_exercise(ctx, ex).status


def parse(argv: list) -> argparse.Namespace:
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS: an option given before the command is not reset by the subcommand's default.
    common.add_argument("--root", default=argparse.SUPPRESS, help="the repository")
    common.add_argument("--build", default=argparse.SUPPRESS, help="the build folder")
    common.add_argument("--manifest", default=argparse.SUPPRESS, help="the exercise manifest")
    common.add_argument("--results", default=argparse.SUPPRESS, help="the results folder")
    parser = argparse.ArgumentParser(
        prog="workshop.py", parents=[common], description=__doc__.split("\n", 1)[0],
        epilog="The module docstring (head -60 lib/workshop/tool/workshop.py) is the manual.")
    commands = parser.add_subparsers(dest="command", metavar="command", required=True)

    def command(name: str, function, summary: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=summary, description=summary)
        sub.set_defaults(function=function)
        return sub

    command("list", command_list, "the exercises in course order")
    run = command("run", command_run, "build one exercise and run its tests (make <id>)")
    run.add_argument("--preset", default=argparse.SUPPRESS, choices=["default", "tsan"])
    run.add_argument("id", nargs="?", default="")
    command("progress", command_progress, "every exercise with its state; the next one to do")
    watch = command("watch", command_watch, "re-run an exercise at every save of its files")
    watch.add_argument("--preset", default=argparse.SUPPRESS, choices=["default", "tsan"])
    watch.add_argument("--max-runs", type=int, default=0, help="stop after N runs")
    watch.add_argument("--interval", type=float, default=0.5, help="seconds between two polls")
    watch.add_argument("id", nargs="?", default="")
    reset = command("reset", command_reset, "put an exercise's files back as committed")
    reset.add_argument("--yes", action="store_true", help="do not ask")
    reset.add_argument("id", nargs="?", default="")
    solution = command("solution", command_solution, "diff from the skeleton to the solution")
    solution.add_argument("--against-mine", action="store_true",
                          help="diff from your files instead of the skeleton")
    solution.add_argument("id", nargs="?", default="")
    return parser.parse_args(argv)


def context(args: argparse.Namespace) -> Context:
    root = Path(getattr(args, "root", DEFAULT_ROOT)).resolve()
    preset = getattr(args, "preset", "default")
    explicit_build = hasattr(args, "build")
    if explicit_build:
        build = Path(args.build).resolve()
    else:
        build = root / ("build" if preset == "default" else f"build-{preset}")
    manifest = Path(args.manifest).resolve() if hasattr(args, "manifest") else build / "exercises.tsv"
    results = Path(args.results).resolve() if hasattr(args, "results") else build / "results"
    return Context(root, build, manifest, results, preset, explicit_build)


def main(argv: list) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # ✓ and — on a terminal that cannot show them
        sys.stderr.reconfigure(errors="replace")
    args = parse(argv)
    try:
        return args.function(context(args), args)
    except Failure as failure:
        sys.stdout.flush()
        say(failure.line, file=sys.stderr)
        if failure.more:
            say(failure.more, file=sys.stderr)
        return failure.code
    except KeyboardInterrupt:
        say(file=sys.stderr)
        return 130
    except BrokenPipeError:  # make progress | head
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
