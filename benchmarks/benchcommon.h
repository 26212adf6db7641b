// SPDX-License-Identifier: MIT
// Small helpers shared by the benchmark programs: keeping results alive, clocks, names, medians
// and the process's memory high-water mark.
#pragma once

#include <QtCore/QFile>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtTest/QTest>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace Bench {

//! Operations per QBENCHMARK iteration in the per-operation rows: with a million operations per
//! iteration, QTest's "msecs per iteration" reads directly as nanoseconds per operation, and
//! QBENCHMARK's own cost per iteration (a few nanoseconds) spreads over a million operations.
inline constexpr int OpsPerIteration = 1'000'000;

//! Keeps value, and the work that produced it, from being optimised away.
template <typename T>
inline void keep(const T &value)
{
    asm volatile("" : : "r,m"(value) : "memory");
}

//! Tells the compiler that memory may have changed (stops it from hoisting loads out of loops).
inline void clobber()
{
    asm volatile("" : : : "memory");
}

//! A function the compiler cannot inline or see through: the cost of calling the caller's code.
[[gnu::noinline]] inline quint64 opaqueCall(quint64 value)
{
    asm volatile("" : "+r"(value));
    return value;
}

//! A pause inside a spin-wait (lets the sibling hardware thread run, saves power).
inline void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#endif
}

inline qint64 nowNs()
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

//! CPU time consumed so far by the calling thread.
inline qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

//! The process's resident-memory high-water mark (VmHWM) in KiB, or -1.
inline qint64 peakResidentKiB()
{
    // Read with stdio: no Qt allocation lands between two samples of the mark.
    std::FILE *file = std::fopen("/proc/self/status", "r");
    if (!file)
        return -1;
    char line[256];
    qint64 kib = -1;
    while (std::fgets(line, sizeof line, file)) {
        long long value = 0;
        if (std::sscanf(line, "VmHWM: %lld kB", &value) == 1) {
            kib = value;
            break;
        }
    }
    std::fclose(file);
    return kib;
}

template <typename T>
T median(std::vector<T> values)
{
    if (values.empty())
        return T();
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

//! The value below which fraction (0..1) of the values lie.
template <typename T>
T percentile(std::vector<T> values, double fraction)
{
    if (values.empty())
        return T();
    std::sort(values.begin(), values.end());
    const auto index = std::size_t(fraction * double(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

inline QStringList topicNames(int count, const QString &prefix = QStringLiteral("sensor/"))
{
    QStringList out;
    out.reserve(count);
    for (int i = 0; i < count; ++i)
        out.append(prefix + QString::number(i));
    return out;
}

inline std::vector<std::string> stdTopicNames(int count, const std::string &prefix = "sensor/")
{
    std::vector<std::string> out;
    out.reserve(std::size_t(count));
    for (int i = 0; i < count; ++i)
        out.push_back(prefix + std::to_string(i));
    return out;
}

//! For operations that need fresh state each time (a fresh bus, topics to remove): runs
//! setup(), times body() alone, runs teardown(), rounds times after two warm-up rounds, and
//! reports the median nanoseconds per operation (body performs opsPerRound of them) to QTest.
template <typename Setup, typename Body, typename Teardown>
void reportMedianPerOperation(int rounds, qint64 opsPerRound, Setup &&setup, Body &&body,
                              Teardown &&teardown)
{
    constexpr int WarmUp = 2;
    std::vector<double> perOperation;
    perOperation.reserve(std::size_t(rounds));
    for (int round = 0; round < rounds + WarmUp; ++round) {
        setup();
        clobber();
        const qint64 start = nowNs();
        body();
        clobber();
        const qint64 elapsed = nowNs() - start;
        teardown();
        if (round >= WarmUp)
            perOperation.push_back(double(elapsed) / double(opsPerRound));
    }
    QTest::setBenchmarkResult(median(perOperation), QTest::WalltimeNanoseconds);
}

} // namespace Bench
