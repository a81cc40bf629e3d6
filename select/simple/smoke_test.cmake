# The smoke test of the select_simple demo (see CMakeLists.txt): runs BINARY (under EMULATOR, a
# space-separated command, if any) with DELAY1 and DELAY2, and checks that it exits 0 after
# printing the two delays, then exactly one "Hello from goroutine N" line.
separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")
execute_process(COMMAND ${emulator} ${BINARY} ${DELAY1} ${DELAY2}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code TIMEOUT 30)
if(NOT code EQUAL 0)
  message(FATAL_ERROR "select_simple exited with ${code}\nstdout:\n${out}\nstderr:\n${err}")
endif()
set(announce "goroutine 1 sleeps [0-9]+ ms, goroutine 2 sleeps [0-9]+ ms: ")
set(shape "^${announce}the first to send wins the select\nHello from goroutine [12]\n$")
if(NOT out MATCHES "${shape}")
  message(FATAL_ERROR "select_simple printed:\n${out}\nexpected the two delays, then one line, "
                      "'Hello from goroutine 1' or 'Hello from goroutine 2'")
endif()
message(STATUS "select_simple printed:\n${out}")
