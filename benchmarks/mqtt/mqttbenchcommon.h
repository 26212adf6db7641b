// SPDX-License-Identifier: MIT
// Clocks, CPU time, memory and percentiles for the MQTT benchmark's processes.
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QTimer>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <unistd.h>
#include <vector>

namespace MqttBench {

inline qint64 clockNs(clockid_t clock)
{
    timespec ts{};
    clock_gettime(clock, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}
//! CLOCK_MONOTONIC: one clock for every process on the machine.
inline qint64 nowNs() { return clockNs(CLOCK_MONOTONIC); }
//! CPU time of the calling thread.
inline qint64 threadCpuNs() { return clockNs(CLOCK_THREAD_CPUTIME_ID); }
//! CPU time of this process, all threads.
inline qint64 selfCpuNs() { return clockNs(CLOCK_PROCESS_CPUTIME_ID); }

//! utime + stime of another process from /proc/<pid>/stat, in nanoseconds (0 if unreadable).
inline qint64 processCpuNs(qint64 pid)
{
    if (pid <= 0)
        return 0;
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = file.readAll();
    // Fields after the command name, which is in parentheses and may hold spaces.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    const qint64 ticks = fields[11].toLongLong() + fields[12].toLongLong(); // utime, stime
    return ticks * (1000000000 / sysconf(_SC_CLK_TCK));
}

//! A field of /proc/self/status in kB (VmHWM: the peak resident set).
inline qint64 statusKb(const char *field)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray key = QByteArray(field) + ':';
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

//! The p-th percentile (0..100) of values, nearest rank; 0 when empty.
inline qint64 percentile(std::vector<qint64> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto rank = size_t(std::ceil(p / 100.0 * double(values.size())));
    return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

//! Runs the event loop until pred() holds (checked every millisecond) or timeoutMs passes.
template <typename Pred>
bool spinUntil(Pred pred, int timeoutMs)
{
    if (pred())
        return true;
    QEventLoop loop;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        if (pred())
            loop.quit();
    });
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    tick.start();
    deadline.start(timeoutMs);
    loop.exec();
    return pred();
}

//! The next line a child process writes (without the newline), waiting up to timeoutMs.
inline QByteArray readLine(QProcess &process, int timeoutMs)
{
    spinUntil([&] { return process.canReadLine() || process.state() == QProcess::NotRunning; }, timeoutMs);
    return process.readLine().trimmed();
}

} // namespace MqttBench
