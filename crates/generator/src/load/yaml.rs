//! YAML text → `serde_json::Value`, in one pass.
//!
//! Input: YAML source text.
//! Output: the same document as a JSON value, or the parser's located error.
//!
//! The parser is serde-saphyr: pure Rust, panic-free, and bounded by a budget we set.
//! Its nesting limit is the loader's [`MAX_NESTING`](super::MAX_NESTING), the same as
//! for JSON, so a valid schema nested a few hundred levels deep is read (serde_yaml
//! stopped at a fixed 128 YAML levels, about 62 levels of `properties`), and the stack
//! grows as needed on the way down.
//! Booleans are YAML 1.2's only (`n`, `no`, `on` stay strings: Mistral has a property
//! named `n`), duplicate keys are refused, and alias expansion is capped by the
//! parser's default replay limits; nothing else is budgeted, since the text is
//! already in memory and every other count is linear in its size.
//!
//! This visitor builds the JSON value directly: integers that fit stay integers,
//! larger ones become floats (a bound that large constrains nothing a client checks,
//! as DigitalOcean's `maximum: 18446744073709552000`), and non-string mapping keys
//! (`200:` response codes, `true:`) become their text.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses YAML text into a JSON value.
pub fn from_str(text: &str) -> Result<Value, serde_saphyr::Error> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = super::MAX_NESTING;
    budget.flow_nesting_limit = super::MAX_NESTING;
    budget.max_events = usize::MAX;
    budget.max_nodes = usize::MAX;
    budget.max_total_scalar_bytes = usize::MAX;
    budget.max_documents = 1;
    // Many aliases of one anchor (a shared error response) are legitimate; the
    // replay limits below still bound what aliases can expand to.
    budget.enforce_alias_anchor_ratio = false;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.with_snippet = false;
    // `maximum: 1e400` reaches the number check, which locates it at its keyword.
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
    serde_saphyr::from_str_with_options::<Document>(text, options).map(|document| document.0)
}

/// The whole document, read through [`ValueVisitor`].
struct Document(Value);

impl<'de> serde::Deserialize<'de> for Document {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ValueSeed.deserialize(deserializer).map(Document)
    }
}

struct ValueVisitor;

fn float(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "integers beyond 64 bits become floats on purpose"
    )]
    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(i64::try_from(value).map_or_else(|_| float(value as f64), Value::from))
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "integers beyond 64 bits become floats on purpose"
    )]
    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(u64::try_from(value).map_or_else(|_| float(value as f64), Value::from))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(float(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(ValueSeed)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = map.next_value_seed(ValueSeed)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged YAML value (`!Tag value`): the tag carries no meaning here.
        let (_tag, variant): (Value, _) = data.variant_seed(ValueSeed)?;
        de::VariantAccess::newtype_variant_seed(variant, ValueSeed)
    }
}

struct ValueSeed;

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        // Each nesting level recurses here; grow the stack instead of overflowing it.
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
            deserializer.deserialize_any(ValueVisitor)
        })
    }
}

/// A mapping key as text: a string as it is, a number or boolean (`200:`, `true:`)
/// as its text, a null as `null`.
///
/// A key that is itself a mapping or a list (YAML's `? ` complex keys) is refused:
/// JSON has no such keys, and turning one into text nests escapes, which doubles
/// the text at each level (60 nested `? ` took longer than any timeout).
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key that is a string, number or boolean")
    }

    fn visit_bool<E>(self, value: bool) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_i64<E>(self, value: i64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_u64<E>(self, value: u64) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_i128<E>(self, value: i128) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_u128<E>(self, value: u128) -> Result<String, E> {
        Ok(value.to_string())
    }

    fn visit_f64<E>(self, value: f64) -> Result<String, E> {
        Ok(float(value).to_string())
    }

    fn visit_str<E>(self, value: &str) -> Result<String, E> {
        Ok(value.to_owned())
    }

    fn visit_string<E>(self, value: String) -> Result<String, E> {
        Ok(value)
    }

    fn visit_unit<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_none<E>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<String, A::Error> {
        // A tagged key (`!Tag key`): the tag carries no meaning here.
        let (_tag, variant): (Value, _) = data.variant_seed(ValueSeed)?;
        de::VariantAccess::newtype_variant_seed(variant, KeySeed)
    }

    fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<String, A::Error> {
        Err(de::Error::custom(
            "a mapping key must be a string, number or boolean, not a mapping",
        ))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<String, A::Error> {
        Err(de::Error::custom(
            "a mapping key must be a string, number or boolean, not a list",
        ))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn keys_numbers_and_big_integers() {
        let value = super::from_str("responses:\n  200: ok\n  true: yes\nmax: 18446744073709552000\nn: -3\nf: 1.5\nnull_key: ~\n").unwrap();
        assert_eq!(value["responses"]["200"], json!("ok"));
        assert_eq!(value["responses"]["true"], json!("yes"));
        assert!(value["max"].is_f64());
        assert_eq!(value["n"], json!(-3));
        assert_eq!(value["f"], json!(1.5));
        assert!(value["null_key"].is_null());
    }
}
