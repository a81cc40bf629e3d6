#!/usr/bin/env python3
"""The tests of lib/workshop/tool/workshop.py, on the fixture exercises of tests/fixtures.

CTest runs them (test workshop.tool, label workshop) with the environment:
  WORKSHOP_TOOL_ROOT      the repository
  WORKSHOP_TOOL_BUILD     the build folder, where the fixtures are built (by `all`, but for
                          fixture/nocompile, which never compiles)
  WORKSHOP_TOOL_MANIFEST  the fixtures' manifest (<build>/lib/workshop/tool-fixtures.tsv)
By hand: ctest --preset default -R workshop.tool --output-on-failure.

They never write in the repository: every command runs with --root on a temporary copy of the
fixtures (a git repository, for reset and solution) and --results in a temporary folder. The
fixture binaries are built from the repository's sources; fixture/flip reads its student file
at run time, so that the tests of `watch` can flip its verdict by writing the copy.
"""

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("WORKSHOP_TOOL_ROOT", HERE.parents[3]))
BUILD = Path(os.environ.get("WORKSHOP_TOOL_BUILD", ROOT / "build"))
MANIFEST = Path(os.environ.get("WORKSHOP_TOOL_MANIFEST",
                               BUILD / "lib/workshop/tool-fixtures.tsv"))
TOOL = ROOT / "lib/workshop/tool/workshop.py"
FIXTURES = "lib/workshop/tool/tests/fixtures"  # from the root
ENV = dict(os.environ, PYTHONIOENCODING="utf-8", NO_COLOR="1")
ENV.pop("WORKSHOP_TEST_BUDGET_SECONDS", None)


def mirror(into: Path) -> Path:
    """A temporary root holding a copy of the fixtures at their paths."""
    shutil.copytree(ROOT / FIXTURES, into / FIXTURES)
    return into


def tool(*arguments, root=None, results=None, manifest=MANIFEST, env=None, timeout=120):
    """Runs the tool on the fixtures; returns (exit code, stdout, stderr)."""
    command = [sys.executable, str(TOOL), "--build", str(BUILD), "--manifest", str(manifest)]
    if root is not None:
        command += ["--root", str(root)]
    if results is not None:
        command += ["--results", str(results)]
    done = subprocess.run(command + [str(a) for a in arguments], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=dict(ENV, **(env or {})),
                          timeout=timeout, encoding="utf-8")
    return done.returncode, done.stdout, done.stderr


def write_manifest(path: Path, edit) -> Path:
    """A copy of the fixtures' manifest, each row (a list of columns) passed through edit(), which
    returns the row to keep or None to drop it."""
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    rows = [edit(line.split("\t")) for line in lines[1:]]
    text = "\n".join([lines[0]] + ["\t".join(row) for row in rows if row is not None]) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def touch_later(path: Path, text: str = None) -> None:
    """Writes `text` (if given) to `path`, and dates it 2 s later than now: a change that no
    file system's clock granularity hides."""
    if text is not None:
        path.write_text(text, encoding="utf-8")
    later = time.time() + 2
    os.utime(path, (later, later))


