// SPDX-License-Identifier: MIT
#include <DropSlot/dropslottopicmodel.h>

#include "jsvalue_p.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QTimerEvent>
#include <QtQml/qqmlinfo.h>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace DropSlot {

struct DropSlotTopicModel::Row
{
    QString name;
    std::unique_ptr<detail::QmlTopicHandle> topic;
    Connection connection;
    QVariant value;
    quint64 version = 0;
    bool stale = false;
    bool dirty = false;
    QDeadlineTimer freshUntil; // stale when this expires (staleAfter > 0)
};

DropSlotTopicModel::DropSlotTopicModel(QObject *parent) : QAbstractListModel(parent) { }

DropSlotTopicModel::~DropSlotTopicModel()
{
    m_watch.disconnect();
    for (auto &row : m_rows)
        row->connection.disconnect();
}

void DropSlotTopicModel::classBegin()
{
    m_complete = false;
}

void DropSlotTopicModel::componentComplete()
{
    m_complete = true;
    rebuild();
}

void DropSlotTopicModel::setBus(DropSlotBus *bus)
{
    m_bus.set(bus, this, [this] {
        Q_EMIT busChanged();
        rebuild();
    }, [this]() -> QString { // a QString, not a QStringBuilder of temporaries
        return u"the bus of the model for \""_s + m_filter
               + u"\" was destroyed; it shows no topics until it is given a bus"_s;
    });
}

void DropSlotTopicModel::setFilter(const QString &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    Q_EMIT filterChanged();
    rebuild();
}

void DropSlotTopicModel::setStaleAfter(int ms)
{
    if (ms < 0) {
        const QString message = QStringLiteral("DropSlotTopicModel \"%1\": staleAfter cannot be "
                                               "negative (%2); it stays %3");
        detail::warnFromQml(this, message.arg(m_filter, QString::number(ms),
                                              QString::number(m_staleAfter)));
        return;
    }
    if (ms == m_staleAfter)
        return;
    m_staleAfter = ms;
    Q_EMIT staleAfterChanged();
    for (auto &row : m_rows) {
        row->freshUntil = QDeadlineTimer(ms);
        if (row->stale) {
            row->stale = false;
            row->dirty = true;
            m_dirty.push_back(row.get());
        }
    }
    flush();
    scheduleStaleCheck();
}

QRegularExpression DropSlotTopicModel::globToRegularExpression(const QString &glob)
{
    // By hand: Qt 6.4's wildcard conversion does not let '*' cross '/'.
    QString pattern;
    pattern.reserve(glob.size() * 2 + 2);
    for (const QChar c : glob) {
        if (c == u'*')
            pattern += QStringLiteral(".*");
        else if (c == u'?')
            pattern += u'.';
        else
            pattern += QRegularExpression::escape(QString(c));
    }
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern),
                              QRegularExpression::DotMatchesEverythingOption);
}

void DropSlotTopicModel::rebuild()
{
    if (!m_complete)
        return;
    beginResetModel();
    const int before = count();
    m_watch.disconnect();
    for (auto &row : m_rows)
        row->connection.disconnect();
    m_rows.clear();
    m_dirty.clear();
    m_pattern = m_filter.isEmpty() ? QRegularExpression() : globToRegularExpression(m_filter);
    m_adapter = m_bus.adapter();
    if (!m_adapter) { // the bus was destroyed: no rows, rather than the default bus's topics
        endResetModel();
        if (before != 0)
            Q_EMIT countChanged();
        m_staleTimer.stop();
        return;
    }
    // Watch first, then list: a topic created in between is both listed and announced, and
    // reconcile() makes that harmless.
    m_watch = m_adapter->watchTopics(this, [this](const QString &name, TopicEvent) { reconcile(name); });
    QStringList names = m_adapter->topicNames();
    names.sort();
    for (const QString &name : std::as_const(names)) {
        if (!m_filter.isEmpty() && !m_pattern.match(name).hasMatch())
            continue;
        if (auto topic = m_adapter->findTopic(name)) {
            auto row = std::make_unique<Row>();
            row->name = name;
            row->topic = std::move(topic);
            m_rows.push_back(std::move(row));
        }
    }
    for (auto &row : m_rows)
        connectRow(row.get());
    endResetModel();
    if (count() != before)
        Q_EMIT countChanged();
    scheduleStaleCheck();
}

void DropSlotTopicModel::reconcile(const QString &name)
{
    // Events may describe an older state than the bus's current one: make the row match what
    // the bus holds now for this name.
    if (!m_filter.isEmpty() && !m_pattern.match(name).hasMatch())
        return;
    std::unique_ptr<detail::QmlTopicHandle> current = m_adapter->findTopic(name);
    const int at = lowerBound(name);
    const bool present = at < count() && m_rows[at]->name == name;
    if (present && current && m_rows[at]->topic->identity() == current->identity())
        return; // already showing this topic
    if (present)
        removeRowAt(at);
    if (current)
        insertRow(std::move(current));
}

