// SPDX-License-Identifier: MIT
#include "mqttsettings_p.h"

#include <QtCore/QList>

namespace DropSlot::detail {

QString mqttFilterProblem(QStringView filter)
{
    if (filter.isEmpty())
        return QStringLiteral("a filter cannot be empty");
    const QList<QStringView> levels = filter.split(u'/');
    for (qsizetype i = 0; i < levels.size(); ++i) {
        const QStringView level = levels.at(i);
        if (level.contains(QChar(0)))
            return QStringLiteral("a filter cannot contain NUL");
        const bool wildcard = level == u"+" || level == u"#";
        if (!wildcard && (level.contains(u'+') || level.contains(u'#')))
            return QStringLiteral("\"+\" and \"#\" must stand for a whole level");
        if (level == u"#" && i != levels.size() - 1)
            return QStringLiteral("\"#\" must be the last level");
    }
    return {};
}

QString mqttTopicTextProblem(QStringView text)
{
    if (text.contains(u'+') || text.contains(u'#'))
        return QStringLiteral("MQTT topic names cannot contain \"+\" or \"#\"");
    if (text.contains(QChar(0)))
        return QStringLiteral("MQTT topic names cannot contain NUL");
    return {};
}

} // namespace DropSlot::detail
