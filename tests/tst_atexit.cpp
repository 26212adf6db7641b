// SPDX-License-Identifier: MIT
// The default bus and the dispatchers used during static destruction (a global's destructor
// that publishes): the program must exit cleanly, having done what it was asked.
#include <QtCore/QProcess>
#include <QtTest/QTest>

using namespace Qt::StringLiterals;

class tst_AtExit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void globalDestructorUsesTheDefaultBus()
    {
        QProcess program;
        program.start(QStringLiteral(DROPSLOT_ATEXIT_PROGRAM), {});
        QVERIFY2(program.waitForStarted(10000), qPrintable(program.errorString()));
        // A use after free hangs at 100% CPU as often as it crashes: bound the wait.
        if (!program.waitForFinished(30000)) {
            program.kill();
            program.waitForFinished();
            QFAIL("the program did not exit within 30 s");
        }
        const QString out = QString::fromUtf8(program.readAllStandardOutput());
        const QString err = QString::fromUtf8(program.readAllStandardError());
        QVERIFY2(program.exitStatus() == QProcess::NormalExit, qPrintable(err));
        QVERIFY2(program.exitCode() == 0, qPrintable(err));
        QCOMPARE(out, u"main got 1\nread back 42\nsubscriber read 43\nconnection made\nconnection ended\n"_s);
    }
};

QTEST_GUILESS_MAIN(tst_AtExit)
#include "tst_atexit.moc"
