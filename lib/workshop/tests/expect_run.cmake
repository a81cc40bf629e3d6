# Runs a test fixture and checks what a student would see: its exit code and its output.
#
#   cmake -DBINARY=<fixture> -DSPEC=<spec.cmake> -P expect_run.cmake
#
# The spec (written by workshop_expect_run() in lib/workshop/CMakeLists.txt) sets EMULATOR (may be
# empty), ARGS, EXIT_CODE, EXPECT (regexes the merged stdout+stderr must match) and REJECT
# (regexes it must not match). The output is always echoed, so `ctest --output-on-failure` shows
# it next to the broken expectation.

include("${SPEC}")
execute_process(
  COMMAND ${EMULATOR} "${BINARY}" ${ARGS}
  RESULT_VARIABLE exit_code
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
message("${output}")

set(broken "")
if(NOT exit_code STREQUAL EXIT_CODE)
  string(APPEND broken "\n  exit code ${exit_code}, expected ${EXIT_CODE}")
endif()
foreach(regex IN LISTS EXPECT)
  if(NOT output MATCHES "${regex}")
    string(APPEND broken "\n  missing: ${regex}")
  endif()
endforeach()
foreach(regex IN LISTS REJECT)
  if(output MATCHES "${regex}")
    string(APPEND broken "\n  unexpected: ${regex}")
  endif()
endforeach()
if(broken)
  message(FATAL_ERROR "${BINARY} ${ARGS} did not behave as expected:${broken}")
endif()
