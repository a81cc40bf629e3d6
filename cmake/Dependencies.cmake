# Every dependency comes from the system (Debian: see `make deps`). find_package first; a
# FetchContent fallback is declared for machines that have a network but not the package.
include(FetchContent)

find_package(Threads REQUIRED)

FetchContent_Declare(fmt
  GIT_REPOSITORY https://github.com/fmtlib/fmt.git GIT_TAG 9.1.0
  FIND_PACKAGE_ARGS 9)
FetchContent_Declare(spdlog
  GIT_REPOSITORY https://github.com/gabime/spdlog.git GIT_TAG v1.10.0
  FIND_PACKAGE_ARGS 1.10)
FetchContent_Declare(GTest
  GIT_REPOSITORY https://github.com/google/googletest.git GIT_TAG release-1.12.1
  FIND_PACKAGE_ARGS 1.12)
FetchContent_MakeAvailable(fmt spdlog GTest)

if(NOT TARGET GTest::gmock)
  message(FATAL_ERROR "GoogleMock was not found: install it with `make deps` (Debian: libgmock-dev)")
endif()

# Google Benchmark is only needed by `make bench`; the rest builds without it.
find_package(benchmark QUIET)
