// SPDX-License-Identifier: MIT
// The QML engine loads this plugin for `import DropSlot.Mqtt`; the element itself lives in the
// DropSlotQmlMqtt library it links.
#include <QtQml/QQmlEngineExtensionPlugin>

extern void qml_register_types_DropSlot_Mqtt();

class DropSlotMqttPlugin : public QQmlEngineExtensionPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID QQmlEngineExtensionInterface_iid)

public:
    explicit DropSlotMqttPlugin(QObject *parent = nullptr) : QQmlEngineExtensionPlugin(parent)
    {
        // Keeps the linker from dropping the type registration of the backing library.
        volatile auto registration = &qml_register_types_DropSlot_Mqtt;
        Q_UNUSED(registration);
    }
};

#include "dropslotmqttplugin.moc"
