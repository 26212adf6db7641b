// SPDX-License-Identifier: MIT
// Linked into every target that links DropSlot::QmlMqtt, never into the library itself: the
// reference keeps the library (and the registration of `import DropSlot.Mqtt`) in programs that
// use the module from QML only, where --as-needed would drop it. See qml/registrationanchor.cpp.
extern void qml_register_types_DropSlot_Mqtt();

namespace {
[[gnu::used]] void (*const dropslotQmlMqttRegistration)() = &qml_register_types_DropSlot_Mqtt;
}
