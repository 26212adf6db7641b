# SPDX-License-Identifier: MIT
# cmake -P script: configure DropSlot from SOURCE_DIR for /usr, make its Debian package with
# CPack, unpack it into a scratch root and check what it holds; then run QML tests against the
# unpacked QML module (its plugin finds the unpacked libraries through its relative RPATH).
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${WORK_DIR})
set(build ${WORK_DIR}/build)
step("configure" ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${build} -G ${GENERATOR} -DQt6_DIR=${QT_DIR}
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr
    -DDROPSLOT_BUILD_TESTS=OFF -DDROPSLOT_BUILD_EXAMPLES=OFF -DDROPSLOT_BUILD_BENCHMARKS=OFF)
step("build" ${CMAKE_COMMAND} --build ${build})
execute_process(COMMAND ${CPACK} -G DEB WORKING_DIRECTORY ${build}
    RESULT_VARIABLE rc OUTPUT_VARIABLE cpack_out ERROR_VARIABLE cpack_err)
file(GLOB debs ${build}/*.deb)
list(LENGTH debs deb_count)
if(NOT rc EQUAL 0 OR NOT deb_count EQUAL 1)
    message(FATAL_ERROR "cpack -G DEB (${rc}) made '${debs}':\n${cpack_out}\n${cpack_err}")
endif()

step("dpkg-deb -f" ${DPKG_DEB} -f ${debs} Package Version Depends)
expect_match("${out}" "Package: dropslot-qt6\n" "package name")
expect_match("${out}" "Version: ${VERSION}\n" "package version")
expect_match("${out}" "Depends: [^\n]*libqt6core6 \\(>= 6\\.[0-9]+\\)" "package depends")
expect_match("${out}" "Depends: [^\n]*libqt6qml6" "package depends")
if(MQTT)
    expect_match("${out}" "Depends: [^\n]*libmosquitto1" "package depends")
endif()

set(root ${WORK_DIR}/root)
step("dpkg-deb -x" ${DPKG_DEB} -x ${debs} ${root})
file(GLOB_RECURSE config ${root}/*/DropSlotConfig.cmake)
if(NOT config)
    message(FATAL_ERROR "no CMake package in the .deb")
endif()
get_filename_component(libdir ${config} DIRECTORY)
get_filename_component(libdir ${libdir} DIRECTORY)
get_filename_component(libdir ${libdir} DIRECTORY)
string(REGEX MATCH "^[0-9]+\\.[0-9]+" minor_version ${VERSION})
set(expected
    usr/include/DropSlot/DropSlot usr/include/DropSlot/bus.h usr/include/DropSlot/Bus
    usr/include/DropSlot/dropslot_export.h usr/include/DropSlot/detail/topiccore.h
    usr/include/DropSlot/dropslottopic.h usr/include/DropSlot/DropSlotTopic
    usr/include/DropSlot/dropslotqml_export.h
    ${libdir}/libdropslot.so ${libdir}/libdropslot.so.${minor_version}
    ${libdir}/libdropslot.so.${VERSION} ${libdir}/libdropslotqml.so.${VERSION}
    ${libdir}/cmake/DropSlot/DropSlotConfigVersion.cmake
    ${libdir}/cmake/DropSlot/DropSlotTargets.cmake
    ${libdir}/cmake/DropSlot/DropSlotQmlTargets.cmake
    ${libdir}/pkgconfig/DropSlot.pc
    # Qt's own QML directory: every QML engine looks there without being told.
    ${QT_INSTALL_QML}/DropSlot/qmldir ${QT_INSTALL_QML}/DropSlot/DropSlotQml.qmltypes
    ${QT_INSTALL_QML}/DropSlot/libdropslotplugin.so)
if(MQTT)
    list(APPEND expected
        usr/include/DropSlot/mqttbridge.h usr/include/DropSlot/MqttBridge
        usr/include/DropSlot/dropslotmqttbridge.h
        ${libdir}/libdropslotmqtt.so.${VERSION} ${libdir}/libdropslotqmlmqtt.so.${VERSION}
        ${libdir}/cmake/DropSlot/DropSlotMqttTargets.cmake
        ${libdir}/cmake/DropSlot/DropSlotQmlMqttTargets.cmake
        ${libdir}/pkgconfig/DropSlotMqtt.pc
        ${QT_INSTALL_QML}/DropSlot/Mqtt/qmldir ${QT_INSTALL_QML}/DropSlot/Mqtt/DropSlotQmlMqtt.qmltypes
        ${QT_INSTALL_QML}/DropSlot/Mqtt/libdropslotmqttplugin.so)
endif()
foreach(file IN LISTS expected)
    string(REGEX REPLACE "^${root}/" "" file ${file})
    string(REGEX REPLACE "^/" "" file ${file})
    if(NOT EXISTS ${root}/${file})
        message(FATAL_ERROR "the .deb has no ${file}")
    endif()
endforeach()
# The object that keeps DropSlotQml linked into applications (see qml/registrationanchor.cpp).
file(GLOB_RECURSE anchor ${root}/*/registrationanchor*.o)
if(NOT anchor)
    message(FATAL_ERROR "the .deb has no registration anchor object for DropSlot::Qml")
endif()
message(STATUS "the .deb holds every expected file")

if(RUNNER)
    step("qmltestrunner on the unpacked module" env -u LD_LIBRARY_PATH ${RUNNER}
        -import ${root}${QT_INSTALL_QML} -input ${SOURCE_DIR}/tests/qml/tst_topic.qml)
endif()
