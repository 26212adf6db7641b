// SPDX-License-Identifier: MIT
// The test broker as QML tests see it: its port, a port nobody listens on, and Mosquitto's own
// clients (mosquitto_pub, mosquitto_sub) to check what the element sends and receives.
#pragma once

#include "testbroker.h"

#include <QtCore/QObject>

class QmlBroker : public QObject
{
    Q_OBJECT
    //! False when Mosquitto is not installed or did not start (the tests skip, saying why).
    Q_PROPERTY(bool available READ isAvailable CONSTANT FINAL)
    Q_PROPERTY(QString error READ error CONSTANT FINAL)
    Q_PROPERTY(int port READ port CONSTANT FINAL)
    //! A port on 127.0.0.1 that refuses connections.
    Q_PROPERTY(int closedPort READ closedPort CONSTANT FINAL)

public:
    explicit QmlBroker(QObject *parent = nullptr);

    bool isAvailable() const { return m_available; }
    QString error() const { return m_error; }
    int port() const { return m_broker.port(); }
    int closedPort() const { return m_closedPort; }

    //! Publishes payload to topic with mosquitto_pub (retained if asked); false if it failed.
    Q_INVOKABLE bool publish(const QString &topic, const QString &payload, bool retained);
    //! The retained payload of topic as mosquitto_sub reads it; "<none>" if there is none.
    Q_INVOKABLE QString retained(const QString &topic) const;

private:
    TestBroker m_broker;
    bool m_available = false;
    QString m_error;
    int m_closedPort = 0;
};
