# SPDX-License-Identifier: MIT
# `cpack` in a build directory makes a Debian package of what `cmake --install` installs. It
# installs to the prefix the build was configured with: configure with
# -DCMAKE_INSTALL_PREFIX=/usr for a system package, which also puts the QML module into Qt's own
# QML directory, where every QML engine finds it.
set(CPACK_GENERATOR DEB CACHE STRING "CPack generators (DEB: a Debian package)")
set(CPACK_PACKAGE_NAME dropslot-qt6)
set(CPACK_PACKAGE_VENDOR "DropSlot developers")
set(CPACK_PACKAGE_CONTACT "DropSlot developers <dev@dropslot.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "${PROJECT_DESCRIPTION}
 The DropSlot libraries, their headers, CMake package and pkg-config files, the QML module
 'DropSlot' with its plugin, and (where built) the MQTT bridge with its QML module
 'DropSlot.Mqtt'.")
# Named rather than computed (dpkg-shlibdeps): the Qt libraries the package links at run time,
# at least the minor version it was built with; the development packages find_package() needs.
set(_dropslot_qt ${Qt6_VERSION_MAJOR}.${Qt6_VERSION_MINOR})
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6core6 (>= ${_dropslot_qt}), libstdc++6, libc6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-base-dev (>= ${_dropslot_qt})")
if(DROPSLOT_BUILD_QML)
    string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS
        ", libqt6qml6 (>= ${_dropslot_qt}), libqt6quick6 (>= ${_dropslot_qt}), qml6-module-qtqml")
    string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS ", qt6-declarative-dev (>= ${_dropslot_qt})")
endif()
if(DROPSLOT_BUILD_MQTT)
    string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libmosquitto1 (>= 2.0)")
    string(APPEND CPACK_DEBIAN_PACKAGE_RECOMMENDS ", libmosquitto-dev (>= 2.0)")
endif()
include(CPack)
