// SPDX-License-Identifier: MIT
// Single-thread costs of the core operations. Never asserts timings; prints per-iteration
// figures (run with -median N for stable numbers).
#include <DropSlot/DropSlot>

#include <QtTest/QTest>

using namespace DropSlot;
using namespace Qt::StringLiterals;

namespace {
QStringList names(int n, const QString &prefix = u"sensor/"_s)
{
    QStringList out;
    out.reserve(n);
    for (int i = 0; i < n; ++i)
        out.append(prefix + QString::number(i));
    return out;
}
} // namespace

class bench_Core : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void topicCreation()
    {
        const QStringList all = names(1000);
        QBENCHMARK {
            Bus<QByteArray> bus;
            for (const QString &name : all)
                bus.topic(name);
        }
    }

    void topicLookup_data()
    {
        QTest::addColumn<int>("encoding");
        QTest::newRow("QString") << 0;
        QTest::newRow("UTF-8 literal") << 1;
        QTest::newRow("QLatin1StringView") << 2;
    }
    void topicLookup()
    {
        QFETCH(int, encoding);
        Bus<QByteArray> bus;
        const QStringList all = names(1000);
        for (const QString &name : all)
            bus.topic(name);
        const QString wide = u"sensor/500"_s;
        QBENCHMARK {
            switch (encoding) {
            case 0: bus.topic(wide); break;
            case 1: bus.topic("sensor/500"); break;
            default: bus.topic("sensor/500"_L1); break;
            }
        }
    }

    void publish()
    {
        Bus<QByteArray> bus;
        Topic<QByteArray> topic = bus.topic("hot");
        Sub<QByteArray> sub = topic.subscribe();
        const QByteArray payload("hello world"); // 11 bytes, shared: publish copies a refcount
        QBENCHMARK {
            topic.publish(payload);
        }
    }

    void subscribeAndDrop()
    {
        Bus<QByteArray> bus;
        Topic<QByteArray> topic = bus.topic("t");
        QBENCHMARK {
            Sub<QByteArray> sub = topic.subscribe();
        }
    }

    void tryGetMessageNothingNew()
    {
        Bus<QByteArray> bus;
        Topic<QByteArray> topic = bus.topic("t");
        topic.publish("x");
        Sub<QByteArray> sub = topic.subscribe();
        QBENCHMARK {
            auto message = sub.tryGetMessage();
            Q_UNUSED(message);
        }
    }

    void publishThenTryGetMessage()
    {
        Bus<QByteArray> bus;
        Topic<QByteArray> topic = bus.topic("t");
        Sub<QByteArray> sub = topic.subscribe();
        const QByteArray payload("hello world");
        QBENCHMARK {
            topic.publish(payload);
            auto message = sub.tryGetMessage();
            Q_UNUSED(message);
        }
    }

    void latest()
    {
        Bus<QByteArray> bus;
        Topic<QByteArray> topic = bus.topic("t");
        topic.publish(QByteArray("hello world"));
        Sub<QByteArray> sub = topic.subscribe();
        QBENCHMARK {
            auto value = sub.latest();
            Q_UNUSED(value);
        }
    }
};

QTEST_GUILESS_MAIN(bench_Core)
#include "bench_core.moc"
