// SPDX-License-Identifier: MIT
#include "topicfilter_p.h"

#include <QtCore/QList>

namespace DropSlot::detail {

QString filterProblem(QStringView filter)
{
    if (filter.isEmpty())
        return QStringLiteral("the filter is empty");
    if (filter.contains(QChar(0)))
        return QStringLiteral("the filter contains a NUL character");
    const QList<QStringView> levels = filter.split(u'/');
    for (qsizetype i = 0; i < levels.size(); ++i) {
        const QStringView level = levels[i];
        if (level.contains(u'#') && (level.size() != 1 || i != levels.size() - 1))
            return QStringLiteral("\"#\" must be a whole level and the last one");
        if (level.contains(u'+') && level.size() != 1)
            return QStringLiteral("\"+\" must be a whole level");
    }
    return {};
}

bool filterMatches(QStringView filter, QStringView name)
{
    if (name.startsWith(u'$') && (filter.startsWith(u'+') || filter.startsWith(u'#')))
        return false;
    qsizetype f = 0, n = 0;
    for (;;) {
        const qsizetype fEnd = filter.indexOf(u'/', f);
        const QStringView level = filter.mid(f, fEnd < 0 ? -1 : fEnd - f);
        if (level == u"#")
            return true; // the rest, including the parent level itself ("a/#" matches "a")
        if (n > name.size())
            return false; // the name has no level left for this one
        const qsizetype nEnd = name.indexOf(u'/', n);
        const QStringView part = name.mid(n, nEnd < 0 ? -1 : nEnd - n);
        if (level != u"+" && level != part)
            return false;
        if (fEnd < 0) // the filter's last level: the name must end here too
            return nEnd < 0;
        f = fEnd + 1;
        n = nEnd < 0 ? name.size() + 1 : nEnd + 1;
    }
}

QString topicNameProblem(QStringView name)
{
    if (name.contains(u'+') || name.contains(u'#'))
        return QStringLiteral("MQTT topic names cannot contain \"+\" or \"#\"");
    if (name.contains(QChar(0)))
        return QStringLiteral("MQTT topic names cannot contain NUL");
    if (name.toUtf8().size() > 65535)
        return QStringLiteral("the name is longer than MQTT allows (65,535 bytes of UTF-8)");
    return {};
}

} // namespace DropSlot::detail