int DropSlotTopicModel::lowerBound(const QString &name) const
{
    const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), name,
                                     [](const std::unique_ptr<Row> &row, const QString &n) { return row->name < n; });
    return int(it - m_rows.begin());
}

int DropSlotTopicModel::indexOf(const QString &name) const
{
    const int at = lowerBound(name);
    return at < count() && m_rows[at]->name == name ? at : -1;
}

void DropSlotTopicModel::insertRow(std::unique_ptr<detail::QmlTopicHandle> topic)
{
    auto row = std::make_unique<Row>();
    row->name = topic->name();
    row->topic = std::move(topic);
    const int at = lowerBound(row->name);
    beginInsertRows({}, at, at);
    Row *raw = row.get();
    m_rows.insert(m_rows.begin() + at, std::move(row));
    connectRow(raw);
    endInsertRows();
    Q_EMIT countChanged();
    scheduleStaleCheck();
}

void DropSlotTopicModel::removeRowAt(int at)
{
    beginRemoveRows({}, at, at);
    Row *row = m_rows[at].get();
    row->connection.disconnect();
    m_dirty.erase(std::remove(m_dirty.begin(), m_dirty.end(), row), m_dirty.end());
    m_rows.erase(m_rows.begin() + at);
    endRemoveRows();
    Q_EMIT countChanged();
}

void DropSlotTopicModel::connectRow(Row *row)
{
    const auto [value, version] = row->topic->snapshot();
    row->value = value;
    row->version = version;
    row->freshUntil = QDeadlineTimer(m_staleAfter);
    // Connected after the snapshot: a publish in between is delivered (versions filter repeats).
    row->connection = row->topic->connect(this, [this, row](const QVariant &v, quint64 ver) { receive(row, v, ver); },
                                          ConnectOptions{.deliverCurrent = true, .minimumIntervalMs = 0});
}

void DropSlotTopicModel::receive(Row *row, const QVariant &value, quint64 version)
{
    if (version <= row->version)
        return;
    row->value = value;
    row->version = version;
    row->stale = false;
    row->freshUntil = QDeadlineTimer(m_staleAfter);
    if (!row->dirty) {
        row->dirty = true;
        m_dirty.push_back(row);
    }
    if (!m_flushQueued) {
        // Every delivery of this batch runs in the same dispatcher pass; the flush comes after
        // all of them and reports them with one dataChanged.
        m_flushQueued = true;
        QMetaObject::invokeMethod(this, &DropSlotTopicModel::flush, Qt::QueuedConnection);
    }
}

void DropSlotTopicModel::flush()
{
    m_flushQueued = false;
    if (m_dirty.empty())
        return;
    int first = std::numeric_limits<int>::max();
    int last = -1;
    for (Row *row : m_dirty) {
        row->dirty = false;
        const int at = lowerBound(row->name);
        first = std::min(first, at);
        last = std::max(last, at);
    }
    m_dirty.clear();
    Q_EMIT dataChanged(index(first), index(last), {ValueRole, VersionRole, StaleRole});
    scheduleStaleCheck();
}

void DropSlotTopicModel::scheduleStaleCheck()
{
    if (m_staleAfter <= 0) {
        m_staleTimer.stop();
        return;
    }
    qint64 soonest = -1;
    for (const auto &row : m_rows) {
        if (row->stale || row->version == 0)
            continue;
        const qint64 left = std::max<qint64>(0, row->freshUntil.remainingTime());
        if (soonest < 0 || left < soonest)
            soonest = left;
    }
    if (soonest < 0)
        m_staleTimer.stop();
    else
        m_staleTimer.start(int(soonest) + 1, this);
}

void DropSlotTopicModel::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != m_staleTimer.timerId())
        return QAbstractListModel::timerEvent(event);
    for (auto &row : m_rows) {
        if (!row->stale && row->version > 0 && row->freshUntil.hasExpired()) {
            row->stale = true;
            if (!row->dirty) {
                row->dirty = true;
                m_dirty.push_back(row.get());
            }
        }
    }
    flush();
    scheduleStaleCheck();
}

int DropSlotTopicModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : count();
}

QVariant DropSlotTopicModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const Row &row = *m_rows[index.row()];
    switch (role) {
    case NameRole:
    case Qt::DisplayRole:
        return row.name;
    case ValueRole:
        return row.value;
    case VersionRole:
        return double(row.version);
    case StaleRole:
        return row.stale;
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> DropSlotTopicModel::roleNames() const
{
    return {{NameRole, "name"}, {ValueRole, "value"}, {VersionRole, "version"}, {StaleRole, "stale"}};
}

} // namespace DropSlot
