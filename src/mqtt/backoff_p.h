// SPDX-License-Identifier: MIT
// Reconnection delays: doubling from a minimum to a cap, each drawn from the top quarter below
// it, so that many bridges that lost one broker do not come back in lockstep.
#pragma once

#include <QtCore/QRandomGenerator>

#include <algorithm>

namespace DropSlot::detail {

class Backoff
{
public:
    Backoff(int minimumMs, int maximumMs)
        : m_minimum(std::max(1, minimumMs)), m_maximum(std::max(m_minimum, maximumMs)), m_next(m_minimum)
    {
    }
    //! The delay before the next attempt.
    int next()
    {
        const int base = m_next;
        m_next = int(std::min<qint64>(qint64(m_next) * 2, m_maximum));
        const int jitter = base / 4;
        return base - (jitter > 0 ? int(QRandomGenerator::global()->bounded(jitter + 1)) : 0);
    }
    void reset() { m_next = m_minimum; }

private:
    int m_minimum, m_maximum, m_next;
};

} // namespace DropSlot::detail
