# SPDX-License-Identifier: MIT
# cmake -DQHP=<html/index.qhp> -DQCH=<out.qch> -DQHELPGENERATOR=<path> -P qch.cmake
# Turns Doxygen's Qt Help project into the .qch. First it gives each keyword the identifier Qt
# Creator's context help (F1) looks up: the qualified name, e.g. DropSlot::Topic::publish,
# without the anchor Doxygen appends; it drops the keywords of implicit template instances
# (Topic< QVariant >), which only repeat Topic's; and it adds the QML types under the
# identifiers Qt Creator uses for them in QML code (QML.DropSlotTopic).
foreach(var QHP QCH QHELPGENERATOR)
    if(NOT ${var})
        message(FATAL_ERROR "qch.cmake: ${var} is not set")
    endif()
endforeach()

file(READ "${QHP}" project)
string(REGEX REPLACE "<keyword [^\n]* id=\"[^\"]*&lt;[^\n]*\n" "" project "${project}")
string(REGEX REPLACE " id=\"([^\"]+)_(a[0-9a-f]+)?\"" " id=\"\\1\"" project "${project}")
set(qml_keywords "")
foreach(type DropSlotTopic DropSlotBus DropSlotTopicModel)
    string(TOLOWER "${type}" anchor)
    string(APPEND qml_keywords
        "<keyword name=\"${type}\" id=\"QML.${type}\" ref=\"qml.html#qml-${anchor}\"/>\n")
endforeach()
string(REPLACE "</keywords>" "${qml_keywords}</keywords>" project "${project}")
get_filename_component(dir "${QHP}" DIRECTORY)
set(fixed "${dir}/dropslot.qhp")
file(WRITE "${fixed}" "${project}")

# -c: every local link must point into the help project.
execute_process(COMMAND "${QHELPGENERATOR}" "${fixed}" -c -s -o "${QCH}"
    WORKING_DIRECTORY "${dir}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "qhelpgenerator failed (${result})")
endif()
