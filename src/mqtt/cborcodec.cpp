// SPDX-License-Identifier: MIT
#include <DropSlot/cborcodec.h>

#include <QtCore/QCborMap>
#include <QtCore/QCborStreamReader>
#include <QtCore/QCborValue>
#include <QtCore/QMetaProperty>

namespace DropSlot::detail {

namespace {

// One complete CBOR item and nothing after it.
std::optional<QCborValue> readItem(QByteArrayView payload)
{
    QCborStreamReader reader(payload.data(), payload.size());
    QCborValue value = QCborValue::fromCbor(reader);
    if (reader.lastError() != QCborError::NoError)
        return std::nullopt;
    if (reader.currentOffset() != payload.size())
        return std::nullopt;
    return value;
}

} // namespace

QByteArray variantToCbor(const QVariant &value)
{
    return QCborValue::fromVariant(value).toCbor();
}

std::optional<QVariant> variantFromCbor(QByteArrayView payload)
{
    if (auto item = readItem(payload))
        return item->toVariant();
    return std::nullopt;
}

QByteArray gadgetToCbor(const QMetaObject *meta, const void *gadget)
{
    QCborMap map;
    for (int i = meta->propertyOffset(); i < meta->propertyCount(); ++i) {
        const QMetaProperty property = meta->property(i);
        map.insert(QLatin1StringView(property.name()),
                   QCborValue::fromVariant(property.readOnGadget(gadget)));
    }
    return QCborValue(map).toCbor();
}

bool gadgetFromCbor(const QMetaObject *meta, void *gadget, QByteArrayView payload)
{
    const auto item = readItem(payload);
    if (!item || !item->isMap())
        return false;
    const QCborMap map = item->toMap();
    for (int i = meta->propertyOffset(); i < meta->propertyCount(); ++i) {
        const QMetaProperty property = meta->property(i);
        const QCborValue field = map.value(QLatin1StringView(property.name()));
        if (field.isUndefined())
            continue; // missing: keeps its default
        QVariant value = field.toVariant();
        if (value.metaType() != property.metaType() && !value.convert(property.metaType()))
            return false;
        if (!property.writeOnGadget(gadget, value))
            return false;
    }
    return true;
}

} // namespace DropSlot::detail
