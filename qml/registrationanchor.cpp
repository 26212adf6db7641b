// SPDX-License-Identifier: MIT
// Linked into every target that links DropSlot::Qml (through $<TARGET_OBJECTS> in the target's
// interface), never into the library itself. Applications usually use the module from QML only
// and call none of the library's functions; linkers that drop unused shared libraries
// (--as-needed, Debian's and Ubuntu's default) would then drop it, and with it the registration
// that lets `import DropSlot` work without a QML import path. This reference keeps it: a regular
// object file that needs a symbol of the library puts the library in the application's NEEDED
// list. A static DropSlotQml is kept the same way: the reference pulls in the registration.
extern void qml_register_types_DropSlot();

namespace {
[[gnu::used]] void (*const dropslotQmlRegistration)() = &qml_register_types_DropSlot;
}
