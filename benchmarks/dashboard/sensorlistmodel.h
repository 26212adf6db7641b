// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QAbstractListModel>
#include <QtCore/QStringList>

#include <atomic>
#include <vector>

//! The baseline's model, written the way a Qt application usually is: one row per sensor, a
//! slot that stores a reading and emits dataChanged for its row, fed by a worker's signal over
//! a Qt::QueuedConnection (one queued event per reading).
class SensorListModel : public QAbstractListModel
{
    Q_OBJECT

public:
    //! The roles the tiles bind to.
    enum Role { SensorNameRole = Qt::UserRole + 1, ReadingRole, HasReadingRole };

    //! One row per name, without a reading yet.
    explicit SensorListModel(const QStringList &names, QObject *parent = nullptr);

    //! The number of sensors.
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    //! A row's name, reading, or whether it has one.
    QVariant data(const QModelIndex &index, int role) const override;
    //! sensorName, reading and hasReading.
    QHash<int, QByteArray> roleNames() const override;

    //! Stores sensor's reading and emits dataChanged for its row (the queued signal's slot).
    void setReading(int sensor, double value);
    //! Readings applied so far (written by the model's thread, readable from any thread).
    quint64 applied() const { return m_applied.load(std::memory_order_relaxed); }

private:
    QStringList m_names;
    std::vector<double> m_readings;
    std::vector<bool> m_hasReading;
    std::atomic<quint64> m_applied{0};
};
