// SPDX-License-Identifier: MIT
#include "jsvalue_p.h"

#include <DropSlot/qmlbusadapter.h>

#include <QtQml/qqmlinfo.h>

#include <QtQml/QJSValue>
#include <QtQml/QJSValueIterator>

#include <vector>

namespace DropSlot::detail {
namespace {

// A publish converts in the GUI thread, so its cost must stay bounded whatever the script hands
// over. Nesting deeper than MaxDepth is refused (the conversion recurses). MaxValues bounds the
// whole copy: every value converted counts, each array element (holes of a sparse array too)
// and each object property, so a structure that refers to one object from many places is paid
// for at every place. A million values is far more than a display binds to, yet converting them
// blocks the GUI thread for ~0.1 s (numbers) to ~0.5 s (small objects). Unbounded, a sparse
// array with a length of 2^32 - 1 would exhaust memory, and an acyclic structure that doubles at
// each level would take seconds and gigabytes.
constexpr int MaxDepth = 64;
constexpr quint32 MaxValues = 1'000'000;

class Converter
{
public:
    explicit Converter(QString *error) : m_error(error) { }

    std::optional<QVariant> convert(const QJSValue &value, int depth)
    {
        if (m_remaining == 0)
            return tooLarge();
        --m_remaining;
        if (value.isUndefined())
            return QVariant();
        if (value.isNull())
            return QVariant::fromValue(nullptr);
        if (value.isBool() || value.isNumber() || value.isString() || value.isDate())
            return value.toVariant();
        if (value.isCallable())
            return fail(QStringLiteral("a function cannot be published"));
        if (value.isQObject() || value.isQMetaObject())
            return fail(QStringLiteral("a QObject cannot be published (it could be destroyed while "
                                       "another thread still holds it); publish its data instead"));
        if (value.isRegExp() || value.isUrl() || value.isVariant())
            return value.toVariant();
        if (!value.isObject())
            return fail(QStringLiteral("this kind of value cannot be published"));
        if (depth >= MaxDepth)
            return fail(QStringLiteral("the value is nested too deeply (more than %1 levels)").arg(MaxDepth));
        for (const QJSValue &open : m_path) {
            if (open.strictlyEquals(value))
                return fail(QStringLiteral("the value contains itself (a cyclic structure)"));
        }
        m_path.push_back(value);
        std::optional<QVariant> result = value.isArray() ? convertArray(value, depth) : convertObject(value, depth);
        m_path.pop_back();
        return result;
    }

private:
    std::optional<QVariant> convertArray(const QJSValue &array, int depth)
    {
        const quint32 length = array.property(QStringLiteral("length")).toUInt();
        // Refused before any element is read; the list grows as elements convert, since the
        // length is the script's to choose.
        if (length > m_remaining)
            return tooLarge();
        QVariantList list;
        for (quint32 i = 0; i < length; ++i) {
            std::optional<QVariant> item = convert(array.property(i), depth + 1);
            if (!item)
                return std::nullopt;
            list.append(std::move(*item));
        }
        return QVariant(std::move(list));
    }

    std::optional<QVariant> convertObject(const QJSValue &object, int depth)
    {
        QVariantMap map;
        QJSValueIterator it(object);
        while (it.hasNext()) {
            it.next();
            std::optional<QVariant> item = convert(it.value(), depth + 1);
            if (!item)
                return std::nullopt;
            map.insert(it.name(), std::move(*item));
        }
        return QVariant(std::move(map));
    }

    std::optional<QVariant> tooLarge()
    {
        return fail(QStringLiteral("the value is too large (more than %1 values in all, counting "
                                   "every array element and object property)").arg(MaxValues));
    }

    std::optional<QVariant> fail(const QString &why)
    {
        *m_error = why;
        return std::nullopt;
    }

    QString *m_error;
    quint32 m_remaining = MaxValues; // values this conversion may still convert
    std::vector<QJSValue> m_path; // the objects being converted, outermost first
};

} // namespace

std::optional<QVariant> variantFromJs(const QJSValue &value, QString *error)
{
    return Converter(error).convert(value, 0);
}

bool publishFromQml(const QObject *element, const char *method, const QmlTopicHandle *topic,
                    const QJSValue &value)
{
    if (!topic) {
        qmlWarning(element) << method << ": the topic name is empty; nothing was published";
        return false;
    }
    QString error;
    const std::optional<QVariant> converted = variantFromJs(value, &error);
    if (converted && topic->publish(*converted, &error))
        return true;
    qmlWarning(element) << method << " to \"" << topic->name() << "\": " << error;
    return false;
}

} // namespace DropSlot::detail
