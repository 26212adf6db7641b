# SPDX-License-Identifier: MIT
# Shared by the package tests' scripts: installs the build tree BUILD_DIR (configuration
# BUILD_TYPE, if any) into a fresh prefix under WORK_DIR and sets `prefix` to it.
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(_config_args)
if(BUILD_TYPE)
    set(_config_args --config ${BUILD_TYPE})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} ${_config_args}
    RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "install into ${prefix} failed (${_rc}): ${_err}")
endif()
