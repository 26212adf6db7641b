# SPDX-License-Identifier: MIT
# cmake -P script: run qmltestrunner against the QML module installed in PREFIX.
# The DropSlot module's qmldir (DropSlot/Mqtt/qmldir, when installed, sits below it).
file(GLOB_RECURSE qmldir_files ${PREFIX}/qmldir)
list(FILTER qmldir_files INCLUDE REGEX "/DropSlot/qmldir$")
list(LENGTH qmldir_files found)
if(NOT found EQUAL 1)
    message(FATAL_ERROR "expected one installed DropSlot/qmldir, found: ${qmldir_files}")
endif()
get_filename_component(module_dir ${qmldir_files} DIRECTORY)
get_filename_component(import_dir ${module_dir} DIRECTORY)
file(GLOB qmltypes ${module_dir}/*.qmltypes)
if(NOT qmltypes)
    message(FATAL_ERROR "no .qmltypes installed in ${module_dir}")
endif()

string(REPLACE "|" ";" tests "${QML_TESTS}")
foreach(test IN LISTS tests)
    # env -u: make sure nothing but the plugin's own RPATH can find the DropSlot libraries.
    execute_process(COMMAND env -u LD_LIBRARY_PATH ${RUNNER} -import ${import_dir} -input ${test}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message(STATUS "${out}")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "qmltestrunner -import ${import_dir} -input ${test} failed (${rc}):\n${err}")
    endif()
endforeach()
