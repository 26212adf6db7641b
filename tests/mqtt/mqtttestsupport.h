// SPDX-License-Identifier: MIT
// What the MQTT suites share: a broker per test case and reading the broker's retained values
// with a client that is not ours (mosquitto_sub).
#pragma once

#include "testbroker.h"

#include <DropSlot/Mqtt>

#include <QtTest/QtTest>

#define REQUIRE_BROKER(broker)                                                                       \
    do {                                                                                             \
        if (!mosquittoAvailable())                                                                   \
            QSKIP("mosquitto and mosquitto-clients are not installed");                              \
        QVERIFY2((broker).start(), qPrintable((broker).lastError()));                                \
    } while (false)

//! The retained payload of topic on broker as mosquitto_sub reads it ("<none>" if there is none).
inline QByteArray retained(const TestBroker &broker, const QString &topic)
{
    const auto r = broker.runClient(QStringLiteral("mosquitto_sub"),
                                    {QStringLiteral("-t"), topic, QStringLiteral("-C"), QStringLiteral("1"),
                                     QStringLiteral("-W"), QStringLiteral("1"), QStringLiteral("--retained-only")});
    return r.exitCode == 0 ? r.out.chopped(r.out.endsWith('\n') ? 1 : 0) : QByteArrayLiteral("<none>");
}

//! Publishes with mosquitto_pub; extra: e.g. {"-r"} for retained.
inline bool publishExternally(const TestBroker &broker, const QString &topic, const QByteArray &payload,
                              const QStringList &extra = {})
{
    QStringList args{QStringLiteral("-t"), topic, QStringLiteral("-q"), QStringLiteral("1")};
    if (payload.isNull())
        args << QStringLiteral("-n");
    else
        args << QStringLiteral("-m") << QString::fromUtf8(payload);
    const auto r = broker.runClient(QStringLiteral("mosquitto_pub"), args + extra);
    if (r.exitCode != 0)
        qWarning() << "mosquitto_pub failed:" << r.err;
    return r.exitCode == 0;
}

inline DropSlot::MqttOptions optionsFor(const TestBroker &broker)
{
    DropSlot::MqttOptions options;
    options.host = QStringLiteral("127.0.0.1");
    options.port = broker.port();
    options.reconnectMinimumMs = 50;
    options.reconnectMaximumMs = 500;
    return options;
}

#define WAIT_CONNECTED(bridge)                                                                       \
    QTRY_COMPARE_WITH_TIMEOUT((bridge).state(), DropSlot::MqttBridge::State::Connected, 10000)
