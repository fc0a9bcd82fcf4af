# tests/sim/golden_hint_check.cmake — `surge golden`'s hint for a golden file that differs is a
# command to paste that updates the file the check compared: it repeats --scenarios and --dir
# (quoted: both directories here have a space in their names) and the scenario. Run by
# tests/sim/golden.cmake as cmake -DSURGE=... -DSOURCE_DIR=... -DWORK=... -P this file.
# tests/CMakeLists.txt includes every tests/sim/*.cmake: as an include, this file does nothing.
if(NOT CMAKE_SCRIPT_MODE_FILE OR NOT CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  return()
endif()
set(scenarios "${WORK}/scen dir")
set(golden "${WORK}/gold dir")
set(rel suite/notification/high-volume-delivery.json)
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${scenarios}" "${golden}")
file(COPY "${SOURCE_DIR}/sim/scenarios/${rel}" DESTINATION "${scenarios}")
file(READ "${SOURCE_DIR}/tests/golden/${rel}" original)
file(SHA256 "${SOURCE_DIR}/tests/golden/${rel}" source_before)
string(REGEX REPLACE "\"trace_hash\": \"[0-9a-f]+\"" "\"trace_hash\": \"0000000000000000\"" changed "${original}")
if(changed STREQUAL original)
  message(FATAL_ERROR "the golden file ${rel} has no trace_hash to change")
endif()
file(WRITE "${golden}/high-volume-delivery.json" "${changed}")

execute_process(COMMAND "${SURGE}" golden --scenarios "${scenarios}" --dir "${golden}" high-volume-delivery
                WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "surge golden on a changed copy exited ${rc} (expected 1)\n${out}${err}")
endif()
set(hint "surge golden --update --scenarios '${scenarios}' --dir '${golden}' high-volume-delivery")
string(FIND "${out}" "  (if the change is intended: ${hint}, and review the diff)\n" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the hint is not\n  ${hint}\nin the output:\n${out}")
endif()

# The hint, pasted into a shell (with this build's surge for "surge"), updates the copy ...
string(REGEX REPLACE "^surge " "" hint_args "${hint}")
execute_process(COMMAND sh -c "\"$0\" ${hint_args}" "${SURGE}"
                WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "golden high-volume-delivery: updated ")
  message(FATAL_ERROR "the pasted hint exited ${rc}:\n${out}${err}")
endif()
execute_process(COMMAND "${SURGE}" golden --scenarios "${scenarios}" --dir "${golden}" high-volume-delivery
                WORKING_DIRECTORY "${WORK}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "after the update the check exited ${rc} (expected 0)\n${out}${err}")
endif()
# ... and leaves the source tree's golden file alone.
file(SHA256 "${SOURCE_DIR}/tests/golden/${rel}" source_after)
if(NOT source_after STREQUAL source_before)
  message(FATAL_ERROR "the pasted hint changed ${SOURCE_DIR}/tests/golden/${rel}")
endif()
file(REMOVE_RECURSE "${WORK}")
