# SPDX-License-Identifier: MIT
# cmake -P script, the package_install fixture: installs the build tree BUILD_DIR (configuration
# BUILD_TYPE, if any) into a fresh PREFIX that the other package tests build against.
file(REMOVE_RECURSE ${PREFIX})
set(config_args)
if(BUILD_TYPE)
    set(config_args --config ${BUILD_TYPE})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX} ${config_args}
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "install into ${PREFIX} failed (${rc}): ${err}")
endif()
