# The front door. Every command a student, an instructor or a maintainer needs is a target here;
# each one drives the CMake presets and CTest, so `make X` and the presets can never disagree.
#
#   make test     build, then run the library tests (and every exercise suite on the solutions)
#   make verify   make test, plus the checks that keep the workshop honest
#   make race     the same suites under ThreadSanitizer (C++'s `go test -race`)
#   make bench    the library's benchmarks (Google Benchmark)
#   make deps     install the Debian packages the workshop needs (run by the others when needed)

SHELL := /bin/bash
.DEFAULT_GOAL := test

# Debian/Ubuntu packages the build needs. `make deps` installs the missing ones.
DEB_PACKAGES := cmake g++ ninja-build make python3 libgtest-dev libgmock-dev libfmt-dev libspdlog-dev libbenchmark-dev
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_ARGS ?=

.PHONY: deps configure build test verify race asan bench clean help

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

deps:
	@scripts/install-deps $(DEB_PACKAGES)

build/.configured: CMakeLists.txt CMakePresets.json $(wildcard cmake/*.cmake) | deps
	cmake --preset default
	@touch $@

configure: build/.configured

build: configure
	cmake --build --preset default -j $(JOBS)

test: build
	ctest --preset default -j $(JOBS) $(CTEST_ARGS)

verify: test
	@scripts/verify

race: deps
	cmake --preset tsan
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS) $(CTEST_ARGS)

asan: deps
	cmake --preset asan
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS) $(CTEST_ARGS)

bench: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS) --target conc_bench
	build-release/lib/conc/conc_bench $(BENCH_ARGS)

clean:
	rm -rf build build-tsan build-asan build-release
