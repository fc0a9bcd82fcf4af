# tests/sim/interrupt.cmake — SIGINT, SIGTERM and SIGKILL against the built `surge` (issue 12,
# item 8): partial reports, exit codes 130/143, the previous report kept whole. The driver is
# tests/sim/interrupt_check.cpp; the fixture tests/sim/interrupt_fixture is one suite ("slow") of
# two scenarios that run far longer than the signal takes to come (1.5 s).
if(NOT TARGET surge_cli OR NOT UNIX)
  return()
endif()

add_executable(surge_interrupt_check sim/interrupt_check.cpp)
target_link_libraries(surge_interrupt_check PRIVATE surge::sim surge_warnings)
add_test(NAME sim.interrupt_second_sigint COMMAND surge_interrupt_check second_sigint)
foreach(case run_sigint run_sigterm run_sigkill suite_sigint sweep_sigint)
  add_test(NAME cli.interrupt_${case}
    COMMAND surge_interrupt_check ${case} $<TARGET_FILE:surge_cli> ${CMAKE_CURRENT_LIST_DIR}/interrupt_fixture
      ${CMAKE_CURRENT_BINARY_DIR}/interrupt)
  set_tests_properties(cli.interrupt_${case} PROPERTIES TIMEOUT 120)
endforeach()
