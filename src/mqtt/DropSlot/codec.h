// SPDX-License-Identifier: MIT
// How values of a bus travel as MQTT payloads. The counterpart of dropslot's serde feature:
// text for scalars (what mosquitto_pub, Node-RED or Home Assistant send), JSON for QVariant, CBOR
// on request (CborCodec), and a specialisation of Codec<T> for anything else.
#pragma once

#include <DropSlot/dropslotmqtt_export.h>

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QString>
#include <QtCore/QVariant>

#include <concepts>
#include <limits>
#include <optional>
#include <type_traits>

namespace DropSlot {

namespace detail {
template <typename>
inline constexpr bool alwaysFalse = false;

// Decimal text, whole payload, optional surrounding ASCII whitespace; nullopt for anything else
// (partial, out of range). Out of line so that each width is compiled once.
DROPSLOTMQTT_EXPORT std::optional<qint64> parseSigned(QByteArrayView text, qint64 min, qint64 max);
DROPSLOTMQTT_EXPORT std::optional<quint64> parseUnsigned(QByteArrayView text, quint64 max);
DROPSLOTMQTT_EXPORT std::optional<double> parseDouble(QByteArrayView text);
DROPSLOTMQTT_EXPORT std::optional<float> parseFloat(QByteArrayView text);
DROPSLOTMQTT_EXPORT QByteArray formatDouble(double value);   // shortest text that reads back
DROPSLOTMQTT_EXPORT QByteArray formatFloat(float value);
DROPSLOTMQTT_EXPORT QByteArray variantToJson(const QVariant &value);
DROPSLOTMQTT_EXPORT QVariant variantFromJson(QByteArrayView payload);
} // namespace detail

//! Encodes T into an MQTT payload and back. Specialise it for your own types:
//!     template <> struct DropSlot::Codec<Reading> {
//!         static QByteArray encode(const Reading &r);
//!         static std::optional<Reading> decode(QByteArrayView payload); // nullopt: invalid
//!     };
//! An empty encoding is refused by the bridge (an empty retained payload deletes a topic).
template <typename T>
struct Codec
{
    //! Not defined for T: a compile-time error that names what to do.
    static QByteArray encode(const T &)
    {
        static_assert(detail::alwaysFalse<T>,
                      "no DropSlot::Codec for this type: specialise DropSlot::Codec<T> (see "
                      "<DropSlot/codec.h>) or pass CborCodec<T> to MqttBridge");
        return {};
    }
    //! Not defined for T (see encode()).
    static std::optional<T> decode(QByteArrayView) { return std::nullopt; }
};

//! Bytes as they are.
template <>
struct Codec<QByteArray>
{
    //! value itself.
    static QByteArray encode(const QByteArray &value) { return value; }
    //! A copy of payload.
    static std::optional<QByteArray> decode(QByteArrayView payload) { return payload.toByteArray(); }
};

//! UTF-8 text; a payload that is not valid UTF-8 is invalid.
template <>
struct DROPSLOTMQTT_EXPORT Codec<QString>
{
    //! value in UTF-8.
    static QByteArray encode(const QString &value) { return value.toUtf8(); }
    //! payload decoded from UTF-8; nullopt if it is not valid UTF-8.
    static std::optional<QString> decode(QByteArrayView payload);
};

//! "true" or "false"; "true", "false", "1" or "0" are read.
template <>
struct DROPSLOTMQTT_EXPORT Codec<bool>
{
    //! "true" or "false".
    static QByteArray encode(bool value);
    //! true for "true" or "1", false for "false" or "0"; nullopt otherwise.
    static std::optional<bool> decode(QByteArrayView payload);
};

//! Integers as decimal text; partial or out-of-range text is invalid.
template <std::integral T>
    requires(!std::is_same_v<T, bool>)
struct Codec<T>
{
    //! value in decimal.
    static QByteArray encode(T value) { return QByteArray::number(value); }
    //! The whole payload as a decimal integer that fits T; nullopt otherwise.
    static std::optional<T> decode(QByteArrayView payload)
    {
        if constexpr (std::is_signed_v<T>) {
            if (auto v = detail::parseSigned(payload, std::numeric_limits<T>::min(),
                                             std::numeric_limits<T>::max()))
                return static_cast<T>(*v);
        } else {
            if (auto v = detail::parseUnsigned(payload, std::numeric_limits<T>::max()))
                return static_cast<T>(*v);
        }
        return std::nullopt;
    }
};

//! Floating point as the shortest decimal text that reads back exactly ("0.1", "1e+300", "nan",
//! "inf"); what mosquitto_pub sends ("21.5", " 3 ") is read; partial or out-of-range text is
//! invalid.
template <std::floating_point T>
struct Codec<T>
{
    static_assert(sizeof(T) <= sizeof(double), "long double has no codec");
    //! The shortest decimal text that reads back as value.
    static QByteArray encode(T value)
    {
        if constexpr (std::is_same_v<T, float>)
            return detail::formatFloat(value);
        else
            return detail::formatDouble(value);
    }
    //! The whole payload as a number in T's range; nullopt otherwise.
    static std::optional<T> decode(QByteArrayView payload)
    {
        if constexpr (std::is_same_v<T, float>)
            return detail::parseFloat(payload);
        else
            return detail::parseDouble(payload);
    }
};

//! JSON text (compact): numbers, strings (quoted), booleans, null, lists and maps. A payload
//! that is not JSON arrives as a QString, so plain text from other tools is kept. A value JSON
//! cannot hold (e.g. a QColor, a gadget) encodes to nothing, which the bridge refuses: use
//! CborCodec<QVariant> for those.
template <>
struct DROPSLOTMQTT_EXPORT Codec<QVariant>
{
    //! value as compact JSON; empty if JSON cannot hold it.
    static QByteArray encode(const QVariant &value) { return detail::variantToJson(value); }
    //! The JSON value of payload, or payload as a QString if it is not JSON.
    static std::optional<QVariant> decode(QByteArrayView payload)
    {
        return detail::variantFromJson(payload);
    }
};

} // namespace DropSlot

#include <DropSlot/cborcodec.h>
