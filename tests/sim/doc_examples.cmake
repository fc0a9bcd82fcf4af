# tests/sim/doc_examples.cmake — the sample output in docs/ci.md is what the program prints today.
# A fenced block whose first line is `$ surge ARGS` is checked: ARGS are run by the built surge in
# the repository root, which must exit 0 or 1 (a verdict, not bad input or a crash) with nothing on
# stderr, and print exactly the rest of the block, once wall-clock figures ("7.93 ms wall") are
# replaced by "<time> wall" on both sides. Other blocks are not run.
# Included by tests/CMakeLists.txt (registers the test cli.docs_ci_examples); run as a script
# (cmake -DSURGE=... -DSOURCE_DIR=... -DDOC=... -P this file) it does the check.
if(NOT CMAKE_SCRIPT_MODE_FILE OR NOT CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  if(TARGET surge_cli)
    add_test(NAME cli.docs_ci_examples
      COMMAND ${CMAKE_COMMAND} -DSURGE=$<TARGET_FILE:surge_cli> -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
              -DDOC=docs/ci.md -P ${CMAKE_CURRENT_LIST_FILE})
  endif()
  return()
endif()
cmake_minimum_required(VERSION 3.22)

function(normalise text out)
  string(REGEX REPLACE "[0-9][0-9.]* [^ \n]+ wall" "<time> wall" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

file(READ "${SOURCE_DIR}/${DOC}" rest)
set(checked 0)
set(failures "")
while(TRUE)
  string(FIND "${rest}" "```\n$ surge " open)
  if(open EQUAL -1)
    break()
  endif()
  math(EXPR start "${open} + 6")  # past "```\n$ "
  string(SUBSTRING "${rest}" ${start} -1 rest)
  string(FIND "${rest}" "\n```" close)
  if(close EQUAL -1)
    message(FATAL_ERROR "${DOC}: a checked block is not closed")
  endif()
  string(SUBSTRING "${rest}" 0 ${close} block)
  string(SUBSTRING "${rest}" ${close} -1 rest)
  string(FIND "${block}" "\n" eol)
  if(eol EQUAL -1)
    set(command_line "${block}")
    set(expected "")
  else()
    string(SUBSTRING "${block}" 0 ${eol} command_line)
    math(EXPR after "${eol} + 1")
    string(SUBSTRING "${block}" ${after} -1 expected)
  endif()
  string(REGEX REPLACE "^surge " "" args_text "${command_line}")
  separate_arguments(args UNIX_COMMAND "${args_text}")
  execute_process(COMMAND "${SURGE}" ${args} WORKING_DIRECTORY "${SOURCE_DIR}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  math(EXPR checked "${checked} + 1")
  string(REGEX REPLACE "\n$" "" out "${out}")
  normalise("${out}" got)
  normalise("${expected}" want)
  if(NOT rc MATCHES "^[01]$" OR NOT err STREQUAL "" OR NOT got STREQUAL want)
    string(APPEND failures "\n$ ${command_line}   (exit ${rc})\n--- ${DOC} shows:\n${expected}\n--- surge prints:\n${out}\n${err}")
  endif()
endwhile()
if(checked EQUAL 0)
  message(FATAL_ERROR "${DOC}: no checked block (a fenced block whose first line is `$ surge ...`)")
endif()
if(NOT failures STREQUAL "")
  message(FATAL_ERROR "${DOC}: a checked example differs from what surge prints now; paste the new output into the block:${failures}")
endif()
message(STATUS "${DOC}: ${checked} checked examples match")
