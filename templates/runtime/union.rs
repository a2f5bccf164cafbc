//! Serializing a variant of a discriminated union with the right tag.
//!
//! Input: a variant's payload, the union's tag property and the variant's tags.
//! Output: the payload's JSON with the tag set to one of the variant's own values:
//! the one it holds if it is one of them (a decoded value goes back out unchanged),
//! else the variant's first. So no caller has to type the tag, or can send a wrong one.

use serde::{Serialize, Serializer};

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
