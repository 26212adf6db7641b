// SPDX-License-Identifier: MIT
// CBOR payloads: compact, typed, and able to carry what JSON cannot (byte arrays, Q_GADGET types
// as maps of their properties). Opt in per bridge: MqttBridge(bus, withCodec<CborCodec<T>>,
// options).
#pragma once

#include <DropSlot/dropslotmqtt_export.h>

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QMetaObject>
#include <QtCore/QMetaType>
#include <QtCore/QVariant>

#include <optional>
#include <type_traits>

namespace DropSlot {

namespace detail {
DROPSLOTMQTT_EXPORT QByteArray variantToCbor(const QVariant &value);
//! nullopt unless payload is exactly one well-formed CBOR item.
DROPSLOTMQTT_EXPORT std::optional<QVariant> variantFromCbor(QByteArrayView payload);
//! A gadget as a CBOR map of its properties.
DROPSLOTMQTT_EXPORT QByteArray gadgetToCbor(const QMetaObject *meta, const void *gadget);
//! Fills gadget from a CBOR map; false if payload is not a map or a property's value does not
//! convert to its type. Properties missing from the map keep their value.
DROPSLOTMQTT_EXPORT bool gadgetFromCbor(const QMetaObject *meta, void *gadget, QByteArrayView payload);

template <typename T>
concept Gadget = requires { T::staticMetaObject; } && !std::is_base_of_v<QObject, T>;
} // namespace detail

//! CBOR codec for QVariant (any value QCborValue::fromVariant takes) and for Q_GADGET types
//! (a map of their properties; unknown keys are ignored, missing ones keep their default).
template <typename T>
struct CborCodec
{
    static_assert(std::is_same_v<T, QVariant> || detail::Gadget<T>,
                  "CborCodec<T> takes QVariant or a Q_GADGET type");

    //! value as one CBOR item.
    static QByteArray encode(const T &value)
    {
        if constexpr (std::is_same_v<T, QVariant>)
            return detail::variantToCbor(value);
        else
            return detail::gadgetToCbor(&T::staticMetaObject, &value);
    }
    //! The value of payload, which must be exactly one CBOR item (a map, for a gadget).
    static std::optional<T> decode(QByteArrayView payload)
    {
        if constexpr (std::is_same_v<T, QVariant>) {
            return detail::variantFromCbor(payload);
        } else {
            T value{};
            if (!detail::gadgetFromCbor(&T::staticMetaObject, &value, payload))
                return std::nullopt;
            return value;
        }
    }
};

} // namespace DropSlot
