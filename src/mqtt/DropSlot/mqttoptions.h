// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>
#include <QtCore/QtGlobal>

namespace DropSlot {

//! Where and how an MqttBridge connects. Plain data: copy it, change it, hand it over.
struct MqttOptions
{
    QString host = QStringLiteral("127.0.0.1"); //!< the broker's host name or address
    quint16 port = 1883;                        //!< the broker's port (TLS brokers: usually 8883)
    QString clientId;                  //!< empty: a generated, unique id
    QString username;                  //!< empty: no credentials
    QString password;                  //!< never logged
    QString caFile;                    //!< set: TLS, with this CA (PEM) checking the broker
    QString certFile;                  //!< client certificate (PEM), if the broker asks for one
    QString keyFile;                   //!< the client certificate's key
    QString remotePrefix;              //!< "site1/": local "plant/t" <-> broker "site1/plant/t"
    int qos = 1;                       //!< 0, 1 or 2, for exports and imports
    bool retain = true;                //!< exported messages are retained: late joiners get the latest
    int minimumIntervalMs = 0;         //!< per exported topic, at most one message per interval
    int keepAliveSeconds = 30;         //!< MQTT keep-alive: a silent broker is detected after 1.5×
    qsizetype maxPayloadBytes = 1 << 20; //!< larger payloads, either way, are refused and counted
    //! Non-empty: the broker topic remotePrefix + statusTopic holds a retained "online" while
    //! connected and "offline" after stop() or, through the last will, a lost connection.
    QString statusTopic;
    int reconnectMinimumMs = 250;      //!< first retry delay; doubles per failure ...
    int reconnectMaximumMs = 10000;    //!< ... up to this; each delay is jittered by -25%..0%
    int connectTimeoutMs = 10000;      //!< a connection attempt unanswered this long is retried
};

} // namespace DropSlot
