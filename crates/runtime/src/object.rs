//! Decoding a JSON object into a model struct, property by property.
//!
//! Input: a deserializer holding a JSON object, and a struct's [`FromObject`] impl
//! (generated beside it), which names each declared property and reads its value;
//! or a struct being serialized, property by property, through a [`Writer`].
//! Output: the struct, with the properties it does not declare kept in its extra map
//! (or skipped, when the spec forbids them), exactly as serde's derive with
//! `#[serde(flatten)]` decodes it: the same values, the same errors for a missing or
//! repeated property. Or the struct's JSON object, exactly as the derive wrote it:
//! its properties in order, an unset optional one left out, the extra map's last.
//!
//! Why not the derives: `#[derive(Deserialize)]` writes about 270 lines per struct
//! (a field enum with three visitors, a sequence visitor, the flatten buffer), and a
//! generated SDK has hundreds of structs, so it was the largest part of the code
//! the compiler checked; `#[derive(Serialize)]` came next. Here the machinery is
//! written once and each struct adds a `match` on its property names and a line per
//! property written; `cargo check` never instantiates it.

use std::borrow::Cow;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::nullable::Nullable;

/// A struct decoded from a JSON object: what its generated `Deserialize` impl
/// hands to [`deserialize`].
pub(crate) trait FromObject: Sized {
    /// The struct's name, for the error when the value is not an object.
    const NAME: &'static str;

    /// Reads every property of the object `map` holds (with [`read`], [`keep`] or
    /// [`skip`]) and builds the struct (with [`required`] and [`present`]).
    fn from_object<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Decodes a `T` from a JSON object.
pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: FromObject>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(PhantomData<T>);
    impl<'de, T: FromObject> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(formatter, "struct {}", T::NAME)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_object(map)
        }
    }
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

/// A property name as read: borrowed from the input where it can be, so a declared
/// property's name is compared without being copied.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The name.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value.to_owned())))
            }
            fn visit_string<E: de::Error>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads the value of the declared property `name` into its slot.
pub(crate) fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error> {
    unset(slot, name)?;
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads an optional property whose type takes `null` itself (any JSON, or a
/// union): a `null` sent is kept as `Some(null)`, so re-serializing sends it back,
/// where reading it as an `Option` would drop it.
pub(crate) fn read_present<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    slot: &mut Option<Option<T>>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error> {
    unset(slot, name)?;
    *slot = Some(Some(map.next_value()?));
    Ok(())
}

/// Checks that the property `name` has not been read yet: one sent twice is an
/// error, as with the derive.
fn unset<T, E: de::Error>(slot: &Option<T>, name: &'static str) -> Result<(), E> {
    match slot {
        Some(_) => Err(de::Error::duplicate_field(name)),
        None => Ok(()),
    }
}

/// Keeps a property the struct does not declare in its extra map.
pub(crate) fn keep<'de, A, M, V>(extra: &mut M, key: Key<'de>, map: &mut A) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    M: Extend<(String, V)>,
    V: Deserialize<'de>,
{
    let value = map.next_value()?;
    extra.extend([(key.0.into_owned(), value)]);
    Ok(())
}

/// Skips a property the struct does not declare and the spec forbids.
pub(crate) fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// A required property's value. When it was not sent, what its type makes of an
/// absence (`None` for an `Option`), else the missing-field error: the derive's rule.
pub(crate) fn required<'de, T: Deserialize<'de>, E: de::Error>(
    slot: Option<T>,
    name: &'static str,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => T::deserialize(Missing(name, PhantomData)),
    }
}

/// A property that must be sent even though it may be `null`: not sent, it is the
/// missing-field error, never an invented `null`.
pub(crate) fn present<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| de::Error::missing_field(name))
}

/// The value of a property that was not sent, as serde's derive reads it: an
/// `Option` is `None`, anything else a missing-field error.
struct Missing<E>(&'static str, PhantomData<E>);

impl<'de, E: de::Error> Deserializer<'de> for Missing<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(de::Error::missing_field(self.0))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_none()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf unit unit_struct newtype_struct seq tuple tuple_struct map struct
        enum identifier ignored_any
    }
}

/// Writes a struct as a JSON object, one property at a time: what a generated
/// struct's `Serialize` impl does.
pub(crate) struct Writer<S: Serializer>(S::SerializeMap);

impl<S: Serializer> Writer<S> {
    /// Opens the object.
    pub(crate) fn new(serializer: S) -> Result<Self, S::Error> {
        serializer.serialize_map(None).map(Self)
    }

    /// Writes a property that is always sent (`null` included, for a required
    /// nullable one).
    pub(crate) fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_entry(name, value)
    }

    /// Writes an optional property, left out when it is `None`.
    pub(crate) fn optional<T: Serialize>(
        &mut self,
        name: &'static str,
        value: &Option<T>,
    ) -> Result<(), S::Error> {
        match value {
            Some(value) => self.0.serialize_entry(name, value),
            None => Ok(()),
        }
    }

    /// Writes an optional, nullable property: left out when omitted, else its
    /// value or `null`.
    pub(crate) fn nullable<T: Serialize>(
        &mut self,
        name: &'static str,
        value: &Nullable<T>,
    ) -> Result<(), S::Error> {
        if value.is_omitted() {
            return Ok(());
        }
        self.0.serialize_entry(name, value)
    }

    /// Writes the properties the struct does not declare, after its own.
    pub(crate) fn extra<'a, V: Serialize + 'a>(
        &mut self,
        entries: impl IntoIterator<Item = (&'a String, &'a V)>,
    ) -> Result<(), S::Error> {
        for (name, value) in entries {
            self.0.serialize_entry(name, value)?;
        }
        Ok(())
    }

    /// Closes the object.
    pub(crate) fn end(self) -> Result<S::Ok, S::Error> {
        self.0.end()
    }
}

#[cfg(test)]
#[path = "tests/object.rs"]
mod tests;
