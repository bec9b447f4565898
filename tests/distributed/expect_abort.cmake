# Runs COMMAND (a list) and passes when it ends non-zero within TIMEOUT seconds
# with output matching EXPECT; a hang, a zero exit or another message fails.
# -DCOMMAND=<cmd;args> -DEXPECT=<regex> -DTIMEOUT=<seconds>
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                TIMEOUT ${TIMEOUT})
set(text "${out}${err}")
if(rc MATCHES "timeout" OR rc MATCHES "Process terminated due to timeout")
  message(FATAL_ERROR "still running after ${TIMEOUT} s (a rank hangs):\n${text}")
endif()
if(rc EQUAL 0)
  message(FATAL_ERROR "exited with 0, expected a failure:\n${text}")
endif()
if(NOT text MATCHES "${EXPECT}")
  message(FATAL_ERROR "exit code ${rc}, but the output does not match '${EXPECT}':\n${text}")
endif()
message(STATUS "exit code ${rc}, with the expected message")
