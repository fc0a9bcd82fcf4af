# tests/sim/compare_reports.cmake — the same scenario and seed give the same report apart from the
# wall-clock fields (wall_seconds, simulator) and the same model trace, byte for byte; another
# seed gives another trace hash (cmake -P).
#
#   cmake -DSURGE=path/to/surge -DSCENARIO=file.json -DWORK_DIR=dir -P compare_reports.cmake
#
# tests/CMakeLists.txt includes every tests/sim/*.cmake while configuring; this file only does
# something when run as a script.
if(NOT CMAKE_SCRIPT_MODE_FILE OR NOT CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  return()
endif()
cmake_minimum_required(VERSION 3.22)

foreach(v SURGE SCENARIO WORK_DIR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "compare_reports.cmake: ${v} is required")
  endif()
endforeach()
file(MAKE_DIRECTORY "${WORK_DIR}")

function(surge_run name seed)
  file(REMOVE "${WORK_DIR}/${name}.json" "${WORK_DIR}/${name}.jsonl")
  execute_process(COMMAND "${SURGE}" run "${SCENARIO}" --quiet --seed ${seed}
      --output "${WORK_DIR}/${name}.json" --trace "${WORK_DIR}/${name}.jsonl"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL "0" AND NOT rc STREQUAL "1")
    message(FATAL_ERROR "surge run ${SCENARIO} --seed ${seed}: exit ${rc}\n${out}${err}")
  endif()
  file(READ "${WORK_DIR}/${name}.json" text)
  string(JSON hash GET "${text}" trace_hash)
  string(JSON seed_used GET "${text}" seed)
  if(NOT seed_used STREQUAL "${seed}")
    message(FATAL_ERROR "${name}.json: seed ${seed_used}, expected ${seed}")
  endif()
  string(JSON text REMOVE "${text}" wall_seconds)
  string(JSON text REMOVE "${text}" simulator)
  file(SHA256 "${WORK_DIR}/${name}.jsonl" trace_sha)
  set(${name}_report "${text}" PARENT_SCOPE)
  set(${name}_hash "${hash}" PARENT_SCOPE)
  set(${name}_trace "${trace_sha}" PARENT_SCOPE)
endfunction()

surge_run(first 7)
surge_run(second 7)
surge_run(other 8)

if(NOT first_report STREQUAL second_report)
  message(FATAL_ERROR "two runs with seed 7 gave different reports (beyond wall_seconds and simulator): "
                      "compare ${WORK_DIR}/first.json and ${WORK_DIR}/second.json")
endif()
if(NOT first_trace STREQUAL second_trace)
  message(FATAL_ERROR "two runs with seed 7 wrote different traces: ${WORK_DIR}/first.jsonl, ${WORK_DIR}/second.jsonl")
endif()
if(first_hash STREQUAL other_hash)
  message(FATAL_ERROR "seeds 7 and 8 gave the same trace hash ${first_hash}")
endif()
message(STATUS "seed 7: ${first_hash} twice; seed 8: ${other_hash}")
