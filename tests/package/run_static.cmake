# SPDX-License-Identifier: MIT
# cmake -P script: build DropSlot from SOURCE_DIR with BUILD_SHARED_LIBS=OFF, install it, then
# build qmlapp/ against it: the application links the libraries and the QML plugin statically
# and imports the plugin; it must run with no DropSlot shared library anywhere.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${WORK_DIR})
set(static_prefix ${WORK_DIR}/prefix)
step("configure static DropSlot" ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/dropslot
    -G ${GENERATOR} -DQt6_DIR=${QT_DIR} -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF
    -DDROPSLOT_BUILD_TESTS=OFF -DDROPSLOT_BUILD_EXAMPLES=OFF -DDROPSLOT_BUILD_BENCHMARKS=OFF)
step("build static DropSlot" ${CMAKE_COMMAND} --build ${WORK_DIR}/dropslot)
step("install static DropSlot"
    ${CMAKE_COMMAND} --install ${WORK_DIR}/dropslot --prefix ${static_prefix})
file(GLOB_RECURSE shared ${static_prefix}/*.so*)
file(GLOB_RECURSE archives ${static_prefix}/*.a)
list(LENGTH archives archive_count)
# Core, Qml and its plugin; with the MQTT bridge also Mqtt, QmlMqtt and its plugin.
if(shared OR NOT (archive_count EQUAL 3 OR archive_count EQUAL 6))
    message(FATAL_ERROR
        "expected three (or six) static libraries and no shared one, got: ${archives} ${shared}")
endif()

step("configure qmlapp" ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/qmlapp -B ${WORK_DIR}/app
    -G ${GENERATOR} -DCMAKE_PREFIX_PATH=${static_prefix} -DQt6_DIR=${QT_DIR}
    -DCMAKE_BUILD_TYPE=Release)
step("build qmlapp" ${CMAKE_COMMAND} --build ${WORK_DIR}/app)
step("run qmlapp" env -u QML2_IMPORT_PATH -u QML_IMPORT_PATH -u LD_LIBRARY_PATH
    QT_QPA_PLATFORM=offscreen ${WORK_DIR}/app/qmlapp)
expect_match("${out}" "qmlapp: static plugin DropSlotPlugin imported" "run qmlapp")
expect_match("${out}" "qmlapp: QML answered 42 through the bus" "run qmlapp")
