// SPDX-License-Identifier: MIT
#include "jsvalue_p.h"

#include "busvalue_p.h"

#include <DropSlot/detail/qmlbusadapter.h>

#include <QtCore/QThread>
#include <QtQml/QJSEngine>
#include <QtQml/QJSManagedValue>
#include <QtQml/QJSValue>
#include <QtQml/QJSValueIterator>
#include <QtQml/QQmlEngine>
#include <QtQml/QQmlError>
#include <QtQml/QQmlListReference>
#include <QtQml/qqmlinfo.h>

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
        if (value.isBool() || value.isNumber() || value.isString())
            return value.toVariant();
        if (value.isCallable())
            return fail(QStringLiteral("a function cannot be published"));
        if (value.isQObject() || value.isQMetaObject())
            return fail(QStringLiteral("a QObject cannot be published (it could be destroyed while "
                                       "another thread still holds it); publish its data instead"));
        if (!value.isObject()) // what remains of JavaScript's primitive types
            return fail(QStringLiteral("a symbol cannot be published"));
        if (value.isArray())
            return convertStructure(value, depth);
        // Qt value types (color, point, rect, size, vector3d, font, Q_GADGETs...), variants,
        // dates, urls, regular expressions and ArrayBuffers unwrap to the C++ value they hold;
        // JavaScript's own objects stay JSValues, unconverted.
        QVariant held = value.toVariant(QJSValue::RetainJSObjects);
        if (held.metaType() != QMetaType::fromType<QJSValue>()) {
            if (!isHoldable(held.metaType())) {
                return fail(QStringLiteral("%1 cannot be published (it refers to objects that "
                                           "could be destroyed while another thread still holds "
                                           "it)")
                                .arg(withArticle(qmlTypeName(held.metaType()))));
            }
            return held;
        }
        // Of JavaScript's objects only plain ones ({...}, JSON.parse, Object.create(null)) are
        // data: a Map, Set, Promise, Error, typed array or class instance would lose what it is
        // and arrive as {}.
        const QJSValue prototype = value.prototype();
        if (prototype.isNull() || prototype.prototype().isNull())
            return convertStructure(value, depth);
        const QString constructor = prototype.property(QStringLiteral("constructor"))
                                        .property(QStringLiteral("name")).toString();
        const QString what = constructor.isEmpty() || constructor == u"undefined"
            ? QStringLiteral("an object of an unnamed class")
            : withArticle(constructor);
        return fail(QStringLiteral("%1 cannot be published (only plain objects, arrays and Qt "
                                   "value types can)")
                        .arg(what));
    }

private:
    std::optional<QVariant> convertStructure(const QJSValue &value, int depth)
    {
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

    static bool isHoldable(QMetaType type)
    {
        constexpr auto Pointers = QMetaType::PointerToQObject | QMetaType::IsPointer
            | QMetaType::PointerToGadget;
        if (type.flags() & Pointers)
            return false;
        return type != QMetaType::fromType<QJSValue>()
            && type != QMetaType::fromType<QJSManagedValue>()
            && type != QMetaType::fromType<QQmlListReference>()
            && type != QMetaType::fromType<QObjectList>();
    }

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

void warnFromQml(const QObject *element, const QString &message)
{
    // An Error object created now records the innermost JavaScript frame: the QML code calling
    // into C++. This works for objects created in C++ too, which have no QML context of their
    // own (qmlWarning would report "<Unknown File>").
    QJSEngine *js = qjsEngine(element);
    if (js && js->thread() == QThread::currentThread()) {
        const QJSValue where = js->newErrorObject(QJSValue::GenericError);
        const QJSValue file = where.property(QStringLiteral("fileName"));
        if (file.isString() && !file.toString().isEmpty()) {
            QQmlError error;
            error.setUrl(QUrl(file.toString()));
            error.setLine(where.property(QStringLiteral("lineNumber")).toInt());
            error.setDescription(message);
            error.setMessageType(QtWarningMsg);
            // As the engine reports its own warnings: to its warnings() listeners, and to the
            // message handler unless the application turned that off.
            auto *engine = qobject_cast<QQmlEngine *>(js);
            if (engine)
                Q_EMIT engine->warnings({error});
            if (!engine || engine->outputWarningsToStandardError()) {
                const QByteArray fileName = file.toString().toUtf8();
                QMessageLogger(fileName.constData(), error.line(), nullptr).warning().noquote()
                    << error.toString();
            }
            return;
        }
    }
    qmlWarning(element) << message; // not called from QML: the element's own location
}

bool publishFromQml(const QObject *element, const char *method, const QmlTopicHandle *topic,
                    const QJSValue &value)
{
    if (!topic) {
        warnFromQml(element, QString::fromLatin1(method)
                                 + QStringLiteral(": the topic name is empty; nothing was "
                                                  "published"));
        return false;
    }
    QString error;
    const std::optional<QVariant> converted = variantFromJs(value, &error);
    if (converted && topic->publish(*converted, &error))
        return true;
    warnFromQml(element, QStringLiteral("%1 to \"%2\": %3")
                             .arg(QString::fromLatin1(method), topic->name(), error));
    return false;
}

} // namespace DropSlot::detail
