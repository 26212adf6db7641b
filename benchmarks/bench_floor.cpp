// SPDX-License-Identifier: MIT
// The physical floor under the core operations on this machine: what a bare atomic operation,
// an uncontended lock, an allocation and a cache miss cost. benchmarks/results.md states the
// relevant floor next to each row. A million operations per QBENCHMARK iteration, so
// "msecs per iteration" reads as nanoseconds per operation (except qbenchmarkIteration, which
// measures QBENCHMARK's own per-iteration cost).
#include "benchcommon.h"

#include <QtCore/QHash>
#include <QtCore/QString>
#include <QtTest/QTest>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <random>
#include <vector>

using Bench::keep;
using Bench::OpsPerIteration;

class bench_Floor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    //! An empty QBENCHMARK body: the harness's own cost per iteration.
    void qbenchmarkIteration()
    {
        QBENCHMARK {
            Bench::clobber();
        }
    }

    //! An acquire load of an atomic in L1 (a plain load on x86-64).
    void l1Load()
    {
        std::atomic<quint64> word{1};
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i)
                keep(word.load(std::memory_order_acquire));
        }
    }

    //! An L1 load handed to a function that is not inlined: the least a read that calls the
    //! caller's function on the value (latestWith, tryGetMessageAndApply) can cost.
    void l1LoadAndCall()
    {
        std::atomic<quint64> word{1};
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i)
                keep(Bench::opaqueCall(word.load(std::memory_order_acquire)));
        }
    }

    //! The least a hazard-pointer read can do before and after the caller's function: find the
    //! thread's slot (thread_local), load the current pointer, publish it in the slot, load the
    //! pointer again to confirm it, call the function on the value, clear the slot. No fence
    //! (the reclaiming side pays for it).
    void hazardPointerRead()
    {
        static thread_local std::atomic<const void *> slot{nullptr};
        const quint64 value = 1;
        std::atomic<const quint64 *> current{&value};
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i) {
                std::atomic<const void *> &mine = slot;
                const quint64 *node = current.load(std::memory_order_acquire);
                mine.store(node, std::memory_order_release);
                std::atomic_signal_fence(std::memory_order_seq_cst);
                if (current.load(std::memory_order_acquire) == node)
                    keep(Bench::opaqueCall(*node));
                mine.store(nullptr, std::memory_order_release);
            }
        }
    }

    //! An uncontended atomic exchange (the cost of taking a spin lock).
    void atomicExchange()
    {
        std::atomic<quint32> word{0};
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i)
                keep(word.exchange(i & 1, std::memory_order_acq_rel));
        }
    }

    //! An uncontended atomic increment (the cost of a reference count).
    void atomicIncrement()
    {
        std::atomic<quint64> word{0};
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i)
                word.fetch_add(1, std::memory_order_relaxed);
        }
        keep(word.load());
    }

    //! An uncontended spin lock and unlock: one exchange, one release store.
    void spinLockUnlock()
    {
        std::atomic<quint32> word{0};
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i) {
                keep(word.exchange(1, std::memory_order_acquire));
                word.store(0, std::memory_order_release);
            }
        }
    }

    //! An uncontended std::mutex lock and unlock.
    void mutexLockUnlock()
    {
        std::mutex mutex;
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i) {
                mutex.lock();
                mutex.unlock();
            }
        }
    }

    //! Taking and dropping a reference: the least a subscribe + drop can do.
    void refcountPair()
    {
        std::atomic<quint64> refs{1};
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i) {
                refs.fetch_add(1, std::memory_order_relaxed);
                keep(refs.fetch_sub(1, std::memory_order_acq_rel));
            }
        }
    }

    //! Copying a refcounted value out under a spin lock, then dropping the copy: the least a
    //! locked read of a shared payload (latest(), tryGetMessage() with a value) can do.
    void lockedCopy()
    {
        std::atomic<quint32> lock{0};
        std::atomic<quint64> payloadRefs{1};
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i) {
                while (lock.exchange(1, std::memory_order_acquire))
                    ;
                payloadRefs.fetch_add(1, std::memory_order_relaxed);
                lock.store(0, std::memory_order_release);
                keep(payloadRefs.fetch_sub(1, std::memory_order_acq_rel));
            }
        }
    }

    //! Publishing a refcounted payload under a spin lock: take a reference to the new payload,
    //! swap it in with the version, release the lock, drop the old payload's reference.
    void lockedPublish()
    {
        std::atomic<quint32> lock{0};
        std::atomic<quint64> payloadRefs{1};
        std::atomic<quint64> version{0};
        const void *current = nullptr;
        const void *incoming = &payloadRefs;
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i) {
                payloadRefs.fetch_add(1, std::memory_order_relaxed);
                while (lock.exchange(1, std::memory_order_acquire))
                    ;
                std::swap(current, incoming);
                const quint64 next = version.load(std::memory_order_relaxed) + 1;
                version.store(next, std::memory_order_release);
                lock.store(0, std::memory_order_release);
                keep(payloadRefs.fetch_sub(1, std::memory_order_acq_rel));
                keep(incoming);
            }
        }
    }

    //! Hashing a 10-character topic name with Qt's string hash.
    void hashName()
    {
        const QString name = QStringLiteral("sensor/500");
        const size_t seed = qGlobalQHashSeed();
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i) {
                Bench::clobber();
                keep(qHash(QStringView(name), seed));
            }
        }
    }

    //! operator new + delete of 112 bytes (a small topic object with its name).
    void allocateFree()
    {
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i) {
                void *p = ::operator new(112);
                keep(p);
                ::operator delete(p);
            }
        }
    }

    //! A dependent load that misses every cache level: a pointer chase through a random cycle
    //! over 128 MiB.
    void cacheMiss()
    {
        constexpr std::size_t Entries = std::size_t(16) << 20; // 16 Mi x 8 bytes = 128 MiB
        std::vector<std::uint64_t> next(Entries);
        for (std::size_t i = 0; i < Entries; ++i)
            next[i] = i;
        // Sattolo's algorithm: one cycle through every entry, so the chase never settles in a
        // short loop that fits in a cache.
        std::mt19937_64 random(12345);
        for (std::size_t i = Entries - 1; i > 0; --i) {
            std::uniform_int_distribution<std::size_t> pick(0, i - 1);
            std::swap(next[i], next[pick(random)]);
        }
        std::uint64_t at = 0;
        QBENCHMARK {
            for (int i = 0; i < OpsPerIteration; ++i)
                at = next[at];
        }
        keep(at);
    }
};

QTEST_GUILESS_MAIN(bench_Floor)
#include "bench_floor.moc"
