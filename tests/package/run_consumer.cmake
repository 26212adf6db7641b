# SPDX-License-Identifier: MIT
# cmake -P script: configure, build and run the consumer project CONSUMER_DIR against PREFIX; its
# program is PROGRAM (default: consumer).
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${WORK_DIR})
step("configure consumer" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR} ${consumer_args})
step("build consumer" ${CMAKE_COMMAND} --build ${WORK_DIR})
if(NOT PROGRAM)
    set(PROGRAM consumer)
endif()
step("run ${PROGRAM}" ${WORK_DIR}/${PROGRAM})
