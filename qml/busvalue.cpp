// SPDX-License-Identifier: MIT
// Converting values from QML to a typed bus's T without losing information, and naming types
// and values the way QML does in the messages that refuse them.
#include "busvalue_p.h"

#include <DropSlot/detail/qmlbusadapter.h>

#include <QtCore/QDateTime>
#include <QtCore/QMetaProperty>
#include <QtCore/QUrl>

#include <cmath>
#include <limits>

namespace DropSlot::detail {
namespace {

bool isNumber(QMetaType type)
{
    switch (type.id()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Char:
    case QMetaType::SChar:
    case QMetaType::UChar:
    case QMetaType::Float:
    case QMetaType::Double:
        return true;
    default:
        return false;
    }
}

bool isNullOrUndefined(const QVariant &value)
{
    return !value.isValid() || value.metaType() == QMetaType::fromType<std::nullptr_t>();
}

bool isGadget(QMetaType type)
{
    return type.metaObject() && (type.flags() & QMetaType::IsGadget);
}

bool cannotConvert(const QVariant &value, QMetaType target, QString *error)
{
    *error = QStringLiteral("%1 cannot be converted to %2")
                 .arg(describeForQml(value), qmlTypeName(target));
    return false;
}

QString numberText(double d)
{
    if (std::isnan(d))
        return QStringLiteral("NaN");
    if (std::isinf(d))
        return d < 0 ? QStringLiteral("-Infinity") : QStringLiteral("Infinity");
    return QString::number(d, 'g', QLocale::FloatingPointShortest);
}

// Integers fit exactly when whole and within [lowest, 2^digits); the bounds are powers of two,
// exact as doubles, so no rounding blurs the test at 64 bits.
template <typename I>
bool storeInteger(double d, QMetaType target, QVariant *out, QString *error)
{
    constexpr int Digits = std::numeric_limits<I>::digits;
    const double upper = std::ldexp(1.0, Digits);
    const double lower = std::is_signed_v<I> ? -upper : 0.0;
    if (!std::isfinite(d) || d != std::trunc(d) || d < lower || d >= upper) {
        *error = QStringLiteral("the number %1 does not fit in %2 (a whole number from %3 to %4)")
                     .arg(numberText(d), qmlTypeName(target))
                     .arg(qlonglong(std::numeric_limits<I>::lowest()))
                     .arg(qulonglong(std::numeric_limits<I>::max()));
        return false;
    }
    *out = QVariant::fromValue(static_cast<I>(d));
    return true;
}

bool convertNumber(const QVariant &value, QMetaType target, QVariant *out, QString *error)
{
    double d = 0;
    if (isNumber(value.metaType())) {
        d = value.toDouble();
    } else if (value.metaType() == QMetaType::fromType<QString>()) {
        bool ok = false;
        d = value.toString().toDouble(&ok); // the whole string must spell a number
        if (!ok)
            return cannotConvert(value, target, error);
    } else {
        return cannotConvert(value, target, error);
    }
    switch (target.id()) {
    case QMetaType::Int:
        return storeInteger<int>(d, target, out, error);
    case QMetaType::UInt:
        return storeInteger<uint>(d, target, out, error);
    case QMetaType::Long:
        return storeInteger<long>(d, target, out, error);
    case QMetaType::ULong:
        return storeInteger<ulong>(d, target, out, error);
    case QMetaType::LongLong:
        return storeInteger<qlonglong>(d, target, out, error);
    case QMetaType::ULongLong:
        return storeInteger<qulonglong>(d, target, out, error);
    case QMetaType::Short:
        return storeInteger<short>(d, target, out, error);
    case QMetaType::UShort:
        return storeInteger<ushort>(d, target, out, error);
    case QMetaType::Char:
        return storeInteger<char>(d, target, out, error);
    case QMetaType::SChar:
        return storeInteger<signed char>(d, target, out, error);
    case QMetaType::UChar:
        return storeInteger<uchar>(d, target, out, error);
    case QMetaType::Float:
        if (std::isfinite(d) && std::abs(d) > double(std::numeric_limits<float>::max())) {
            *error = QStringLiteral("the number %1 does not fit in real (a float: at most %2 "
                                    "either side of 0)")
                         .arg(numberText(d), numberText(double(std::numeric_limits<float>::max())));
            return false;
        }
        *out = QVariant::fromValue(static_cast<float>(d));
        return true;
    default:
        *out = QVariant::fromValue(d);
        return true;
    }
}

// A JS object (a QVariantMap by now) to a Q_GADGET: every key must name a writable property,
// and every value must convert to that property's type; properties not named keep the
// default-constructed gadget's values.
bool convertGadget(const QVariantMap &map, QMetaType target, QVariant *out, QString *error)
{
    const QMetaObject *meta = target.metaObject();
    const QString typeName = qmlTypeName(target);
    QVariant gadget(target); // default-constructed
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const int index = meta->indexOfProperty(it.key().toUtf8().constData());
        const QMetaProperty property = index < 0 ? QMetaProperty() : meta->property(index);
        if (!property.isValid() || !property.isWritable()) {
            *error
                = QStringLiteral("%1 has no %2property \"%3\"")
                      .arg(typeName, property.isValid() ? QStringLiteral("writable ") : QString(),
                          it.key());
            return false;
        }
        QVariant converted;
        QString why;
        if (!convertForBus(it.value(), property.metaType(), &converted, &why)) {
            *error = QStringLiteral("property \"%1\" of %2: %3").arg(it.key(), typeName, why);
            return false;
        }
        if (!property.writeOnGadget(gadget.data(), std::move(converted))) {
            *error
                = QStringLiteral("property \"%1\" of %2 cannot be written").arg(it.key(), typeName);
            return false;
        }
    }
    *out = std::move(gadget);
    return true;
}

} // namespace

