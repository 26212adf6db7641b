// SPDX-License-Identifier: MIT
// Keeps the main demo honest: runs the dashboard offscreen for a second, then checks that every
// tile shows its sensor's final reading, that the figures are real, and that the screenshot it
// wrote is a rendered dashboard.
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QSet>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest/QTest>

#include <cmath>

using namespace Qt::StringLiterals;

class tst_Dashboard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rendersPublishedValues()
    {
        const QString program = qEnvironmentVariable("DROPSLOT_DASHBOARD");
        QVERIFY2(QFile::exists(program), "DROPSLOT_DASHBOARD must name the dashboard executable");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString report = dir.filePath(u"report.json"_s);
        const QString screenshot = dir.filePath(u"dashboard.png"_s);

        QProcess dashboard;
        dashboard.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        dashboard.start(program, {u"--offscreen"_s, u"--seconds"_s, u"1"_s, u"--screenshot"_s, screenshot,
                                  u"--report"_s, report});
        QVERIFY(dashboard.waitForFinished(60000));
        const QByteArray printed = dashboard.readAllStandardOutput();
        QVERIFY2(dashboard.exitStatus() == QProcess::NormalExit && dashboard.exitCode() == 0, printed.constData());
        QVERIFY2(printed.contains("publishes/s") && printed.contains("frames/s"), printed.constData());

        QFile file(report);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject r = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY(r.value(u"settled"_s).toBool());
        const QJsonArray tiles = r.value(u"tiles"_s).toArray();
        QCOMPARE(tiles.size(), 224);
        for (const QJsonValue &t : tiles) {
            const QJsonObject tile = t.toObject();
            const QString name = tile.value(u"name"_s).toString();
            const double latest = tile.value(u"latest"_s).toDouble();
            // The tile's topic holds the sensor's final reading, and its text shows it.
            QCOMPARE(tile.value(u"value"_s).toDouble(), latest);
            bool ok = false;
            const double shown = tile.value(u"shown"_s).toString().toDouble(&ok);
            QVERIFY2(ok, qPrintable(name));
            QVERIFY2(std::abs(shown - latest) <= 0.05 + 1e-9, qPrintable(u"%1 shows %2, holds %3"_s.arg(name).arg(shown).arg(latest)));
        }
        const double publishes = r.value(u"publishes"_s).toDouble();
        const double deliveries = r.value(u"deliveries"_s).toDouble();
        const double frames = r.value(u"frames"_s).toDouble();
        QVERIFY(frames >= 1);
        QVERIFY(deliveries >= tiles.size()); // every tile got at least its first reading
        QVERIFY2(publishes > 10 * deliveries, qPrintable(u"%1 publishes, %2 deliveries"_s.arg(publishes).arg(deliveries)));

        // The screenshot is the rendered window: right size, and far from a blank image.
        const QImage image(screenshot);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(1280, 840));
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 3) {
            for (int x = 0; x < image.width(); x += 3)
                colours.insert(image.pixel(x, y));
        }
        QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
    }
};

QTEST_GUILESS_MAIN(tst_Dashboard)
#include "tst_dashboard.moc"
