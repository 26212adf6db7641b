// SPDX-License-Identifier: MIT
// A private Mosquitto for the MQTT benchmark: a free port on 127.0.0.1, no persistence, started,
// killed and started again on the same port. Its process id lets the harness read its CPU time.
#pragma once

#include <QtCore/QProcess>
#include <QtCore/QString>
#include <QtCore/QTemporaryDir>

#include <memory>

class MiniBroker
{
public:
    MiniBroker();
    ~MiniBroker();

    //! Starts mosquitto and waits until it accepts connections; false (with error()) if not.
    bool start();
    //! SIGKILL: clients get no goodbye; the port stays reserved for start().
    void kill();

    quint16 port() const { return m_port; }
    qint64 pid() const;
    //! utime + stime of the broker process, in nanoseconds (from /proc/<pid>/stat).
    qint64 cpuNs() const;
    QString error() const { return m_error; }

private:
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_process;
    QString m_error;
};
