# SPDX-License-Identifier: MIT
# Installs the CMake package: find_package(DropSlot CONFIG) gives DropSlot::Core (and
# DropSlot::Qml when the QML module was built).
include(CMakePackageConfigHelpers)

set(DROPSLOT_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/DropSlot)

install(EXPORT DropSlotTargets
    NAMESPACE DropSlot::
    FILE DropSlotTargets.cmake
    DESTINATION ${DROPSLOT_INSTALL_CMAKEDIR})

configure_package_config_file(cmake/DropSlotConfig.cmake.in
    ${CMAKE_CURRENT_BINARY_DIR}/DropSlotConfig.cmake
    INSTALL_DESTINATION ${DROPSLOT_INSTALL_CMAKEDIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/DropSlotConfigVersion.cmake
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY SameMinorVersion)
install(FILES
    ${CMAKE_CURRENT_BINARY_DIR}/DropSlotConfig.cmake
    ${CMAKE_CURRENT_BINARY_DIR}/DropSlotConfigVersion.cmake
    DESTINATION ${DROPSLOT_INSTALL_CMAKEDIR})
