# SPDX-License-Identifier: MIT
# cmake -P script: which version requests the package in PREFIX accepts. While DropSlot is 0.x, a
# request for 0 or for this 0.x is met, another 0.x or another major version is refused.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
if(NOT VERSION MATCHES "^0\\.([0-9]+)\\.")
    message(FATAL_ERROR "this test knows the 0.x rules only; DropSlot is ${VERSION}")
endif()
math(EXPR next_minor "${CMAKE_MATCH_1} + 1")
string(REGEX MATCH "^0\\.[0-9]+" this_minor ${VERSION})

expect_find(${PREFIX} "0|REQUIRED" "found=1 version=${VERSION}")
expect_find(${PREFIX} "${this_minor}|REQUIRED" "found=1 version=${VERSION}")
expect_find(${PREFIX} "${VERSION}|EXACT|REQUIRED" "found=1")
expect_find(${PREFIX} "${this_minor}...<1|REQUIRED" "found=1")
expect_find(${PREFIX} "0.${next_minor}" "found=0")
expect_find(${PREFIX} "2" "found=0")
expect_find(${PREFIX} "1" "found=0")
expect_find(${PREFIX} "2|REQUIRED" "^error: .*DropSlot")

# The QML module carries the same major.minor: `import DropSlot <major.minor>` works, a newer
# minor is refused. Run by Qt's qmltestrunner, which cannot load an instrumented plugin.
file(GLOB_RECURSE qmldir ${PREFIX}/qmldir)
list(FILTER qmldir INCLUDE REGEX "/DropSlot/qmldir$")
if(RUNNER AND SANITIZE STREQUAL "" AND qmldir)
    get_filename_component(import_dir ${qmldir} DIRECTORY)
    get_filename_component(import_dir ${import_dir} DIRECTORY)
    foreach(qml_version ${this_minor} 0.${next_minor})
        file(WRITE ${WORK_DIR}/${qml_version}/tst_versioned.qml "import QtQuick
import QtTest
import DropSlot ${qml_version}

TestCase {
    name: \"VersionedImport\"
    DropSlotTopic { id: topic; name: \"versioned\" }
    function test_import() { verify(topic.publish(1)) }
}
")
        execute_process(COMMAND env -u LD_LIBRARY_PATH ${RUNNER} -import ${import_dir}
                -input ${WORK_DIR}/${qml_version}/tst_versioned.qml
            RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
        if(qml_version STREQUAL this_minor AND NOT rc EQUAL 0)
            message(FATAL_ERROR "import DropSlot ${qml_version} failed:\n${stdout}\n${stderr}")
        elseif(NOT qml_version STREQUAL this_minor
               AND (rc EQUAL 0 OR NOT "${stdout}${stderr}" MATCHES "version ${qml_version}"))
            message(FATAL_ERROR
                "import DropSlot ${qml_version} was not refused:\n${stdout}\n${stderr}")
        endif()
        message(STATUS "import DropSlot ${qml_version}: ${rc}")
    endforeach()
endif()
