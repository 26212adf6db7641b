# SPDX-License-Identifier: MIT
# Warnings, strict Qt defines and sanitizer flags shared by every DropSlot target.

if(DROPSLOT_SANITIZE STREQUAL "address")
    # ASan + UBSan; any report aborts the process so CTest sees a failure.
    add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                        -fno-omit-frame-pointer -g)
    add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
elseif(DROPSLOT_SANITIZE STREQUAL "thread")
    add_compile_options(-fsanitize=thread -fno-omit-frame-pointer -g)
    add_link_options(-fsanitize=thread)
elseif(NOT DROPSLOT_SANITIZE STREQUAL "")
    message(FATAL_ERROR "DROPSLOT_SANITIZE must be empty, 'address' or 'thread', not '${DROPSLOT_SANITIZE}'")
endif()

# Applies our warning level and Qt's strict string/keyword defines to one target.
function(dropslot_strict_settings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
    if(DROPSLOT_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    target_compile_definitions(${target} PRIVATE
        QT_NO_KEYWORDS
        QT_NO_CAST_FROM_ASCII
        QT_NO_CAST_TO_ASCII
        QT_NO_CAST_FROM_BYTEARRAY
        QT_NO_URL_CAST_FROM_STRING
        QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
        QT_NO_FOREACH
        QT_USE_QSTRINGBUILDER)
endfunction()
