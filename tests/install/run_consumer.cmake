# Builds and runs tests/install/consumer (a program, and a GoogleTest program
# using nabla::testing) against nabla.
#   MODE=subdirectory: the consumer does add_subdirectory(ROOT).
#   MODE=package: nabla is installed from BUILD_DIR into a prefix, and the
#                 consumer finds it with find_package(nabla).
set(work ${WORK_DIR}/${MODE})
file(REMOVE_RECURSE ${work})
file(MAKE_DIRECTORY ${work})

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGV}\n${out}\n${err}")
  endif()
endfunction()

set(configure_args -S ${ROOT}/tests/install/consumer -B ${work}/build -DCMAKE_BUILD_TYPE=Release)
if(MODE STREQUAL "subdirectory")
  list(APPEND configure_args -DNABLA_SOURCE_DIR=${ROOT})
else()
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${work}/prefix)
  list(APPEND configure_args -DCMAKE_PREFIX_PATH=${work}/prefix)
endif()
run(${CMAKE_COMMAND} ${configure_args})
run(${CMAKE_COMMAND} --build ${work}/build -j2)
run(${work}/build/consumer)
run(${work}/build/consumer_tests)
message(STATUS "consumer built and ran through ${MODE}")
