// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>
#include <QtCore/QPointer>
#include <QtCore/QList>

QT_BEGIN_NAMESPACE
class QQuickWindow;
QT_END_NAMESPACE

namespace DropSlot {
class DropSlotTopic;
}

namespace DropSlot::detail {

//! Aligns DropSlotTopic updates with a window's frames: elements stage their newest delivery
//! here, and the gate applies every staged one once per frame, after animations advance and
//! before the scene is synchronized for rendering. One gate per window, owned by the window.
class FrameGate : public QObject
{
    Q_OBJECT
public:
    //! The gate of window, created on first use.
    static FrameGate *of(QQuickWindow *window);

    //! Schedules topic's staged value for the next frame (and asks for that frame). The element
    //! calls this once until the gate applies it or it calls unstage().
    void stage(DropSlotTopic *topic);
    //! Forgets topic: it left the window, or is being destroyed.
    void unstage(DropSlotTopic *topic);
    //! Frames rendered by the window since the gate was created (for diagnostics and tests).
    quint64 frames() const { return m_frames; }
    //! Entries waiting for the next frame (for diagnostics and tests).
    qsizetype stagedCount() const { return m_staged.size(); }

private:
    explicit FrameGate(QQuickWindow *window);
    void applyAll();

    QQuickWindow *m_window;
    QList<QPointer<DropSlotTopic>> m_staged;
    quint64 m_frames = 0;
};

} // namespace DropSlot::detail
