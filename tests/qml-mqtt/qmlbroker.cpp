// SPDX-License-Identifier: MIT
#include "qmlbroker.h"
#include "mqtttestsupport.h"

#include <QtNetwork/QTcpServer>

QmlBroker::QmlBroker(QObject *parent) : QObject(parent)
{
    {
        // Bound and released: nothing listens there afterwards.
        QTcpServer server;
        if (server.listen(QHostAddress::LocalHost))
            m_closedPort = server.serverPort();
    }
    if (!mosquittoAvailable()) {
        m_error = QStringLiteral("mosquitto and mosquitto-clients are not installed");
        return;
    }
    m_available = m_broker.start();
    if (!m_available)
        m_error = m_broker.lastError();
}

bool QmlBroker::publish(const QString &topic, const QString &payload, bool retained)
{
    return publishExternally(m_broker, topic, payload.toUtf8(),
                             retained ? QStringList{QStringLiteral("-r")} : QStringList{});
}

QString QmlBroker::retained(const QString &topic) const
{
    return QString::fromUtf8(::retained(m_broker, topic));
}