class Runs(unittest.TestCase):
    """`run` on each fixture, then `progress` on the results of those runs."""

    @classmethod
    def setUpClass(cls):
        cls.temporary = tempfile.TemporaryDirectory(prefix="workshop-tool-")
        top = Path(cls.temporary.name)
        cls.root = mirror(top / "root")
        cls.results = top / "results"
        cls.runs = {}
        for fixture in ("pass", "fail", "nocompile", "hang"):
            cls.runs[fixture] = tool("run", f"fixture/{fixture}", root=cls.root,
                                     results=cls.results,
                                     env={"WORKSHOP_TEST_BUDGET_SECONDS": "0.3"})

    @classmethod
    def tearDownClass(cls):
        cls.temporary.cleanup()

    def progress(self, **options):
        options.setdefault("root", self.root)
        options.setdefault("results", self.results)
        return tool("progress", **options)

    def test_run_passing_exits_0_with_the_verdict(self):
        code, out, _ = self.runs["pass"]
        self.assertEqual(code, 0, out)
        self.assertIn("== fixture/pass: building your code (brief: "
                      f"{FIXTURES}/pass.md)\n", out)
        self.assertIn("== fixture/pass: running the tests\n", out)
        self.assertIn("[  PASSED  ] 3 tests.", out)
        self.assertIn("== fixture/pass: passed. On to the next one: make exercises lists them in "
                      "order.\n", out)

    def test_run_failing_exits_1_with_the_hint(self):
        code, out, _ = self.runs["fail"]
        self.assertEqual(code, 1, out)
        self.assertIn("\nHint: answer() must return 42, the answer.\n", out)
        self.assertIn("\n== fixture/fail: some tests failed. Read the hint under each failure; "
                      f"the brief is {FIXTURES}/fail.md.\n", out)

    def test_run_not_compiling_exits_1_and_says_so(self):
        code, out, err = self.runs["nocompile"]
        self.assertEqual(code, 1, out + err)
        self.assertIn("forty_two", out + err)  # the compiler's error is shown
        self.assertIn("== fixture/nocompile: your code does not compile yet. Read the first "
                      "error above, fix it, run again.\n", out)

    def test_run_blocking_exits_124_with_the_watchdog(self):
        code, out, _ = self.runs["hang"]
        self.assertEqual(code, 124, out)
        self.assertRegex(out, r"Watchdog: Answer\.IsFortyTwo blocked for more than [0-9.]+ s\.")
        self.assertIn("== fixture/hang: a test blocked and the watchdog stopped it (what was "
                      "blocked is above).\n", out)

    def test_every_run_leaves_its_results(self):
        for fixture, verdict in [("pass", "passed"), ("fail", "failed"),
                                 ("nocompile", "nocompile"), ("hang", "blocked")]:
            status = (self.results / f"fixture_{fixture}.status").read_text()
            self.assertIn(f'"verdict": "{verdict}"', status)
            self.assertTrue((self.results / f"fixture_{fixture}.log").is_file())
        # JUnit XML: only the runs that end normally write it.
        self.assertTrue((self.results / "fixture_pass.xml").is_file())
        self.assertTrue((self.results / "fixture_fail.xml").is_file())
        self.assertFalse((self.results / "fixture_hang.xml").exists())

    def test_list_shows_the_exercises_in_order(self):
        code, out, _ = tool("list")
        self.assertEqual(code, 0)
        self.assertEqual(out.splitlines()[:3], [
            "The exercises, in course order (run one with: make <id>):",
            f"  fixture/pass           {FIXTURES}/pass.md",
            f"  fixture/fail           {FIXTURES}/fail.md"])

    def test_progress_shows_each_state_the_bar_and_the_next(self):
        code, out, err = self.progress()
        self.assertEqual(code, 0, out + err)
        lines = out.splitlines()
        self.assertEqual(lines[0], "[####----------------] 1/5 exercises passed")
        self.assertRegex(out, r"\n   1  fixture/pass +passed \(3/3 tests\)\n")
        self.assertRegex(out, r"\n-> 2  fixture/fail +failing: 2 of 3 tests failed\n")
        self.assertRegex(out, r"\n   3  fixture/nocompile +failing: does not compile\n")
        self.assertRegex(out, r"\n   4  fixture/hang +failing: blocked by the watchdog\n")
        self.assertRegex(out, r"\n   5  fixture/flip +not run yet\n")
        self.assertIn("\nNext: fixture/fail — a fixture of the tool's tests\n", out)
        self.assertIn(f"  1. read the brief:   {FIXTURES}/fail.md\n", out)
        self.assertIn(f"  2. edit:             {FIXTURES}/fail.cpp\n", out)
        self.assertIn("  3. run it:           make fixture/fail ", out)
        self.assertIn("  hint: answer() must return 42, the answer.\n", out)
        self.assertTrue(all(len(line) <= 80 for line in lines), out)

    def test_progress_marks_a_file_saved_after_the_run(self):
        with tempfile.TemporaryDirectory() as top:
            root = mirror(Path(top))
            touch_later(root / FIXTURES / "pass.cpp")
            code, out, _ = self.progress(root=root)
        self.assertEqual(code, 0)
        self.assertRegex(out, r"fixture/pass +passed \(3/3 tests\) \(edited since\)\n")
        self.assertRegex(out, r"fixture/fail +failing: 2 of 3 tests failed\n")

    def test_progress_reads_a_ctest_run_that_came_after(self):
        # CTest's test of a student suite writes the XML alone (--gtest_output): newer than the
        # status of the last `run`, it is what tells.
        with tempfile.TemporaryDirectory() as top:
            results = Path(top) / "results"
            shutil.copytree(self.results, results)
            shutil.copy(self.results / "fixture_pass.xml", results / "fixture_fail.xml")
            touch_later(results / "fixture_fail.xml")
            code, out, _ = self.progress(results=results)
        self.assertEqual(code, 0)
        self.assertEqual(out.splitlines()[0], "[########------------] 2/5 exercises passed")
        self.assertRegex(out, r"fixture/fail +passed \(3/3 tests\)\n")
        self.assertIn("Next: fixture/nocompile", out)
        self.assertIn("hint: it does not compile yet: make fixture/nocompile shows", out)

    def test_progress_of_a_fresh_build_hints_from_the_brief(self):
        with tempfile.TemporaryDirectory() as top:
            manifest = write_manifest(Path(top) / "fresh.tsv",
                                      lambda row: row[:5] + [top + "/no-binary"] + row[6:])
            code, out, _ = self.progress(manifest=manifest, results=Path(top) / "results")
        self.assertEqual(code, 0)
        self.assertEqual(out.splitlines()[0], "[--------------------] 0/5 exercises passed")
        self.assertEqual(len(re.findall(r"  not built\n", out)), 5, out)
        self.assertIn("Next: fixture/pass", out)
        # The brief's first "If you are stuck" bullet, its markdown taken out, wrapped at 80.
        hint = out[out.index("  hint: "):]
        self.assertEqual(" ".join(hint.split()),
                         'hint: "answer() returned 41": return 42 from answer() in pass.cpp, the '
                         "answer to everything; this bullet goes on for a second line.")
        self.assertTrue(all(len(line) <= 80 for line in out.splitlines()), out)

    def test_progress_congratulates_when_every_exercise_passes(self):
        with tempfile.TemporaryDirectory() as top:
            manifest = write_manifest(Path(top) / "one.tsv",
                                      lambda row: row if row[0] == "fixture/pass" else None)
            code, out, _ = self.progress(manifest=manifest)
        self.assertEqual(code, 0)
        self.assertEqual(out.splitlines()[0], "[####################] 1/1 exercises passed")
        self.assertIn("Every exercise passes: congratulations!", out)
        self.assertIn("make run", out)
        self.assertNotIn("Next:", out)


