# SPDX-License-Identifier: MIT
# Installs the CMake package: find_package(DropSlot CONFIG) gives DropSlot::Core (and
# DropSlot::Qml, DropSlot::Mqtt, DropSlot::QmlMqtt for what was built), with components Core,
# Qml, Mqtt and QmlMqtt; and DropSlot.pc (DropSlotMqtt.pc) for pkg-config users.
include(CMakePackageConfigHelpers)

set(DROPSLOT_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/DropSlot)
if(NOT DROPSLOT_BUILD_QML)
    # Only named in the package config, which does not use it without the QML module.
    set(DROPSLOT_INSTALL_QMLDIR ${CMAKE_INSTALL_LIBDIR}/qml)
endif()

install(EXPORT DropSlotTargets
    NAMESPACE DropSlot::
    FILE DropSlotTargets.cmake
    DESTINATION ${DROPSLOT_INSTALL_CMAKEDIR})

# A static DropSlotMqtt passes libmosquitto on by path; the package checks that it is there.
set(DROPSLOT_PACKAGE_MOSQUITTO "")
if(DROPSLOT_BUILD_MQTT AND DROPSLOT_LIBRARY_TYPE STREQUAL "STATIC")
    list(GET DROPSLOT_MOSQUITTO_LINK_LIBRARIES 0 DROPSLOT_PACKAGE_MOSQUITTO)
endif()

configure_package_config_file(cmake/DropSlotConfig.cmake.in
    ${CMAKE_CURRENT_BINARY_DIR}/DropSlotConfig.cmake
    INSTALL_DESTINATION ${DROPSLOT_INSTALL_CMAKEDIR}
    PATH_VARS DROPSLOT_INSTALL_QMLDIR)
# Not write_basic_package_version_file: none of its policies treats 0.x as semantic versioning
# does (SameMajorVersion takes 0.2 for 0.1; SameMinorVersion refuses a request for just 0).
configure_file(cmake/DropSlotConfigVersion.cmake.in
    ${CMAKE_CURRENT_BINARY_DIR}/DropSlotConfigVersion.cmake @ONLY)
install(FILES
    ${CMAKE_CURRENT_BINARY_DIR}/DropSlotConfig.cmake
    ${CMAKE_CURRENT_BINARY_DIR}/DropSlotConfigVersion.cmake
    DESTINATION ${DROPSLOT_INSTALL_CMAKEDIR})

# pkg-config: the core library only. The QML module needs what CMake gives (its registration
# object, the plugin, an import path for tools), which a .pc file cannot express.
set(DROPSLOT_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH DROPSLOT_PC_TO_PREFIX /prefix/${DROPSLOT_PC_DIR} /prefix)
string(REGEX REPLACE "/$" "" DROPSLOT_PC_TO_PREFIX "${DROPSLOT_PC_TO_PREFIX}")
set(DROPSLOT_PC_QT_VERSION ${Qt6_VERSION_MAJOR}.${Qt6_VERSION_MINOR})
set(DROPSLOT_PC_CFLAGS "")
if(DROPSLOT_LIBRARY_TYPE STREQUAL "STATIC")
    set(DROPSLOT_PC_CFLAGS " -DDROPSLOT_STATIC_DEFINE")
endif()
configure_file(cmake/DropSlot.pc.in ${CMAKE_CURRENT_BINARY_DIR}/DropSlot.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/DropSlot.pc DESTINATION ${DROPSLOT_PC_DIR})
if(DROPSLOT_BUILD_MQTT)
    set(DROPSLOT_PC_MQTT_CFLAGS "")
    if(DROPSLOT_LIBRARY_TYPE STREQUAL "STATIC")
        set(DROPSLOT_PC_MQTT_CFLAGS " -DDROPSLOTMQTT_STATIC_DEFINE")
    endif()
    configure_file(cmake/DropSlotMqtt.pc.in ${CMAKE_CURRENT_BINARY_DIR}/DropSlotMqtt.pc @ONLY)
    install(FILES ${CMAKE_CURRENT_BINARY_DIR}/DropSlotMqtt.pc DESTINATION ${DROPSLOT_PC_DIR})
endif()
