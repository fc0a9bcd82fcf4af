# tests/sim/golden.cmake — one CTest test per built-in scenario (sim/scenarios/**/*.json):
# golden.<path with dots>, e.g. golden.baseline and golden.suite.notification.high-volume-delivery,
# runs `surge golden SCENARIO` in check mode against tests/golden/<same path>: the trace hash and
# every metric for the scenario's own seed must be exactly what the golden file says. Every build
# that runs the tests checks them — g++ optimised, the sanitizer build and clang++ at -O0
# (scripts/run-tests.sh, .ci/run) — so the goldens are also the cross-build determinism check.
# A golden file without a scenario is an error (golden.orphan.<path>). docs/ci.md: updating them.
if(NOT TARGET surge_cli)
  return()
endif()

set(golden_scenarios ${PROJECT_SOURCE_DIR}/sim/scenarios)
set(golden_dir ${PROJECT_SOURCE_DIR}/tests/golden)
file(GLOB_RECURSE golden_scenario_files CONFIGURE_DEPENDS RELATIVE ${golden_scenarios} ${golden_scenarios}/*.json)
file(GLOB_RECURSE golden_files CONFIGURE_DEPENDS RELATIVE ${golden_dir} ${golden_dir}/*.json)
list(SORT golden_scenario_files)

foreach(rel IN LISTS golden_scenario_files)
  string(REGEX REPLACE "\\.json$" "" stem ${rel})
  string(REPLACE "/" "." test_name ${stem})
  add_test(NAME golden.${test_name}
    COMMAND surge_cli golden --dir ${golden_dir} --scenarios ${golden_scenarios} ${stem})
  # capacity-100k takes seconds optimised, about a minute at -O0 and longer under the sanitizers.
  set_tests_properties(golden.${test_name} PROPERTIES LABELS golden TIMEOUT 1200)
endforeach()

foreach(rel IN LISTS golden_files)
  if(NOT rel IN_LIST golden_scenario_files)
    string(REGEX REPLACE "\\.json$" "" stem ${rel})
    string(REPLACE "/" "." test_name ${stem})
    add_test(NAME golden.orphan.${test_name}
      COMMAND ${CMAKE_COMMAND} -E echo "tests/golden/${rel} has no scenario sim/scenarios/${rel}: remove it (surge golden --update removes every orphan)")
    set_tests_properties(golden.orphan.${test_name} PROPERTIES LABELS golden WILL_FAIL ON)
  endif()
endforeach()

# The hint printed for a file that differs updates the same files (--scenarios, --dir) when pasted.
add_test(NAME golden.update_hint
  COMMAND ${CMAKE_COMMAND} -DSURGE=$<TARGET_FILE:surge_cli> -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/golden_hint -P ${CMAKE_CURRENT_LIST_DIR}/golden_hint_check.cmake)
set_tests_properties(golden.update_hint PROPERTIES LABELS golden)
