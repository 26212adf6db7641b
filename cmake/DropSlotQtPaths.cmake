# SPDX-License-Identifier: MIT
# Asks Qt where it is installed: sets DROPSLOT_QT_INSTALL_PREFIX, DROPSLOT_QT_INSTALL_BINS and
# DROPSLOT_QT_INSTALL_QML (absolute paths; empty when qtpaths cannot be run).
foreach(_var PREFIX BINS QML)
    set(DROPSLOT_QT_INSTALL_${_var} "")
endforeach()
if(TARGET Qt6::qtpaths)
    get_target_property(_dropslot_qtpaths Qt6::qtpaths IMPORTED_LOCATION)
    if(NOT _dropslot_qtpaths)
        get_target_property(_dropslot_qtpaths Qt6::qtpaths IMPORTED_LOCATION_RELEASE)
    endif()
    foreach(_var PREFIX BINS QML)
        execute_process(COMMAND ${_dropslot_qtpaths} --query QT_INSTALL_${_var}
            OUTPUT_VARIABLE _value OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
        set(DROPSLOT_QT_INSTALL_${_var} "${_value}")
    endforeach()
endif()