class BadInput(unittest.TestCase):
    """One clear line, and an exit code that is not 0."""

    def test_an_unknown_exercise(self):
        code, out, err = tool("run", "no/such")
        self.assertEqual(code, 2)
        self.assertEqual(err.splitlines()[0], "error: 'no/such' is not an exercise.")
        self.assertIn("fixture/pass", err)  # then the list
        self.assertEqual(out, "")

    def test_a_near_miss_gets_a_guess(self):
        code, _, err = tool("solution", "fixture/pas")
        self.assertEqual(code, 2)
        self.assertEqual(err.splitlines()[0],
                         "error: 'fixture/pas' is not an exercise. Did you mean fixture/pass?")

    def test_no_manifest_is_no_build_yet(self):
        with tempfile.TemporaryDirectory() as top:
            code, out, err = tool("progress", manifest=Path(top) / "exercises.tsv")
        self.assertEqual(code, 1)
        self.assertRegex(err, r"^error: no build yet \(.*exercises.tsv is missing\): run make "
                         r"first\n$")

    def test_run_without_a_build_folder_is_no_build_yet(self):
        with tempfile.TemporaryDirectory() as top:
            done = subprocess.run([sys.executable, str(TOOL), "--build", top, "run", "x/y"],
                                  capture_output=True, text=True, env=ENV)
        self.assertEqual(done.returncode, 1)
        self.assertRegex(done.stderr, r"^error: no build yet in .*: run make first\n$")

    def test_reset_and_solution_without_an_exercise(self):
        for command, usage in [("reset", "usage: make reset EX=<exercise-id> [YES=1]"),
                               ("solution", "usage: make solution EX=<exercise-id> [MINE=1]")]:
            code, _, err = tool(command, "")
            self.assertEqual(code, 2)
            self.assertTrue(err.startswith(usage), err)


