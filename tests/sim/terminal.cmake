# tests/sim/terminal.cmake — text from input reaches the terminal escaped (issue 12, item 12;
# sim/terminal_text.hpp): the review's reproducer, a scenario named with ESC, U+202E and NUL, through
# validate, run -q, the summary table and a message on stderr. Uses surge_cli_test() from cli.cmake.
if(NOT TARGET surge_cli OR NOT COMMAND surge_cli_test)
  return()
endif()

set(evil ${CMAKE_CURRENT_LIST_DIR}/terminal_fixture/evil-name.json)
# '\\\\' in these regexes is one literal backslash in the output.
surge_cli_test(terminal_validate EXIT 0 ARGS validate ${evil}
  STDOUT "^[^\n]*evil-name\\.json: ok \\(evil\\\\x1b\\[2J\\\\u202e\\\\x00name, 1 phase, 0 faults, 0 thresholds\\)\n$")
surge_cli_test(terminal_run_quiet EXIT 0 ARGS run ${evil} -q
  STDOUT "^evil\\\\x1b\\[2J\\\\u202e\\\\x00name: PASS: no thresholds\n$")
surge_cli_test(terminal_run_summary EXIT 0 ARGS run ${evil}
  STDOUT "^scenario evil\\\\x1b\\[2J\\\\u202e\\\\x00name \\([^\n]*evil-name\\.json\\)\n")
# A message quoting a file name from the command line: a TAB (CTest does not pass an ESC in a
# command line intact; the escaping is the same for every C0 control).
surge_cli_test(terminal_message EXIT 2 ARGS validate "no\tfile.json" STDOUT_EMPTY
  STDERR "^surge: no\\\\x09file\\.json: cannot read")
