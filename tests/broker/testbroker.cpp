// SPDX-License-Identifier: MIT
#include "testbroker.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QFile>
#include <QtCore/QStandardPaths>
#include <QtNetwork/QTcpServer>
#include <QtNetwork/QTcpSocket>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace {

QString mosquittoProgram()
{
    QString path = QStandardPaths::findExecutable(QStringLiteral("mosquitto"));
    if (path.isEmpty())
        path = QStandardPaths::findExecutable(QStringLiteral("mosquitto"), {QStringLiteral("/usr/sbin")});
    return path;
}

quint16 freePort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

bool run(const QString &program, const QStringList &args, const QString &dir, QString *error)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.start(program, args);
    if (!process.waitForFinished(30000) || process.exitCode() != 0) {
        *error = QStringLiteral("%1 failed: %2").arg(program, QString::fromLocal8Bit(process.readAllStandardError()));
        return false;
    }
    return true;
}

} // namespace

bool mosquittoAvailable()
{
    return !mosquittoProgram().isEmpty() && !QStandardPaths::findExecutable(QStringLiteral("mosquitto_pub")).isEmpty();
}

TestBroker::TestBroker(const Config &config) : m_config(config), m_port(freePort()) { }

TestBroker::~TestBroker()
{
    kill();
}

qint64 TestBroker::pid() const
{
    return m_process ? m_process->processId() : 0;
}

QString TestBroker::caFile() const
{
    return m_dir.filePath(QStringLiteral("ca.crt"));
}

bool TestBroker::makeCertificates()
{
    const QString openssl = QStringLiteral("openssl");
    const QString dir = m_dir.path();
    // A CA, and a broker certificate for 127.0.0.1 that it signs.
    QFile ext(m_dir.filePath(QStringLiteral("san.ext")));
    if (!ext.open(QIODevice::WriteOnly))
        return false;
    ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    ext.close();
    return run(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                         QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                         QStringLiteral("/CN=DropSlot test CA"), QStringLiteral("-keyout"), QStringLiteral("ca.key"),
                         QStringLiteral("-out"), QStringLiteral("ca.crt")}, dir, &m_error)
        && run(openssl, {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                         QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-keyout"),
                         QStringLiteral("server.key"), QStringLiteral("-out"), QStringLiteral("server.csr")}, dir, &m_error)
        && run(openssl, {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), QStringLiteral("server.csr"),
                         QStringLiteral("-CA"), QStringLiteral("ca.crt"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                         QStringLiteral("-CAcreateserial"), QStringLiteral("-days"), QStringLiteral("2"),
                         QStringLiteral("-extfile"), QStringLiteral("san.ext"), QStringLiteral("-out"),
                         QStringLiteral("server.crt")}, dir, &m_error);
}

bool TestBroker::writeConfig()
{
    QByteArray config = "listener " + QByteArray::number(m_port) + " 127.0.0.1\n"
                        "persistence false\n"
                        "log_dest stdout\n"
                        "log_type error\n"
                        "log_type warning\n";
    if (!m_config.username.isEmpty()) {
        const QString passwords = m_dir.filePath(QStringLiteral("passwords"));
        QFile(passwords).remove();
        if (!run(QStringLiteral("mosquitto_passwd"), {QStringLiteral("-b"), QStringLiteral("-c"), passwords,
                                                     m_config.username, m_config.password}, m_dir.path(), &m_error))
            return false;
        config += "allow_anonymous false\npassword_file " + passwords.toLocal8Bit() + "\n";
    } else {
        config += "allow_anonymous true\n";
    }
    // Started as root, Mosquitto would switch to its own user, and that change of credentials
    // clears the parent-death signal that ends it with this process (see start()). Staying
    // this process's user, it also reads the files made here as their owner.
    if (::geteuid() == 0)
        config += "user root\n";
    if (m_config.tls) {
        if (!QFile::exists(caFile()) && !makeCertificates())
            return false;
        config += "cafile " + caFile().toLocal8Bit() + "\ncertfile "
                + m_dir.filePath(QStringLiteral("server.crt")).toLocal8Bit() + "\nkeyfile "
                + m_dir.filePath(QStringLiteral("server.key")).toLocal8Bit() + "\n";
    }
    QFile file(m_dir.filePath(QStringLiteral("mosquitto.conf")));
    if (!file.open(QIODevice::WriteOnly)) {
        m_error = file.errorString();
        return false;
    }
    file.write(config);
    return true;
}

bool TestBroker::start()
{
    if (isRunning())
        return true;
    if (m_port == 0 || !m_dir.isValid()) {
        m_error = QStringLiteral("no free port or temporary folder");
        return false;
    }
    if (!writeConfig())
        return false;
    m_process = std::make_unique<QProcess>();
    m_process->setReadChannel(QProcess::StandardOutput);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    // The broker dies with this process, also when a crash or a sanitizer's exit skips the
    // destructor: no broker outlives its test.
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    m_process->start(mosquittoProgram(), {QStringLiteral("-c"), m_dir.filePath(QStringLiteral("mosquitto.conf"))});
    if (!m_process->waitForStarted(10000)) {
        m_error = QStringLiteral("mosquitto did not start: %1").arg(m_process->errorString());
        return false;
    }
    // Ready when the listener accepts a connection. Mosquitto's log cannot tell (it buffers its
    // output when that is not a terminal), so the port is probed, pausing between attempts only
    // in a wait for the broker's exit, which returns at once if it fails to start.
    const QDeadlineTimer deadline(15000);
    while (!deadline.hasExpired()) {
        QTcpSocket probe;
        probe.connectToHost(QHostAddress::LocalHost, m_port);
        if (probe.waitForConnected(1000))
            return true;
        if (m_process->waitForFinished(10)) {
            m_error = QStringLiteral("mosquitto exited with code %1: %2")
                              .arg(m_process->exitCode())
                              .arg(QString::fromLocal8Bit(m_process->readAll()));
            m_process.reset();
            return false;
        }
    }
    m_error = QStringLiteral("mosquitto did not accept connections on port %1").arg(m_port);
    kill();
    return false;
}

void TestBroker::kill()
{
    if (!m_process)
        return;
    m_process->kill();
    m_process->waitForFinished(10000);
    m_process.reset();
}

void TestBroker::stop()
{
    if (!m_process)
        return;
    m_process->terminate();
    if (!m_process->waitForFinished(10000))
        m_process->kill();
    m_process->waitForFinished(10000);
    m_process.reset();
}

bool TestBroker::isRunning() const
{
    return m_process && m_process->state() == QProcess::Running;
}

QStringList TestBroker::clientArgs() const
{
    QStringList args{QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(m_port),
                     QStringLiteral("-V"), QStringLiteral("mqttv5")};
    if (!m_config.username.isEmpty())
        args << QStringLiteral("-u") << m_config.username << QStringLiteral("-P") << m_config.password;
    if (m_config.tls)
        args << QStringLiteral("--cafile") << caFile();
    return args;
}

TestBroker::Result TestBroker::runClient(const QString &program, const QStringList &args, int timeoutMs) const
{
    QProcess process;
    process.start(program, clientArgs() + args);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return {-1, process.readAllStandardOutput(), "timed out"};
    }
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}
