//! The unit tests of `union.rs`, kept beside the runtime: the copy in each SDK leaves them out.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};

use super::{alternative, deserialize_untagged};

/// A closed object: it ignores fields it does not declare.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Call {
    name: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct ToolCall {
    name: String,
    tool_call_id: String,
}

#[derive(Debug, PartialEq, Serialize)]
#[serde(untagged)]
enum Output {
    Call(Call),
    ToolCall(ToolCall),
    Unknown(Value),
}

impl<'de> Deserialize<'de> for Output {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_untagged(
            deserializer,
            &[
                |value| alternative(value, Self::Call),
                |value| alternative(value, Self::ToolCall),
            ],
            Some(Self::Unknown),
        )
    }
}

/// An optional union property, decoded as a generated struct decodes it.
#[derive(Debug, PartialEq, Serialize)]
struct Holder {
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<Output>,
}

impl<'de> Deserialize<'de> for Holder {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::object::deserialize(deserializer)
    }
}

impl crate::object::FromObject for Holder {
    const NAME: &'static str = "Holder";
    fn from_object<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        use crate::object;
        let mut field_output = None;
        while let Some(key) = map.next_key::<object::Key<'de>>()? {
            match key.as_str() {
                "output" => object::read_present(&mut field_output, &mut map, "output")?,
                _ => object::skip(&mut map)?,
            }
        }
        Ok(Self {
            output: field_output.unwrap_or_default(),
        })
    }
}

#[test]
fn a_null_sent_for_an_optional_union_is_kept() {
    for sent in [json!({"output": null}), json!({})] {
        let holder: Holder = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(serde_json::to_value(&holder).unwrap(), sent);
    }
}

#[test]
fn the_alternative_that_holds_the_whole_value_wins() {
    let both = json!({"name": "search", "tool_call_id": "tc-1"});
    let decoded: Output = serde_json::from_value(both.clone()).unwrap();
    assert!(matches!(decoded, Output::ToolCall(_)), "{decoded:?}");
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        both,
        "sent back whole"
    );

    let one: Output = serde_json::from_value(json!({"name": "search"})).unwrap();
    assert!(
        matches!(one, Output::Call(_)),
        "the first that fits exactly"
    );

    // Nothing fits exactly: the first that decodes, as before.
    let extra: Output = serde_json::from_value(json!({"name": "search", "other": 1})).unwrap();
    assert!(matches!(extra, Output::Call(_)), "{extra:?}");

    let neither: Output = serde_json::from_value(json!(5)).unwrap();
    assert_eq!(neither, Output::Unknown(json!(5)));
}
