// SPDX-License-Identifier: MIT
// The MQTT demo as a user runs it: a broker, the sensor farm (examples/sensorfarm) and the
// dashboard with --mqtt, offscreen. The dashboard's tiles show the farm's readings; a farm that
// is killed turns "offline" (its last will) and its tiles stale; a farm started again brings
// them back.
#include "mqtttestsupport.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QRegularExpression>
#include <QtGui/QImage>

#include <cmath>
#include <functional>

using namespace Qt::StringLiterals;

namespace {

const QString prefix = u"testfarm/"_s;

//! Reads lines of process's output until one satisfies accept (true) or timeoutMs pass.
bool waitForLine(QProcess &process, const std::function<bool(const QByteArray &)> &accept, int timeoutMs,
                 QByteArray *last = nullptr)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        while (process.canReadLine()) {
            const QByteArray line = process.readLine().trimmed();
            if (last)
                *last = line;
            if (accept(line))
                return true;
        }
        if (process.state() == QProcess::NotRunning)
            return false;
        process.waitForReadyRead(int(std::min<qint64>(500, deadline.remainingTime())));
    }
    return false;
}

struct LinkLine
{
    QString farm;
    int tiles = -1;
    int stale = -1;
};

//! "dashboard: 3 s: link Connected, sensor farm online, 224 tiles, 0 stale, ..." read.
std::optional<LinkLine> parseLinkLine(const QByteArray &line)
{
    static const QRegularExpression pattern(u"sensor farm (\\w+), (\\d+) tiles, (\\d+) stale"_s);
    const auto match = pattern.match(QString::fromUtf8(line));
    if (!match.hasMatch())
        return std::nullopt;
    return LinkLine{match.captured(1), match.captured(2).toInt(), match.captured(3).toInt()};
}

// The sensors every 23rd of which goes quiet now and then (examples/dashboard/sensorfarm.cpp).
constexpr int sensors = 224;
constexpr int quietSensors = 10;

} // namespace

class tst_MqttDashboard : public QObject
{
    Q_OBJECT

    TestBroker m_broker;
    QTemporaryDir m_dir;

    void startFarm(QProcess &farm)
    {
        farm.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        farm.start(QStringLiteral(DROPSLOT_SENSORFARM), {u"--mqtt"_s, u"127.0.0.1:%1"_s.arg(m_broker.port()),
                                                         u"--prefix"_s, prefix, u"--workers"_s, u"1"_s});
        QVERIFY(farm.waitForStarted());
        QByteArray last;
        QVERIFY2(waitForLine(farm, [](const QByteArray &l) { return l.startsWith("sensorfarm: Connected"); }, 20000, &last),
                 last.constData());
    }
    QStringList dashboardArgs(int seconds, const QString &name) const
    {
        return {u"--offscreen"_s, u"--mqtt"_s, u"127.0.0.1:%1"_s.arg(m_broker.port()), u"--prefix"_s, prefix,
                u"--seconds"_s, QString::number(seconds), u"--screenshot"_s, m_dir.filePath(name + u".png"_s),
                u"--report"_s, m_dir.filePath(name + u".json"_s)};
    }

private Q_SLOTS:
    void initTestCase()
    {
        REQUIRE_BROKER(m_broker);
        QVERIFY(m_dir.isValid());
    }

    void showsTheFarmsReadings()
    {
        QProcess farm;
        startFarm(farm);
        QProcess dashboard;
        dashboard.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        dashboard.start(QStringLiteral(DROPSLOT_DASHBOARD), dashboardArgs(3, u"live"_s));
        QVERIFY(dashboard.waitForFinished(90000));
        const QByteArray printed = dashboard.readAllStandardOutput();
        farm.kill();
        farm.waitForFinished();
        QVERIFY2(dashboard.exitStatus() == QProcess::NormalExit && dashboard.exitCode() == 0, printed.constData());
        QVERIFY2(printed.contains("messages/s received") && printed.contains("round trip")
                     && printed.contains("frames/s"), printed.constData());

        QFile file(m_dir.filePath(u"live.json"_s));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject r = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonObject link = r.value(u"mqtt"_s).toObject();
        QCOMPARE(link.value(u"state"_s).toString(), u"Connected"_s);
        QCOMPARE(link.value(u"farmStatus"_s).toString(), u"online"_s);
        QVERIFY2(link.value(u"received"_s).toDouble() >= sensors, printed.constData());
        QVERIFY2(link.value(u"pongs"_s).toDouble() >= 1 && link.value(u"roundTripMs"_s).toDouble() > 0,
                 printed.constData());
        QVERIFY(r.value(u"settled"_s).toBool());
        QVERIFY(r.value(u"publishes"_s).toDouble() > 0); // the farm's own count came through too

        // Every sensor of the farm has its tile, which shows the last reading this process got.
        const QJsonArray tiles = r.value(u"tiles"_s).toArray();
        QCOMPARE(tiles.size(), sensors);
        for (const QJsonValue &t : tiles) {
            const QJsonObject tile = t.toObject();
            const QString name = tile.value(u"name"_s).toString();
            const double latest = tile.value(u"latest"_s).toDouble();
            QVERIFY2(name.startsWith(u"plant/line"_s), qPrintable(name));
            QVERIFY2(latest > 5 && latest < 95, qPrintable(u"%1: %2"_s.arg(name).arg(latest))); // a reading
            QCOMPARE(tile.value(u"value"_s).toDouble(), latest);
            bool ok = false;
            const double shown = tile.value(u"shown"_s).toString().toDouble(&ok);
            QVERIFY2(ok && std::abs(shown - latest) <= 0.05 + 1e-9, qPrintable(name));
        }

        const QImage image(m_dir.filePath(u"live.png"_s));
        QVERIFY(!image.isNull());
        QCOMPARE(image.width(), 1280);
        QVERIFY(image.height() > 840); // the link's line below the header
    }

    void aDeadFarmGoesOfflineAndComesBack()
    {
        QProcess farm;
        startFarm(farm);
        QProcess dashboard;
        dashboard.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        dashboard.start(QStringLiteral(DROPSLOT_DASHBOARD), dashboardArgs(120, u"restart"_s));
        QByteArray last;
        std::optional<LinkLine> seen;
        auto until = [&](const std::function<bool(const LinkLine &)> &accept) {
            return [&, accept](const QByteArray &line) { return (seen = parseLinkLine(line)) && accept(*seen); };
        };

        // Every tile up and fresh (but for the sensors that pause on their own).
        QVERIFY2(waitForLine(dashboard, until([](const LinkLine &l) {
            return l.farm == u"online"_s && l.tiles == sensors && l.stale <= quietSensors;
        }), 60000, &last), last.constData());

        // Killed, with no goodbye: the broker's last will says "offline", and every tile goes stale.
        farm.kill();
        QVERIFY(farm.waitForFinished());
        QVERIFY2(waitForLine(dashboard, until([](const LinkLine &l) {
            return l.farm == u"offline"_s && l.stale == sensors;
        }), 30000, &last), last.constData());

        // Started again: "online", and the tiles are fresh again.
        startFarm(farm);
        QVERIFY2(waitForLine(dashboard, until([](const LinkLine &l) {
            return l.farm == u"online"_s && l.tiles == sensors && l.stale <= quietSensors;
        }), 30000, &last), last.constData());

        dashboard.kill();
        dashboard.waitForFinished();
        farm.kill();
        farm.waitForFinished();
    }
};

QTEST_GUILESS_MAIN(tst_MqttDashboard)
#include "tst_mqtt_dashboard.moc"
