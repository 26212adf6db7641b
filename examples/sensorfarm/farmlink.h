// SPDX-License-Identifier: MIT
// What the sensor farm and the dashboard agree on: the topics between them (local names; both
// add the same --prefix on the broker) and how --mqtt HOST:PORT is read.
#pragma once

#include <QtCore/QString>

namespace FarmLink {

//! The sensors, doubles, exported by the farm: "plant/line01/temp1" and so on.
inline QString sensorFilter() { return QStringLiteral("plant/#"); }
//! How many times the farm's workers have published, in total (a double, about four times a
//! second), so that a dashboard can show the rate behind the messages it receives.
inline QString publishesTopic() { return QStringLiteral("farm/publishes"); }
//! The farm's bridge status topic: retained "online" while connected, "offline" when it stops
//! or, through the broker's last will, when it dies.
inline QString statusTopic() { return QStringLiteral("farm/status"); }
//! A dashboard publishes a number here; the farm publishes it back on pongTopic().
inline QString pingTopic() { return QStringLiteral("farm/ping"); }
inline QString pongTopic() { return QStringLiteral("farm/pong"); }
inline QString defaultPrefix() { return QStringLiteral("sensorfarm/"); }

//! Reads "host:port" (the port may be left out: 1883); false if it is not that.
inline bool parseHostPort(const QString &text, QString *host, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    *host = colon < 0 ? text : text.first(colon);
    bool ok = true;
    const uint number = colon < 0 ? 1883 : text.sliced(colon + 1).toUInt(&ok);
    if (!ok || number == 0 || number > 65535 || host->isEmpty())
        return false;
    *port = quint16(number);
    return true;
}

} // namespace FarmLink
