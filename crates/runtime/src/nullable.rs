//! A request field with three states: left out, sent as `null`, or sent with a value.
//!
//! `Option<T>` cannot tell "do not send this field" from "send `null`", and APIs give
//! the two different meanings (LlamaCloud's `index_ids: null` creates an unbound
//! session; leaving it out takes the server's default). Params and model types use
//! `Nullable<T>` for every field that is both optional and nullable, so a response
//! that says `null` re-serializes to `null` and one that leaves a field out to nothing.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A field that can be omitted, `null`, or a value. The default is [`Nullable::Omitted`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Not sent at all.
    #[default]
    Omitted,
    /// Sent as JSON `null`.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the field is left out; used by `skip_serializing_if`.
    #[must_use]
    pub fn is_omitted(&self) -> bool {
        matches!(self, Self::Omitted)
    }

    /// Whether the field is sent as `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Whether there is a value.
    #[must_use]
    pub fn is_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }

    /// The value, if there is one.
    #[must_use]
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Omitted | Self::Null => None,
        }
    }

    /// The value, if there is one, by value.
    #[must_use]
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Omitted | Self::Null => None,
        }
    }

    /// The value through `Deref` (`Option<&str>` for a `Nullable<String>`).
    #[must_use]
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.as_value().map(|value| &**value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `Some` is a value and `None` an explicit `null`.
    fn from(value: Option<T>) -> Self {
        match value {
            Some(value) => Self::Value(value),
            None => Self::Null,
        }
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => value.serialize(serializer),
            // `Omitted` only reaches here when a caller serializes it directly;
            // fields skip it with `skip_serializing_if = "Nullable::is_omitted"`.
            Self::Null | Self::Omitted => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Self::Value(value),
            None => Self::Null,
        })
    }
}
