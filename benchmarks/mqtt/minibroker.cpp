// SPDX-License-Identifier: MIT
#include "minibroker.h"

#include "mqttbenchcommon.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QFile>
#include <QtCore/QStandardPaths>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

MiniBroker::MiniBroker()
{
    QTcpServer server;
    if (server.listen(QHostAddress::LocalHost, 0))
        m_port = server.serverPort();
}

MiniBroker::~MiniBroker()
{
    kill();
}

qint64 MiniBroker::pid() const
{
    return m_process ? m_process->processId() : 0;
}

qint64 MiniBroker::cpuNs() const
{
    return MqttBench::processCpuNs(pid());
}

bool MiniBroker::start()
{
    if (m_process)
        return true;
    QString program = QStandardPaths::findExecutable(QStringLiteral("mosquitto"));
    if (program.isEmpty())
        program = QStandardPaths::findExecutable(QStringLiteral("mosquitto"), {QStringLiteral("/usr/sbin")});
    if (program.isEmpty() || m_port == 0 || !m_dir.isValid()) {
        m_error = QStringLiteral("no mosquitto, free port or temporary folder");
        return false;
    }
    const QString configPath = m_dir.filePath(QStringLiteral("mosquitto.conf"));
    QFile config(configPath);
    if (!config.open(QIODevice::WriteOnly)) {
        m_error = config.errorString();
        return false;
    }
    config.write("listener " + QByteArray::number(m_port) + " 127.0.0.1\n"
                 "persistence false\n"
                 "allow_anonymous true\n"
                 "log_dest none\n");
    config.close();
    // Started as root, mosquitto drops to the user "mosquitto", which must read the file.
    const auto readable = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther;
    QFile::setPermissions(m_dir.path(), readable | QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther);
    QFile::setPermissions(configPath, readable);

    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->start(program, {QStringLiteral("-c"), configPath});
    if (!m_process->waitForStarted(10000)) {
        m_error = m_process->errorString();
        m_process.reset();
        return false;
    }
    const QDeadlineTimer deadline(15000);
    while (!deadline.hasExpired()) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, m_port);
        if (probe.waitForConnected(1000))
            return true;
        if (m_process->waitForFinished(5)) {
            m_error = QStringLiteral("mosquitto exited: %1").arg(QString::fromLocal8Bit(m_process->readAll()));
            m_process.reset();
            return false;
        }
    }
    m_error = QStringLiteral("mosquitto did not accept connections on port %1").arg(m_port);
    kill();
    return false;
}

void MiniBroker::kill()
{
    if (!m_process)
        return;
    m_process->kill();
    m_process->waitForFinished(10000);
    m_process.reset();
}
