# SPDX-License-Identifier: MIT
# cmake -P script: compile and run a program with the flags `pkg-config DropSlot` gives for the
# installation in PREFIX (found through PKG_CONFIG_PATH, as a user of a non-system prefix would).
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
file(GLOB_RECURSE pc_files ${PREFIX}/*/DropSlot.pc)
if(NOT pc_files)
    message(FATAL_ERROR "no DropSlot.pc installed under ${PREFIX}")
endif()
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)
set(pkg_config env PKG_CONFIG_PATH=${pc_dir} ${PKG_CONFIG})

step("pkg-config --modversion" ${pkg_config} --modversion DropSlot)
string(STRIP "${out}" version)
if(NOT version STREQUAL VERSION)
    message(FATAL_ERROR "DropSlot.pc says version '${version}', the project is ${VERSION}")
endif()
step("pkg-config --cflags --libs" ${pkg_config} --cflags --libs DropSlot)
separate_arguments(pc_flags UNIX_COMMAND "${out}")
step("pkg-config --variable=libdir" ${pkg_config} --variable=libdir DropSlot)
string(STRIP "${out}" libdir)
separate_arguments(sanitizer_flags UNIX_COMMAND "${flags}")
step("compile" ${CXX} -std=c++20 ${sanitizer_flags} ${CMAKE_CURRENT_LIST_DIR}/pkgconfig/main.cpp
    ${pc_flags} -o ${WORK_DIR}/pkgconfig_consumer)
# pkg-config gives no run-time path: the program finds the library as its users' would.
step("run" env LD_LIBRARY_PATH=${libdir} ${WORK_DIR}/pkgconfig_consumer)
expect_match("${out}" "pkgconfig consumer: read 42" "run")

# The MQTT bridge: DropSlotMqtt.pc pulls in DropSlot.pc.
if(MQTT)
    step("pkg-config --cflags --libs DropSlotMqtt" ${pkg_config} --cflags --libs DropSlotMqtt)
    separate_arguments(pc_flags UNIX_COMMAND "${out}")
    step("compile mqtt" ${CXX} -std=c++20 ${sanitizer_flags}
        ${CMAKE_CURRENT_LIST_DIR}/pkgconfig/mqtt.cpp ${pc_flags} -o ${WORK_DIR}/pkgconfig_mqtt)
    step("run mqtt" env LD_LIBRARY_PATH=${libdir} ${WORK_DIR}/pkgconfig_mqtt)
    expect_match("${out}" "pkgconfig mqtt consumer: port 1884" "run mqtt")
endif()
