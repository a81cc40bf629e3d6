# Test registration shared by the library and the exercises: one function, one test main.
include(GoogleTest)

# Per-test budget (seconds) enforced by ctest; the watchdog in the test main fires first with a
# message that says what is still blocked. Sanitizer builds run 5-15x slower.
if(WORKSHOP_SANITIZER STREQUAL "")
  set(WORKSHOP_TEST_TIMEOUT 60)
else()
  set(WORKSHOP_TEST_TIMEOUT 300)
endif()

# workshop_test(NAME name SOURCES ... LIBS ... LABELS ...)
#   Builds one GoogleTest binary on the workshop test main and registers each of its tests with
#   CTest, with a timeout and the given labels.
function(workshop_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE workshop_test_main ${ARG_LIBS})
  set(label_props)
  foreach(label IN LISTS ARG_LABELS)
    list(APPEND label_props LABELS ${label})  # one key per label: CMake issue 17812
  endforeach()
  gtest_discover_tests(${ARG_NAME}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES TIMEOUT ${WORKSHOP_TEST_TIMEOUT} ${label_props})
endfunction()
