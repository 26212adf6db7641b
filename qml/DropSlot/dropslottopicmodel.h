// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/dropslotbus.h>

#include <QtCore/QAbstractListModel>
#include <QtCore/QBasicTimer>
#include <QtCore/QPointer>
#include <QtCore/QRegularExpression>
#include <QtQml/QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

#include <memory>
#include <vector>

namespace DropSlot {

//! The topics of a bus whose names match a glob, as a list model sorted by name, with roles
//! name, value, version and stale. Rows appear and disappear as matching topics are created and
//! removed (through watchTopics, never by polling); each batch of deliveries emits one
//! dataChanged covering the rows it changed. The model holds the topics it shows, so
//! cleanupUnusedTopics() leaves them alone; removeTopic() removes their rows.
//! The QML type is described on the \ref qml page.
class DROPSLOTQML_EXPORT DropSlotTopicModel : public QAbstractListModel, public QQmlParserStatus
{
    Q_OBJECT
    QML_ELEMENT
    Q_INTERFACES(QQmlParserStatus)
    //! The bus; null means DropSlot::defaultBus(). If the bus object is destroyed, the model
    //! empties and warns, and shows nothing until it is given another bus.
    Q_PROPERTY(DropSlot::DropSlotBus *bus READ bus WRITE setBus NOTIFY busChanged FINAL)
    //! A glob over topic names: '*' matches any run of characters, '/' included; '?' matches one
    //! character. Empty: every topic.
    Q_PROPERTY(QString filter READ filter WRITE setFilter NOTIFY filterChanged FINAL)
    //! A row's stale role turns true when it got no new value for this many ms; 0: never. A
    //! negative value is refused with a warning.
    Q_PROPERTY(int staleAfter READ staleAfter WRITE setStaleAfter NOTIFY staleAfterChanged FINAL)
    //! The number of rows (read-only).
    Q_PROPERTY(int count READ count NOTIFY countChanged FINAL)

public:
    //! The roles, named name (QString), value (QVariant), version (double) and stale (bool).
    enum Role { NameRole = Qt::UserRole + 1, ValueRole, VersionRole, StaleRole };
    Q_ENUM(Role)

    //! An empty model; it fills once bus or filter is set, or QML completes the declaration.
    explicit DropSlotTopicModel(QObject *parent = nullptr);
    //! Ends its connections and releases the topics it holds.
    ~DropSlotTopicModel() override;

    //! The bus property.
    DropSlotBus *bus() const { return m_bus.get(); }
    //! Sets the bus property.
    void setBus(DropSlotBus *bus);
    //! The filter property.
    QString filter() const { return m_filter; }
    //! Sets the filter property.
    void setFilter(const QString &filter);
    //! The staleAfter property.
    int staleAfter() const { return m_staleAfter; }
    //! Sets the staleAfter property.
    void setStaleAfter(int ms);
    //! The count property.
    int count() const { return int(m_rows.size()); }

    //! The row for the topic called name, or -1.
    Q_INVOKABLE int indexOf(const QString &name) const;

    //! The number of rows (0 for a valid parent: the model is a list).
    int rowCount(const QModelIndex &parent = {}) const override;
    //! The role's data for the row; Qt::DisplayRole is the name.
    QVariant data(const QModelIndex &index, int role) const override;
    //! The role names name, value, version and stale.
    QHash<int, QByteArray> roleNames() const override;

    //! Holds back filling the model until every property of the QML declaration is set.
    void classBegin() override;
    //! Fills the model, with every property of the QML declaration set.
    void componentComplete() override;

    //! The regular expression a filter glob stands for.
    static QRegularExpression globToRegularExpression(const QString &glob);

Q_SIGNALS:
    //! The bus property changed (also when its DropSlotBus is destroyed).
    void busChanged();
    //! The filter property changed.
    void filterChanged();
    //! The staleAfter property changed.
    void staleAfterChanged();
    //! The count property changed.
    void countChanged();

protected:
    //! Marks the rows that went staleAfter ms without a new value stale.
    void timerEvent(QTimerEvent *event) override;

private:
    struct Row;
    void rebuild();
    void reconcile(const QString &name);
    void insertRow(std::unique_ptr<detail::QmlTopicHandle> topic);
    void removeRowAt(int row);
    void connectRow(Row *row);
    void receive(Row *row, const QVariant &value, quint64 version);
    void flush();
    void scheduleStaleCheck();
    int lowerBound(const QString &name) const;

    detail::BusProperty m_bus;
    QString m_filter;
    QRegularExpression m_pattern;
    int m_staleAfter = 0;
    bool m_complete = true;

    std::shared_ptr<const detail::QmlBusAdapter> m_adapter;
    Connection m_watch;
    std::vector<std::unique_ptr<Row>> m_rows; // sorted by name
    std::vector<Row *> m_dirty;
    bool m_flushQueued = false;
    QBasicTimer m_staleTimer;
};

} // namespace DropSlot