class ResetAndSolution(unittest.TestCase):
    """On a temporary git repository holding the fixtures and a solution of fixture/fail."""

    def setUp(self):
        self.temporary = tempfile.TemporaryDirectory(prefix="workshop-tool-git-")
        self.root = mirror(Path(self.temporary.name))
        solution = self.root / "solutions" / FIXTURES / "fail.cpp"
        solution.parent.mkdir(parents=True)
        solution.write_text((self.root / FIXTURES / "fail.cpp").read_text().replace("41", "42"))
        self.git("init", "-q")
        self.git("add", ".")
        self.git("commit", "-q", "-m", "fixtures")
        self.fail_cpp = self.root / FIXTURES / "fail.cpp"
        self.pass_cpp = self.root / FIXTURES / "pass.cpp"
        self.committed = self.fail_cpp.read_text()

    def tearDown(self):
        self.temporary.cleanup()

    def git(self, *arguments):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c",
                        "init.defaultBranch=main", "-C", str(self.root), *arguments],
                       check=True, capture_output=True)

    def tool(self, *arguments):
        return tool(*arguments, root=self.root)

    def edit(self):
        self.fail_cpp.write_text("int answer() { return 40 + 2; }\n")
        self.pass_cpp.write_text("// mine\n")

    def test_reset_restores_the_exercise_files_and_nothing_else(self):
        self.edit()
        results = self.root / "results"
        results.mkdir()
        for name in ("fixture_fail.status", "fixture_pass.status"):
            (results / name).write_text('{"exit": 0, "verdict": "passed"}\n')
        code, out, err = tool("reset", "--yes", "fixture/fail", root=self.root, results=results)
        self.assertEqual(code, 0, out + err)
        self.assertIn(f"{FIXTURES}/fail.cpp", out)  # what is lost: git diff --stat
        self.assertIn("Reset: ", out)
        self.assertEqual(self.fail_cpp.read_text(), self.committed)
        self.assertEqual(self.pass_cpp.read_text(), "// mine\n")
        # The result of the code that is gone goes too: progress says "not run yet".
        self.assertEqual(sorted(p.name for p in results.iterdir()), ["fixture_pass.status"])

    def test_reset_without_yes_and_no_terminal_refuses(self):
        self.edit()
        code, out, err = self.tool("reset", "fixture/fail")
        self.assertEqual(code, 1)
        self.assertEqual(err, "error: not reset: cannot ask (stdin is not a terminal); to reset "
                              "without the question: make reset EX=fixture/fail YES=1\n")
        self.assertEqual(self.fail_cpp.read_text(), "int answer() { return 40 + 2; }\n")

    def test_reset_of_unchanged_files_does_nothing(self):
        code, out, _ = self.tool("reset", "--yes", "fixture/fail")
        self.assertEqual(code, 0)
        self.assertIn("are as committed: nothing to reset.", out)

    def test_reset_outside_git_says_so(self):
        with tempfile.TemporaryDirectory() as top:
            code, _, err = tool("reset", "--yes", "fixture/fail", root=mirror(Path(top)))
        self.assertEqual(code, 1)
        self.assertIn("is not a git checkout", err)

    def test_solution_diffs_the_committed_skeleton_against_the_solution(self):
        self.edit()  # the diff is from the skeleton as committed, whatever the student did
        code, out, err = self.tool("solution", "fixture/fail")
        self.assertEqual(code, 0, out + err)
        self.assertIn(f"--- {FIXTURES}/fail.cpp (the skeleton, as committed)\n", out)
        self.assertIn(f"+++ solutions/{FIXTURES}/fail.cpp\n", out)
        self.assertIn("\n-int answer() { return 41; }\n+int answer() { return 42; }\n", out)
        self.assertNotIn("\033[", out)  # no colour off a terminal

    def test_solution_against_mine(self):
        self.edit()
        code, out, _ = self.tool("solution", "--against-mine", "fixture/fail")
        self.assertEqual(code, 0)
        self.assertIn(f"--- {FIXTURES}/fail.cpp (yours)\n", out)
        self.assertIn("\n-int answer() { return 40 + 2; }\n", out)

    def test_solution_missing(self):
        code, _, err = self.tool("solution", "fixture/pass")
        self.assertEqual(code, 1)
        self.assertEqual(err, f"error: no reference solution at solutions/{FIXTURES}/pass.cpp\n")


class SavedDuringABuild(unittest.TestCase):
    """A file saved while the compiler was at work on it is older than the object: Ninja would
    call the object up to date. The tool deletes the objects built from it (forget_objects_of)."""

    def test_the_objects_built_from_a_file_are_compiled_again(self):
        sys.path.insert(0, str(TOOL.parent))
        sys.dont_write_bytecode = True  # no __pycache__ in the repository
        import workshop  # noqa: E402 (the tool, as a module)
        with tempfile.TemporaryDirectory() as results:
            tool("run", "fixture/pass", results=results)  # built and up to date
            ctx = workshop.Context(ROOT, BUILD, MANIFEST, Path(results), "default", True)
            forgotten = workshop.forget_objects_of(ctx, [f"{FIXTURES}/pass.cpp"])
            self.assertEqual([Path(f).name for f in forgotten], ["pass.cpp.o"])
            self.assertFalse((BUILD / forgotten[0]).exists())
            code, out, _ = tool("run", "fixture/pass", results=results)
        self.assertEqual(code, 0, out)
        self.assertRegex(out, r"Building CXX object .*fixture_pass\.dir/pass\.cpp\.o")


