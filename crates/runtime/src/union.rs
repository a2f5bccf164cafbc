//! Unions on the wire: serializing a discriminated union's variant with the right
//! tag, and decoding an untagged union exactly.
//!
//! Input: a variant's payload, the union's tag property and the variant's tags; or
//! a JSON value and an untagged union's alternatives.
//! Output: the payload's JSON with the tag set to one of the variant's own values
//! (the one it holds if it is one of them, so a decoded value goes back out
//! unchanged; else the variant's first), so no caller has to type the tag or can
//! send a wrong one. And the alternative that holds all of a value: the first that
//! decodes it and re-serializes to exactly it, else the first that decodes it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Serializes `payload` with its `tag` property set to one of `tags` (the first,
/// unless it already holds one of them).
pub(crate) fn serialize_tagged<S: Serializer, T: Serialize>(
    payload: &T,
    tag: &str,
    tags: &[&str],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut value = serde_json::to_value(payload).map_err(serde::ser::Error::custom)?;
    if let (Some(object), Some(first)) = (value.as_object_mut(), tags.first()) {
        let known = object
            .get(tag)
            .and_then(serde_json::Value::as_str)
            .is_some_and(|held| tags.contains(&held));
        if !known {
            object.insert(tag.to_owned(), serde_json::Value::from(*first));
        }
    }
    value.serialize(serializer)
}

/// Decodes an untagged union's `value`: the first alternative that decodes it and
/// re-serializes to exactly it, else the first that decodes it at all. Trying them
/// in order alone would let an earlier alternative that ignores a field (a closed
/// object, or a null where it takes none) swallow a value a later one holds whole.
pub(crate) fn decode_untagged<T: Serialize>(
    value: &Value,
    alternatives: &[fn(&Value) -> Option<T>],
) -> Option<T> {
    let mut first = None;
    for decode in alternatives {
        if let Some(candidate) = decode(value) {
            if serde_json::to_value(&candidate).is_ok_and(|again| again == *value) {
                return Some(candidate);
            }
            if first.is_none() {
                first = Some(candidate);
            }
        }
    }
    first
}

/// One alternative of an untagged union: `value` decoded as the payload `P`, then
/// wrapped as the union's variant.
pub(crate) fn alternative<P: serde::de::DeserializeOwned, T>(
    value: &Value,
    variant: fn(P) -> T,
) -> Option<T> {
    serde_json::from_value(value.clone()).ok().map(variant)
}

/// An untagged union's `Deserialize`: [`decode_untagged`] over the alternatives,
/// else `unknown` (the variant that keeps any value), else an error.
pub(crate) fn deserialize_untagged<'de, D: Deserializer<'de>, T: Serialize>(
    deserializer: D,
    alternatives: &[fn(&Value) -> Option<T>],
    unknown: Option<fn(Value) -> T>,
) -> Result<T, D::Error> {
    let value = Value::deserialize(deserializer)?;
    match (decode_untagged(&value, alternatives), unknown) {
        (Some(decoded), _) => Ok(decoded),
        (None, Some(unknown)) => Ok(unknown(value)),
        (None, None) => Err(serde::de::Error::custom(
            "no alternative of the union fits the value",
        )),
    }
}

#[cfg(test)]
#[path = "tests/union.rs"]
mod tests;
