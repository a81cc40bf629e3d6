# The front door. Every command a student, an instructor or a maintainer needs is a target here;
# each one drives the CMake presets and CTest, so `make X` and the presets can never disagree.
#
#   make run             the instructor's tour: every pattern, from the reference solutions, with timelines
#   make run ACTION=name one of them (make run ACTION=list: the actions)
#   make test            build, then run the library tests and every exercise suite on the solutions
#   make verify          make test, plus: the site builds strictly and every exercise suite rejects
#                        its untouched skeleton
#   make race            the library and solution suites under ThreadSanitizer (C++'s -race)
#   make <exercise-id>   build and run one exercise against your code, e.g. make sync/mutex/1
#   make race EX=<id>    the same exercise under ThreadSanitizer: see the data race itself
#   make exercises       list the exercises in course order
#   make progress        your progress: every exercise's state, the next one to do and its hint
#   make watch [EX=id]   re-run the current exercise each time you save one of its files
#   make reset EX=id     put that exercise's files back as committed (asks first; YES=1: does not)
#   make solution EX=id  the diff from the skeleton to the reference solution (MINE=1: from yours)
#   make bench           the library's benchmarks (Google Benchmark)
#   make docs            build the course site strictly into build/site (broken links fail)
#   make docs-serve      serve the course site on http://127.0.0.1:8000 (DOCS_PORT=... to move it)
#   make deps            install the Debian packages the workshop needs (the others do it first)

SHELL := /bin/bash
.DEFAULT_GOAL := test

# Debian/Ubuntu packages the build needs. `make deps` installs the missing ones.
DEB_PACKAGES := cmake g++ ninja-build make git python3 libgtest-dev libgmock-dev libfmt-dev \
                libspdlog-dev libbenchmark-dev mkdocs mkdocs-material python3-pymdownx
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=
EX ?=
YES ?=
MINE ?=
ACTION ?= all
# The student's tool: make <id>, exercises, progress, watch, reset, solution (its docstring is its
# manual).
WORKSHOP := python3 lib/workshop/tool/workshop.py

.PHONY: help deps configure build test verify race asan bench clean exercises run docs docs-serve \
        progress watch reset solution

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

deps:
	@scripts/install-deps $(DEB_PACKAGES)

# Configure once; CMake re-runs itself when a CMakeLists.txt changes.
build/build.ninja: | deps
	cmake --preset default

configure: build/build.ninja

build: configure
	cmake --build --preset default -j $(JOBS)

run: build
	@build/datacenterfind/datacenterfind_solution --action=$(ACTION)
ifeq ($(ACTION),all)
	@echo; echo "== select/simple: the first of two goroutines to answer wins"
	@build/select/simple/select_simple
endif

test: build
	ctest --preset default -j $(JOBS) $(CTEST_ARGS)

verify: test docs
	@scripts/verify

docs: deps
	@scripts/docs build

docs-serve: deps
	@scripts/docs serve

race: deps
ifeq ($(EX),)
	cmake --preset tsan
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS) $(CTEST_ARGS)
else
	@$(WORKSHOP) run --preset tsan "$(EX)"
endif

asan: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS) $(CTEST_ARGS)

bench: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS) --target conc_bench
	scripts/bench-compare build-release/lib/conc/conc_bench

exercises: configure
	@$(WORKSHOP) list

progress: configure
	@$(WORKSHOP) progress

watch: configure
	@$(WORKSHOP) watch $(EX)

reset: configure
	@$(WORKSHOP) reset $(if $(YES),--yes) "$(EX)"

solution: configure
	@$(WORKSHOP) solution $(if $(MINE),--against-mine) "$(EX)"

clean:
	rm -rf build build-tsan build-asan build-release

# Anything else with a '/' is an exercise id (make sync/mutex/1); the tool says so clearly when
# it is not one. (It configures the build itself when needed, but it needs python3 to start.)
.DEFAULT:
	@case "$@" in */*) { command -v python3 >/dev/null || $(MAKE) -s --no-print-directory deps; } && \
	    $(WORKSHOP) run "$@" ;; \
	  *) echo "make: no command '$@'. The commands:" >&2; $(MAKE) --no-print-directory help >&2; exit 2 ;; esac
