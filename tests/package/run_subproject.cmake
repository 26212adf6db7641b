# SPDX-License-Identifier: MIT
# cmake -P script: build qmlapp/ with DropSlot's source tree SOURCE_DIR as a sub-project
# (add_subdirectory) and run it. DropSlot must provide DropSlot::Core and DropSlot::Qml there,
# keep its tests, examples and benchmarks and its feature summary out of the parent's build.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${WORK_DIR})
step("configure" ${CMAKE_COMMAND} -S ${CMAKE_CURRENT_LIST_DIR}/qmlapp -B ${WORK_DIR}
    -G ${GENERATOR} -DQt6_DIR=${QT_DIR} -DCMAKE_BUILD_TYPE=Release
    -DDROPSLOT_SOURCE_DIR=${SOURCE_DIR})
if(out MATCHES "features have been enabled|features have been disabled|DROPSLOT_")
    message(FATAL_ERROR "DropSlot printed its feature summary into the parent's configure:\n${out}")
endif()
foreach(dir tests examples benchmarks)
    if(EXISTS ${WORK_DIR}/dropslot/${dir})
        message(FATAL_ERROR "DropSlot configured its ${dir} as a sub-project")
    endif()
endforeach()
step("build" ${CMAKE_COMMAND} --build ${WORK_DIR})
step("run" env -u QML2_IMPORT_PATH -u QML_IMPORT_PATH -u LD_LIBRARY_PATH
    QT_QPA_PLATFORM=offscreen ${WORK_DIR}/qmlapp)
expect_match("${out}" "qmlapp: QML answered 42 through the bus" "run")
