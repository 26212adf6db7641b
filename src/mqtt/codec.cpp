// SPDX-License-Identifier: MIT
#include <DropSlot/codec.h>

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtCore/QStringDecoder>

#include <charconv>
#include <cmath>

namespace DropSlot {

namespace detail {

namespace {

QByteArrayView trimmed(QByteArrayView text)
{
    const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.isEmpty() && space(text.front()))
        text = text.sliced(1);
    while (!text.isEmpty() && space(text.back()))
        text.chop(1);
    return text;
}

// std::from_chars over the whole text: a partial parse or a range error is invalid.
template <typename N>
std::optional<N> fromChars(QByteArrayView text)
{
    text = trimmed(text);
    if (text.size() > 1 && text.front() == '+' && text[1] != '-')
        text = text.sliced(1); // "+5" as other tools write it; from_chars takes no sign
    if (text.isEmpty())
        return std::nullopt;
    N value{};
    const auto [end, error] = std::from_chars(text.begin(), text.end(), value);
    if (error != std::errc() || end != text.end())
        return std::nullopt;
    return value;
}

template <typename F>
QByteArray toChars(F value)
{
    char buffer[64];
    const auto [end, error] = std::to_chars(std::begin(buffer), std::end(buffer), value);
    Q_ASSERT(error == std::errc());
    return QByteArray(buffer, end - buffer);
}

} // namespace

std::optional<qint64> parseSigned(QByteArrayView text, qint64 min, qint64 max)
{
    auto value = fromChars<qint64>(text);
    if (!value || *value < min || *value > max)
        return std::nullopt;
    return value;
}

std::optional<quint64> parseUnsigned(QByteArrayView text, quint64 max)
{
    auto value = fromChars<quint64>(text);
    if (!value || *value > max)
        return std::nullopt;
    return value;
}

std::optional<double> parseDouble(QByteArrayView text)
{
    return fromChars<double>(text);
}

std::optional<float> parseFloat(QByteArrayView text)
{
    return fromChars<float>(text);
}

QByteArray formatDouble(double value)
{
    return toChars(value);
}

QByteArray formatFloat(float value)
{
    return toChars(value);
}

QByteArray variantToJson(const QVariant &value)
{
    const QJsonValue json = QJsonValue::fromVariant(value);
    if (json.isNull() && !value.isNull())
        return {}; // nothing JSON can hold: refused, not silently sent as null
    if (json.isObject())
        return QJsonDocument(json.toObject()).toJson(QJsonDocument::Compact);
    if (json.isArray())
        return QJsonDocument(json.toArray()).toJson(QJsonDocument::Compact);
    // A scalar: written as the only element of an array, without the brackets.
    const QByteArray wrapped = QJsonDocument(QJsonArray{json}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

QVariant variantFromJson(QByteArrayView payload)
{
    // Wrapped in an array so that scalars ("21.5", "true", "\"text\"") parse like documents; a
    // payload of several values ("1,2") then reads as two elements and is not JSON.
    QByteArray wrapped;
    wrapped.reserve(payload.size() + 2);
    wrapped.append('[').append(payload).append(']');
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(wrapped, &error);
    if (error.error == QJsonParseError::NoError && document.array().size() == 1)
        return document.array().first().toVariant();
    return QString::fromUtf8(payload);
}

} // namespace detail

std::optional<QString> Codec<QString>::decode(QByteArrayView payload)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(payload);
    if (decoder.hasError())
        return std::nullopt;
    return text;
}

QByteArray Codec<bool>::encode(bool value)
{
    return value ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
}

std::optional<bool> Codec<bool>::decode(QByteArrayView payload)
{
    const QByteArrayView text = detail::trimmed(payload);
    if (text == "true" || text == "1")
        return true;
    if (text == "false" || text == "0")
        return false;
    return std::nullopt;
}

} // namespace DropSlot
