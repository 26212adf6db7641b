# SPDX-License-Identifier: MIT
# cmake -P script: find_package(DropSlot COMPONENTS ...) against PREFIX (built with the QML
# module, and with the MQTT bridge when MQTT is on) and against a DropSlot built here with
# neither.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${WORK_DIR})

expect_find(${PREFIX} "REQUIRED|COMPONENTS|Core|Qml"
    "found=1 .*Core=TRUE Qml=TRUE .*targets=DropSlot::Core;DropSlot::Qml qml_import_path=/")
expect_find(${PREFIX} "REQUIRED|COMPONENTS|Core" "found=1 .*Core=TRUE .*targets=DropSlot::Core ")
expect_find(${PREFIX} "REQUIRED|COMPONENTS|Qml"
    "found=1 .*Qml=TRUE .*targets=DropSlot::Core;DropSlot::Qml")
expect_find(${PREFIX} "REQUIRED" "found=1 .*targets=DropSlot::Core;DropSlot::Qml")
expect_find(${PREFIX} "COMPONENTS|Core|OPTIONAL_COMPONENTS|Widgets" "found=1 .*Core=TRUE")
expect_find(${PREFIX} "COMPONENTS|Widgets" "found=0")
expect_find(${PREFIX} "REQUIRED|COMPONENTS|Widgets"
    "^error: .*there is no component Widgets \\(components: Core, Qml, Mqtt, QmlMqtt\\)")
if(MQTT)
    expect_find(${PREFIX} "REQUIRED|COMPONENTS|Mqtt"
        "found=1 .*Mqtt=TRUE .*targets=DropSlot::Core;DropSlot::Mqtt ")
    # QmlMqtt brings what it links: Qml and Mqtt.
    expect_find(${PREFIX} "REQUIRED|COMPONENTS|QmlMqtt"
        "found=1 .*Qml=TRUE Mqtt=TRUE QmlMqtt=TRUE targets=DropSlot::Core;DropSlot::Qml;DropSlot::Mqtt;DropSlot::QmlMqtt qml_import_path=/")
    expect_find(${PREFIX} "REQUIRED"
        "found=1 .*targets=DropSlot::Core;DropSlot::Qml;DropSlot::Mqtt;DropSlot::QmlMqtt ")
endif()

# DropSlot without its QML module and MQTT bridge: Core is there, asking for the others says
# they were not built.
set(core_prefix ${WORK_DIR}/core-prefix)
step("configure DropSlot without QML" ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/core-build
    -G ${GENERATOR} -DQt6_DIR=${QT_DIR} -DCMAKE_BUILD_TYPE=Release -DDROPSLOT_BUILD_QML=OFF
    -DDROPSLOT_BUILD_MQTT=OFF
    -DDROPSLOT_BUILD_TESTS=OFF -DDROPSLOT_BUILD_EXAMPLES=OFF -DDROPSLOT_BUILD_BENCHMARKS=OFF)
step("build DropSlot without QML" ${CMAKE_COMMAND} --build ${WORK_DIR}/core-build)
step("install DropSlot without QML" ${CMAKE_COMMAND} --install ${WORK_DIR}/core-build
    --prefix ${core_prefix})
expect_find(${core_prefix} "REQUIRED|COMPONENTS|Core"
    "found=1 .*Core=TRUE .*targets=DropSlot::Core ")
expect_find(${core_prefix} "REQUIRED" "found=1 .*targets=DropSlot::Core ")
expect_find(${core_prefix} "COMPONENTS|Core|Qml" "found=0 .*Qml=FALSE .*targets= ")
expect_find(${core_prefix} "COMPONENTS|Core|OPTIONAL_COMPONENTS|Qml" "found=1 .*Qml=FALSE")
expect_find(${core_prefix} "REQUIRED|COMPONENTS|Core|Qml"
    "^error: .*component Qml was not built \\(DROPSLOT_BUILD_QML was OFF\\)")
expect_find(${core_prefix} "REQUIRED|COMPONENTS|Mqtt"
    "^error: .*component Mqtt was not built \\(DROPSLOT_BUILD_MQTT was OFF")
expect_find(${core_prefix} "COMPONENTS|Core|OPTIONAL_COMPONENTS|Mqtt|QmlMqtt"
    "found=1 .*Mqtt=FALSE QmlMqtt=FALSE targets=DropSlot::Core ")
expect_find(${core_prefix} "REQUIRED|COMPONENTS|QmlMqtt"
    "^error: .*component QmlMqtt was not built \\(it needs both DROPSLOT_BUILD_QML and")
