# SPDX-License-Identifier: MIT
# cmake -P script: build the application in qmlapp/ against PREFIX and run it with no QML import
# path in the environment, then lint its QML with the import path the package advertises.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
file(REMOVE_RECURSE ${WORK_DIR})
step("configure qmlapp" ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR} ${consumer_args})
step("build qmlapp" ${CMAKE_COMMAND} --build ${WORK_DIR})
# Nothing but the application itself may tell the engine where DropSlot is.
step("run qmlapp" env -u QML2_IMPORT_PATH -u QML_IMPORT_PATH -u LD_LIBRARY_PATH
    QT_QPA_PLATFORM=offscreen ${WORK_DIR}/qmlapp)
expect_match("${out}" "qmlapp: QML answered 42 through the bus" "run qmlapp")

file(READ ${WORK_DIR}/dropslot_qml_import_path.txt import_path)
if(NOT IS_DIRECTORY "${import_path}/DropSlot")
    message(FATAL_ERROR "DropSlot_QML_IMPORT_PATH '${import_path}' holds no DropSlot module")
endif()
step("qmllint" env -u QML2_IMPORT_PATH -u QML_IMPORT_PATH
    ${QMLLINT} -I ${import_path} ${CONSUMER_DIR}/Main.qml)
if(out MATCHES "[Uu]nresolved|[Ii]mport|not found|Warning")
    message(FATAL_ERROR "qmllint could not resolve DropSlot through ${import_path}:\n${out}")
endif()
