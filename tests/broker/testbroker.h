// SPDX-License-Identifier: MIT
// A Mosquitto broker of the test's own: a free port on 127.0.0.1, a configuration file in a
// temporary folder, started and stopped by the test. Nothing listens beyond loopback.
#pragma once

#include <QtCore/QProcess>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QTemporaryDir>

#include <memory>

class TestBroker
{
public:
    struct Config
    {
        QString username, password;    // set: a password file, anonymous clients refused
        bool tls = false;              // certificates made by openssl in the temporary folder
    };
    TestBroker() : TestBroker(Config{}) { }
    explicit TestBroker(const Config &config);
    ~TestBroker();

    //! Starts the broker and waits until it accepts connections; false (with a message) if not.
    bool start();
    //! Kills the broker (SIGKILL: no goodbye to clients); the port stays reserved for start().
    void kill();
    //! Stops the broker with SIGTERM and waits for it.
    void stop();
    bool isRunning() const;

    quint16 port() const { return m_port; }
    //! The broker's process id while it runs, else 0.
    qint64 pid() const;
    QString dir() const { return m_dir.path(); }
    QString caFile() const;     // with tls: the CA that signed the broker's certificate
    QString lastError() const { return m_error; }

    //! Runs mosquitto_pub (or sub) against this broker with args; output and exit code.
    struct Result { int exitCode; QByteArray out, err; };
    Result runClient(const QString &program, const QStringList &args, int timeoutMs = 10000) const;
    //! The connection arguments for mosquitto_pub/sub: -h -p and credentials/TLS.
    QStringList clientArgs() const;

private:
    bool writeConfig();
    bool makeCertificates();

    Config m_config;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    std::unique_ptr<QProcess> m_process;
    QString m_error;
};

//! Whether mosquitto and its clients are installed (tests skip with a reason when they are not).
bool mosquittoAvailable();