QString qmlTypeName(QMetaType type)
{
    switch (type.id()) {
    case QMetaType::Int:
        return QStringLiteral("int");
    case QMetaType::Double:
    case QMetaType::Float:
        return QStringLiteral("real");
    case QMetaType::QString:
        return QStringLiteral("string");
    case QMetaType::Bool:
        return QStringLiteral("bool");
    case QMetaType::QColor:
        return QStringLiteral("color");
    case QMetaType::QPoint:
    case QMetaType::QPointF:
        return QStringLiteral("point");
    case QMetaType::QRect:
    case QMetaType::QRectF:
        return QStringLiteral("rect");
    case QMetaType::QSize:
    case QMetaType::QSizeF:
        return QStringLiteral("size");
    case QMetaType::QDate:
    case QMetaType::QDateTime:
        return QStringLiteral("date");
    case QMetaType::QUrl:
        return QStringLiteral("url");
    case QMetaType::QVariant:
        return QStringLiteral("var");
    case QMetaType::QVariantMap:
        return QStringLiteral("object");
    case QMetaType::QVariantList:
        return QStringLiteral("array");
    case QMetaType::QStringList:
        return QStringLiteral("list<string>");
    case QMetaType::QByteArray:
        return QStringLiteral("ArrayBuffer");
    case QMetaType::QRegularExpression:
        return QStringLiteral("RegExp");
    case QMetaType::QFont:
        return QStringLiteral("font");
    case QMetaType::QVector2D:
        return QStringLiteral("vector2d");
    case QMetaType::QVector3D:
        return QStringLiteral("vector3d");
    case QMetaType::QVector4D:
        return QStringLiteral("vector4d");
    case QMetaType::QQuaternion:
        return QStringLiteral("quaternion");
    case QMetaType::QMatrix4x4:
        return QStringLiteral("matrix4x4");
    default:
        break;
    }
    if (isGadget(type))
        return QString::fromLatin1(type.metaObject()->className());
    return type.isValid() ? QString::fromLatin1(type.name()) : QStringLiteral("undefined");
}

QString withArticle(const QString &name)
{
    const bool vowel = !name.isEmpty() && QStringView(u"aeioAEIO").contains(name.front());
    return (vowel ? QStringLiteral("an ") : QStringLiteral("a ")) + name;
}

QString describeForQml(const QVariant &value)
{
    if (!value.isValid())
        return QStringLiteral("undefined");
    if (value.metaType() == QMetaType::fromType<std::nullptr_t>())
        return QStringLiteral("null");
    if (isNumber(value.metaType()))
        return QStringLiteral("a number");
    return withArticle(qmlTypeName(value.metaType()));
}

bool convertForBus(const QVariant &value, QMetaType target, QVariant *out, QString *error)
{
    if (target == QMetaType::fromType<QVariant>() || value.metaType() == target) {
        *out = value;
        return true;
    }
    if (isNumber(target))
        return convertNumber(value, target, out, error);
    // A string, a bool or null never stands for something else, nor something else for them.
    if (isNullOrUndefined(value) || target == QMetaType::fromType<QString>()
        || target == QMetaType::fromType<bool>() || value.metaType() == QMetaType::fromType<bool>())
        return cannotConvert(value, target, error);
    if (isGadget(target) && value.metaType() == QMetaType::fromType<QVariantMap>())
        return convertGadget(value.toMap(), target, out, error);
    // Anything else converts as QVariant does, provided nothing is lost: converted back, it must
    // equal what was given. Text is the exception: "red" is a color, though it reads back as
    // "#ff0000".
    QVariant converted = value;
    if (!converted.convert(target))
        return cannotConvert(value, target, error);
    if (value.metaType() != QMetaType::fromType<QString>()) {
        QVariant back = converted;
        if (back.convert(value.metaType()) && back != value) {
            *error = QStringLiteral("%1 cannot be converted to %2 without losing information")
                         .arg(describeForQml(value), qmlTypeName(target));
            return false;
        }
    }
    *out = std::move(converted);
    return true;
}

} // namespace DropSlot::detail
