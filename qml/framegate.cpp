// SPDX-License-Identifier: MIT
#include "framegate_p.h"

#include <DropSlot/dropslottopic.h>

#include <QtQuick/QQuickWindow>

namespace DropSlot::detail {

FrameGate *FrameGate::of(QQuickWindow *window)
{
    if (auto *existing = window->findChild<FrameGate *>(QString(), Qt::FindDirectChildrenOnly))
        return existing;
    return new FrameGate(window);
}

FrameGate::FrameGate(QQuickWindow *window) : QObject(window), m_window(window)
{
    // afterAnimating is emitted in the GUI thread once per frame, before the scene graph
    // synchronizes: values applied here are what that frame shows.
    connect(window, &QQuickWindow::afterAnimating, this, [this] {
        ++m_frames;
        applyAll();
    });
}

void FrameGate::stage(DropSlotTopic *topic)
{
    if (m_staged.isEmpty())
        m_window->update(); // a static scene renders no frame unless asked
    m_staged.append(topic);
}

void FrameGate::unstage(DropSlotTopic *topic)
{
    // A linear search, but only for an element that changes windows or dies while staged.
    m_staged.removeOne(topic);
}

void FrameGate::applyAll()
{
    const QList<QPointer<DropSlotTopic>> staged = std::exchange(m_staged, {});
    for (const QPointer<DropSlotTopic> &topic : staged) {
        if (topic)
            topic->applyStaged();
    }
}

} // namespace DropSlot::detail
