// SPDX-License-Identifier: MIT
#include "sensorlistmodel.h"

SensorListModel::SensorListModel(const QStringList &names, QObject *parent)
    : QAbstractListModel(parent),
      m_names(names),
      m_readings(std::size_t(names.size()), 0.0),
      m_hasReading(std::size_t(names.size()), false)
{
}

int SensorListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_names.size());
}

QVariant SensorListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return QVariant();
    const auto row = std::size_t(index.row());
    switch (role) {
    case SensorNameRole:
        return m_names.at(index.row());
    case ReadingRole:
        return m_readings[row];
    case HasReadingRole:
        return bool(m_hasReading[row]);
    default:
        return QVariant();
    }
}

QHash<int, QByteArray> SensorListModel::roleNames() const
{
    return {{SensorNameRole, "sensorName"}, {ReadingRole, "reading"},
            {HasReadingRole, "hasReading"}};
}

void SensorListModel::setReading(int sensor, double value)
{
    if (sensor < 0 || sensor >= int(m_names.size()))
        return;
    const auto row = std::size_t(sensor);
    m_readings[row] = value;
    const bool first = !m_hasReading[row];
    m_hasReading[row] = true;
    const QModelIndex changed = index(sensor);
    if (first)
        Q_EMIT dataChanged(changed, changed, {ReadingRole, HasReadingRole});
    else
        Q_EMIT dataChanged(changed, changed, {ReadingRole});
    m_applied.store(m_applied.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}
