# SPDX-License-Identifier: MIT
# cmake -P script: install, configure consumer, build, run. Fails on the first step that fails.
function(step what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
    endif()
    message(STATUS "${what}: ok\n${out}")
endfunction()

include(${CMAKE_CURRENT_LIST_DIR}/install_prefix.cmake)

set(flags "")
if(SANITIZE STREQUAL "address")
    set(flags "-fsanitize=address,undefined")
elseif(SANITIZE STREQUAL "thread")
    set(flags "-fsanitize=thread")
endif()
step("configure consumer" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
    -DCMAKE_PREFIX_PATH=${prefix} -DQt6_DIR=${QT_DIR} -DCMAKE_BUILD_TYPE=Release
    "-DCMAKE_CXX_FLAGS=${flags}" "-DCMAKE_EXE_LINKER_FLAGS=${flags}")
step("build consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
step("run consumer" ${WORK_DIR}/build/consumer)
