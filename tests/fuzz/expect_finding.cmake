# Runs the planted-bug fuzz target on one input and checks the outcome.
#   -DCOMMAND=<planted_bug_fuzzer> -DINPUT=<the input's text> -DWORK=<scratch dir>
#   -DREPORT=<regex>: the run must fail and print it; empty: the run must pass
#   -DRUNNER=<run_fuzzers.sh>: run the input through make fuzz's runner
#     (as a seed, for two seconds) instead of running the target on it once
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/seeds/planted_bug)
file(WRITE ${WORK}/seeds/planted_bug/input "${INPUT}")
if(RUNNER)
  get_filename_component(bin ${COMMAND} DIRECTORY)
  set(run ${RUNNER} ${bin} ${WORK}/seeds ${WORK}/work 2 planted_bug)
else()
  set(run ${COMMAND} ${WORK}/seeds/planted_bug/input)
endif()
execute_process(COMMAND ${run} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(output "${out}${err}")
if(REPORT STREQUAL "")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "input '${INPUT}' should pass, got exit ${status}:\n${output}")
  endif()
else()
  if(status EQUAL 0)
    message(FATAL_ERROR "input '${INPUT}' was not reported (exit 0):\n${output}")
  endif()
  if(NOT output MATCHES "${REPORT}")
    message(FATAL_ERROR "input '${INPUT}' failed without '${REPORT}' (exit ${status}):\n${output}")
  endif()
endif()
message(STATUS "input '${INPUT}': exit ${status} as expected")
