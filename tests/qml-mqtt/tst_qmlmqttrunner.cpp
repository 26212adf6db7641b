// SPDX-License-Identifier: MIT
// Runs one tst_*.qml file (given with -input) against a Mosquitto broker that this program
// starts. QML sees two context properties: `broker` (QmlBroker) and `intBus`, a DropSlotBus
// around a C++ Bus<int>, for what a typed bus refuses.
#include "qmlbroker.h"

#include <DropSlot/DropSlotBus>

#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>
#include <QtQuickTest/quicktest.h>

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void applicationAvailable()
    {
        m_broker = new QmlBroker(this);
        m_intBus = new DropSlot::DropSlotBus(DropSlot::Bus<int>(), this);
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->rootContext()->setContextProperty(QStringLiteral("broker"), m_broker);
        engine->rootContext()->setContextProperty(QStringLiteral("intBus"), m_intBus);
    }

private:
    QmlBroker *m_broker = nullptr;
    DropSlot::DropSlotBus *m_intBus = nullptr;
};

QUICK_TEST_MAIN_WITH_SETUP(dropslot_mqtt, Setup)

#include "tst_qmlmqttrunner.moc"
