// SPDX-License-Identifier: MIT
// The QML engine loads this plugin for `import DropSlot`; the types themselves live in the
// DropSlotQml library it links.
#include <QtQml/QQmlEngineExtensionPlugin>

extern void qml_register_types_DropSlot();

class DropSlotPlugin : public QQmlEngineExtensionPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID QQmlEngineExtensionInterface_iid)

public:
    explicit DropSlotPlugin(QObject *parent = nullptr) : QQmlEngineExtensionPlugin(parent)
    {
        // Keeps the linker from dropping the type registration of the backing library.
        volatile auto registration = &qml_register_types_DropSlot;
        Q_UNUSED(registration);
    }
};

#include "dropslotplugin.moc"
