# SPDX-License-Identifier: MIT
# Shared by the package tests' scripts (cmake -P). Expects PREFIX (the scratch install made by
# the package_install fixture) and SANITIZE; gives step() and the sanitizer flags in `flags`.

# Runs a command; fails the test with its output if it fails, else sets `out` in the caller.
function(step what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${what} failed (${rc}):\n${stdout}\n${stderr}")
    endif()
    message(STATUS "${what}: ok\n${stdout}${stderr}")
    set(out "${stdout}${stderr}" PARENT_SCOPE)
endfunction()

# Fails unless text matches regex.
function(expect_match text regex what)
    if(NOT text MATCHES "${regex}")
        message(FATAL_ERROR "${what}: expected output matching '${regex}', got:\n${text}")
    endif()
endfunction()

# A consumer built under a sanitizer must be instrumented like the library it links.
set(flags "")
if(SANITIZE STREQUAL "address")
    set(flags "-fsanitize=address,undefined")
elseif(SANITIZE STREQUAL "thread")
    set(flags "-fsanitize=thread")
endif()
set(consumer_args -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${PREFIX} -DQt6_DIR=${QT_DIR}
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS=${flags}" "-DCMAKE_EXE_LINKER_FLAGS=${flags}")

# Configures find/ against prefix with find_package(DropSlot <args>) in a fresh directory; sets
# `result` to its report line, or to "error: <output>" if the configuration failed.
function(find_dropslot prefix args)
    string(MAKE_C_IDENTIFIER "${args}" name)
    set(dir ${WORK_DIR}/find-${name})
    file(REMOVE_RECURSE ${dir})
    execute_process(COMMAND ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/find -B ${dir}
            -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${prefix} -DQt6_DIR=${QT_DIR} "-DFIND_ARGS=${args}"
        RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
    if(rc EQUAL 0 AND stdout MATCHES "-- (DropSlot: [^\n]*)")
        set(result "${CMAKE_MATCH_1}" PARENT_SCOPE)
    else()
        set(result "error: ${stdout}${stderr}" PARENT_SCOPE)
    endif()
endfunction()

# find_dropslot(), then fails unless its result matches regex.
function(expect_find prefix args regex)
    find_dropslot(${prefix} "${args}")
    # CMake wraps the messages it prints; compare words, not line breaks.
    string(REGEX REPLACE "[ \n]+" " " result "${result}")
    if(NOT result MATCHES "${regex}")
        message(FATAL_ERROR "find_package(DropSlot ${args}): expected '${regex}', got:\n${result}")
    endif()
    message(STATUS "find_package(DropSlot ${args}): ${result}")
endfunction()