class Watch(unittest.TestCase):
    """`watch` on a temporary copy of the fixtures, whose files the tests save."""

    def setUp(self):
        self.temporary = tempfile.TemporaryDirectory(prefix="workshop-tool-watch-")
        self.root = mirror(Path(self.temporary.name) / "root")
        self.results = Path(self.temporary.name) / "results"
        self.lines = queue.Queue()

    def tearDown(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process.stdout.close()
        self.temporary.cleanup()

    def start(self, *arguments):
        command = [sys.executable, str(TOOL), "--build", str(BUILD), "--manifest", str(MANIFEST),
                   "--root", str(self.root), "--results", str(self.results), "watch",
                   "--interval", "0.1", *arguments]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        text=True, encoding="utf-8", env=ENV)
        self.output = []

        def read():
            for line in self.process.stdout:
                self.lines.put(line)
            self.lines.put(None)
        threading.Thread(target=read, daemon=True).start()

    def wait_for(self, pattern, timeout=60):
        """Reads the output up to a line matching `pattern`; returns that line."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.fail(f"no line matching {pattern!r} in {timeout} s:\n" + "".join(self.output))
            if line is None:
                self.fail(f"watch ended before a line matching {pattern!r}:\n"
                          + "".join(self.output))
            self.output.append(line)
            if re.search(pattern, line):
                return line

    def finish(self, timeout=60):
        self.process.wait(timeout=timeout)
        while (line := self.lines.get(timeout=5)) is not None:
            self.output.append(line)
        return "".join(self.output)

    def test_a_save_flips_the_verdict_and_watch_moves_on(self):
        self.start("--max-runs", "2", "fixture/flip")
        self.wait_for(r"^== fixture/flip: FAILING ✗ — 1 of 1 tests failed$")
        self.wait_for(r"^   hint: write 42 in flip\.txt\.$")
        self.wait_for(r"stops\)$")
        touch_later(self.root / FIXTURES / "flip.txt", "42\n")
        out = self.finish()
        self.assertEqual(self.process.returncode, 0, out)
        self.assertIn("\n== fixture/flip: PASSED ✓ (1/1 tests) — on to fixture/pass\n", out)
        self.assertIn("\n== now watching fixture/pass", out)
        self.assertNotIn("== fixture/flip: passed. On to the next one", out)  # one verdict a run
        own = [line for line in out.splitlines() if "✓" in line or "✗" in line or
               line.startswith(("────", "== now watching", "== watching", "   hint:", "   brief:",
                                "   watching"))]
        self.assertGreaterEqual(len(own), 7, out)
        self.assertTrue(all(len(line) <= 80 for line in own), own)
        self.assertEqual(out.count("── fixture/flip ──"), 2, out)  # one separator per run

    def test_a_compile_error_is_shown_and_watch_goes_on(self):
        self.start("--max-runs", "2", "fixture/nocompile")
        self.wait_for(r"forty_two")
        self.wait_for(r"^== fixture/nocompile: does not compile yet ✗")
        self.wait_for(r"stops\)$")
        touch_later(self.root / FIXTURES / "nocompile.cpp")
        out = self.finish()
        self.assertEqual(self.process.returncode, 0, out)
        self.assertEqual(out.count("does not compile yet ✗"), 2, out)

    def test_ctrl_c_stops_it_cleanly(self):
        self.start("fixture/pass")  # passes, then watches the next one: fixture/fail
        self.wait_for(r"^== now watching fixture/fail")
        self.wait_for(r"stops\)$")
        self.process.send_signal(signal.SIGINT)
        out = self.finish()
        self.assertEqual(self.process.returncode, 0, out)
        self.assertIn("watch: stopped.", out)
        self.assertNotIn("Traceback", out)

    def test_without_an_id_it_watches_the_next_one_to_do(self):
        self.start("--max-runs", "1")
        self.wait_for(r"^== watching fixture/pass — a fixture of the tool's tests$")
        out = self.finish()
        self.assertEqual(self.process.returncode, 0, out)
        self.assertIn("== fixture/pass: PASSED ✓", out)


if __name__ == "__main__":
    unittest.main()
