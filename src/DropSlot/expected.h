// SPDX-License-Identifier: MIT
#pragma once

#include <DropSlot/buserror.h>

#include <QtCore/QtGlobal>

#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

namespace DropSlot {

//! Thrown by Expected::value() on an error, as std::bad_expected_access is by std::expected.
//! Test the Expected first (`if (auto m = sub.tryGetMessage())`) or use value_or().
class DROPSLOT_EXPORT BadExpectedAccess : public std::exception
{
public:
    //! Carries the error the Expected held.
    explicit BadExpectedAccess(BusError error) noexcept : m_error(error) { }
    //! The error the Expected held.
    BusError error() const noexcept { return m_error; }
    //! "DropSlot::Expected::value() on an error: no new message" (or "topic disconnected").
    const char *what() const noexcept override;

private:
    BusError m_error;
};

namespace detail {
[[noreturn]] DROPSLOT_EXPORT void throwBadExpectedAccess(BusError error);
struct UnexpectTag { };

// A small std::expected<T, BusError> of our own, under every language standard (see Expected).
// It keeps std::expected's member names so code written against either compiles unchanged.
template <typename T>
class BasicExpected
{
public:
    using value_type = T;
    using error_type = BusError;

    BasicExpected(const T &value) : m_data(std::in_place_index<0>, value) { }
    BasicExpected(T &&value) : m_data(std::in_place_index<0>, std::move(value)) { }
    BasicExpected(UnexpectTag, BusError error) : m_data(std::in_place_index<1>, error) { }

    bool has_value() const noexcept { return m_data.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    T &value() & { check(); return *std::get_if<0>(&m_data); }
    const T &value() const & { check(); return *std::get_if<0>(&m_data); }
    T &&value() && { check(); return std::move(*std::get_if<0>(&m_data)); }
    template <typename U>
    T value_or(U &&fallback) const & { return has_value() ? **this : T(std::forward<U>(fallback)); }
    template <typename U>
    T value_or(U &&fallback) && { return has_value() ? std::move(**this) : T(std::forward<U>(fallback)); }

    // Unchecked, as for std::optional: only on a value.
    T &operator*() & noexcept { return *std::get_if<0>(&m_data); }
    const T &operator*() const & noexcept { return *std::get_if<0>(&m_data); }
    T &&operator*() && noexcept { return std::move(*std::get_if<0>(&m_data)); }
    T *operator->() noexcept { return std::get_if<0>(&m_data); }
    const T *operator->() const noexcept { return std::get_if<0>(&m_data); }

    BusError error() const noexcept
    {
        Q_ASSERT_X(!has_value(), "DropSlot::Expected::error", "called on a value");
        return has_value() ? BusError::empty() : *std::get_if<1>(&m_data);
    }

private:
    void check() const
    {
        if (Q_UNLIKELY(!has_value()))
            throwBadExpectedAccess(*std::get_if<1>(&m_data));
    }

    std::variant<T, BusError> m_data;
};

template <>
class BasicExpected<void>
{
public:
    using value_type = void;
    using error_type = BusError;

    BasicExpected() noexcept = default;
    BasicExpected(UnexpectTag, BusError error) noexcept : m_error(error), m_hasValue(false) { }

    bool has_value() const noexcept { return m_hasValue; }
    explicit operator bool() const noexcept { return m_hasValue; }
    void value() const
    {
        if (Q_UNLIKELY(!m_hasValue))
            throwBadExpectedAccess(m_error);
    }
    BusError error() const noexcept { return m_error; }

private:
    BusError m_error = BusError::empty();
    bool m_hasValue = true;
};
} // namespace detail

//! A value, or the BusError that says why there is none. Its members are named as
//! std::expected's, so code reads the same; it is the same type under every language standard
//! (an alias of std::expected under C++23 would give Sub<T>::tryGetMessage() two layouts behind
//! one mangled name when C++20 and C++23 files are linked together).
//!
//! Members: `has_value()` and `explicit operator bool`; `value()`, which ends the process with a
//! message when called on an error; `value_or(fallback)`; unchecked `*` and `->`; and `error()`,
//! only on an error. `Expected<void>` has `has_value()`, `value()` and `error()`.
template <typename T>
using Expected = detail::BasicExpected<T>;
namespace detail {
template <typename T>
Expected<T> makeFailure(BusError error) { return Expected<T>(UnexpectTag{}, error); }
}

} // namespace DropSlot
