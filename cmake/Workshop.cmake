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

# workshop_exercise(ID id BRIEF brief.md FILES student files... TESTS test sources...
#                   [GIVEN given sources...] [FIXTURE MANIFEST file])
#   Registers one exercise of the course; call it in course order. FILES are what the student
#   edits (relative to the calling folder); solutions/ mirrors them file for file. The same TESTS
#   are built three times:
#     <name>            against the student's files: `make <id>` builds and runs it (CTest labels
#                       `exercise` and `<id>`); left out of `make test`, so that a student's edit
#                       that does not compile never breaks it;
#     <name>_solution   against solutions/: part of `make test` (labels `solution`, `<id>/solution`);
#     <name>_pristine   against the skeleton as committed (build/pristine/...): `make verify` proves
#                       it fails by assertion (scripts/verify-skeletons), whatever the student edited.
#   <name> is the id with '/' replaced by '_'. The exercise is listed in build/exercises.tsv, the
#   manifest the scripts read (id, brief, student files, the three binaries).
#
#   FIXTURE: not an exercise of the course but a fixture of the student tool's own tests
#   (lib/workshop/tool/tests): only the student variant <name> is built, by `all` (a fixture that
#   must not compile turns that off: EXCLUDE_FROM_ALL), it needs no solution, it is no CTest test,
#   and it is listed in MANIFEST (a path relative to the build folder) instead of exercises.tsv.
#
#   Every run of <name> writes GoogleTest's JUnit XML to <build>/results/<name>.xml, the results
#   `make progress` reads: the CTest test passes --gtest_output, lib/workshop/tool/workshop.py does
#   the same (and adds <name>.status and <name>.log, see its docstring).
function(workshop_exercise)
  cmake_parse_arguments(ARG "FIXTURE" "ID;BRIEF;MANIFEST" "FILES;TESTS;GIVEN" ${ARGN})
  foreach(required ID BRIEF FILES TESTS)
    if(NOT ARG_${required})
      message(FATAL_ERROR "workshop_exercise: ${required} is missing")
    endif()
  endforeach()
  if((ARG_FIXTURE AND NOT ARG_MANIFEST) OR (ARG_MANIFEST AND NOT ARG_FIXTURE))
    message(FATAL_ERROR "workshop_exercise(${ARG_ID}): FIXTURE and MANIFEST go together")
  endif()
  string(REPLACE "/" "_" name "${ARG_ID}")
  file(RELATIVE_PATH folder "${PROJECT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}")
  set(solution_dir "${PROJECT_SOURCE_DIR}/solutions/${folder}")
  set(pristine_dir "${PROJECT_BINARY_DIR}/pristine/${folder}")
  set(variants student solution pristine)
  if(ARG_FIXTURE)
    set(variants student)
  endif()

  set(student_files)
  set(solution_files)
  set(pristine_files)
  foreach(file IN LISTS ARG_FILES)
    list(APPEND student_files "${CMAKE_CURRENT_SOURCE_DIR}/${file}")
    if(ARG_FIXTURE)
      continue()
    endif()
    if(NOT EXISTS "${solution_dir}/${file}")
      message(FATAL_ERROR "workshop_exercise(${ARG_ID}): no reference solution at solutions/${folder}/${file}")
    endif()
    list(APPEND solution_files "${solution_dir}/${file}")
    list(APPEND pristine_files "${pristine_dir}/${file}")
  endforeach()
  if(pristine_files)
    set_source_files_properties(${pristine_files} PROPERTIES GENERATED TRUE)
  endif()

  # Tells the test main which exercise this binary grades, so that a failure ends with the id,
  # the brief to reread and the hint (see lib/workshop/include/workshop/hint.hpp).
  set(registration "${CMAKE_CURRENT_BINARY_DIR}/${name}_exercise.cpp")
  file(CONFIGURE OUTPUT "${registration}" CONTENT
    "#include <workshop/hint.hpp>\nWORKSHOP_EXERCISE(\"${ARG_ID}\", \"${folder}/${ARG_BRIEF}\");\n")

  foreach(variant IN LISTS variants)
    set(target ${name})
    if(NOT variant STREQUAL "student")
      set(target ${name}_${variant})
    endif()
    add_executable(${target} EXCLUDE_FROM_ALL
      ${${variant}_files} ${ARG_GIVEN} ${ARG_TESTS} "${registration}")
    target_link_libraries(${target} PRIVATE workshop_test_main)
    # The variant's own folder first, so that its version of a student header wins.
    if(variant STREQUAL "solution")
      target_include_directories(${target} PRIVATE "${solution_dir}")
    elseif(variant STREQUAL "pristine")
      target_include_directories(${target} PRIVATE "${pristine_dir}")
    endif()
    target_include_directories(${target} PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
  endforeach()
  list(JOIN ARG_FILES "," files)
  if(ARG_FIXTURE)
    # Built by `all`, so that the tool's tests find it ready; listed in its own manifest.
    set_target_properties(${name} PROPERTIES EXCLUDE_FROM_ALL OFF)
    set_property(GLOBAL APPEND PROPERTY WORKSHOP_MANIFESTS "${ARG_MANIFEST}")
    set_property(GLOBAL APPEND PROPERTY "WORKSHOP_MANIFEST ${ARG_MANIFEST}"
      "${ARG_ID}\t${folder}/${ARG_BRIEF}\t${folder}\t${files}\t${name}\t$<TARGET_FILE:${name}>\t\t")
    return()
  endif()
  # The solution suite is part of every build; the others are built on demand.
  set_target_properties(${name}_solution PROPERTIES EXCLUDE_FROM_ALL OFF)

  # The student's suite is one CTest test (it is built on demand, by `make <id>`, so its tests
  # cannot be listed at configure time); the solution's tests are listed one by one.
  add_test(NAME ${ARG_ID} COMMAND ${name} --gtest_color=no
    --gtest_output=xml:${PROJECT_BINARY_DIR}/results/${name}.xml)
  set_tests_properties(${ARG_ID} PROPERTIES TIMEOUT ${WORKSHOP_TEST_TIMEOUT}
    LABELS "exercise;${ARG_ID}")
  gtest_discover_tests(${name}_solution DISCOVERY_MODE PRE_TEST TEST_PREFIX "${ARG_ID}/solution:"
    PROPERTIES TIMEOUT ${WORKSHOP_TEST_TIMEOUT} LABELS solution LABELS ${ARG_ID}/solution)

  if(NOT TARGET workshop_pristine)
    add_custom_target(workshop_pristine)
  endif()
  add_dependencies(workshop_pristine ${name}_pristine)

  set_property(GLOBAL APPEND PROPERTY WORKSHOP_EXERCISES
    "${ARG_ID}\t${folder}/${ARG_BRIEF}\t${folder}\t${files}\t${name}\t$<TARGET_FILE:${name}>\t$<TARGET_FILE:${name}_solution>\t$<TARGET_FILE:${name}_pristine>")
endfunction()

# Writes build/exercises.tsv, the manifest of every registered exercise in course order (and the
# manifests of the FIXTUREs, in the order registered). Called once, at the end of the top-level
# CMakeLists.txt.
function(workshop_write_manifest)
  set(header "id\tbrief\tfolder\tfiles\ttarget\tbinary\tsolution_binary\tpristine_binary\n")
  get_property(exercises GLOBAL PROPERTY WORKSHOP_EXERCISES)
  set(content "${header}")
  foreach(line IN LISTS exercises)
    string(APPEND content "${line}\n")
  endforeach()
  file(GENERATE OUTPUT "${PROJECT_BINARY_DIR}/exercises.tsv" CONTENT "${content}")

  get_property(manifests GLOBAL PROPERTY WORKSHOP_MANIFESTS)
  list(REMOVE_DUPLICATES manifests)
  foreach(manifest IN LISTS manifests)
    get_property(fixtures GLOBAL PROPERTY "WORKSHOP_MANIFEST ${manifest}")
    set(content "${header}")
    foreach(line IN LISTS fixtures)
      string(APPEND content "${line}\n")
    endforeach()
    file(GENERATE OUTPUT "${PROJECT_BINARY_DIR}/${manifest}" CONTENT "${content}")
  endforeach()
endfunction()
