//! The unit tests of `object.rs`, kept beside the runtime: the copy in each SDK leaves
//! them out.
//!
//! A struct decoded through `FromObject` and encoded through `Writer`, written as the
//! generator writes them, must decode every input exactly as serde's derives (with
//! `#[serde(flatten)]` for the undeclared properties) decode it, and write it back
//! exactly as they do: the same JSON, or the same error. The inputs are every
//! combination of each property's states.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use super::{FromObject, Writer, deserialize, required};
use crate::nullable::Nullable;

/// The derive's way to read a property that must be sent but may be `null`.
fn required_nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(deserializer)
}

/// The derive's way to keep a `null` sent for an optional property of any JSON.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// The reference: one property of each presence, as the derive decoded them.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Derived {
    name: String,
    #[serde(deserialize_with = "required_nullable")]
    count: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    flag: Option<bool>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    any: Option<Value>,
    #[serde(default, skip_serializing_if = "Nullable::is_omitted")]
    note: Nullable<String>,
    #[serde(rename = "type")]
    kind: String,
    #[serde(flatten)]
    extra_fields: Map<String, Value>,
}

/// The same struct, decoded and encoded as a generated SDK does it.
#[derive(Debug, PartialEq)]
struct Reading {
    name: String,
    count: Option<i64>,
    flag: Option<bool>,
    any: Option<Value>,
    note: Nullable<String>,
    kind: String,
    extra_fields: Map<String, Value>,
}

impl Serialize for Reading {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = Writer::new(serializer)?;
        object.field("name", &self.name)?;
        object.field("count", &self.count)?;
        object.optional("flag", &self.flag)?;
        object.optional("any", &self.any)?;
        object.nullable("note", &self.note)?;
        object.field("type", &self.kind)?;
        object.extra(&self.extra_fields)?;
        object.end()
    }
}

impl<'de> Deserialize<'de> for Reading {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer)
    }
}

impl FromObject for Reading {
    const NAME: &'static str = "Reading";
    fn from_object<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        use crate::object;
        let mut field_name = None;
        let mut field_count = None;
        let mut field_flag = None;
        let mut field_any = None;
        let mut field_note = None;
        let mut field_kind = None;
        let mut extra = Map::default();
        while let Some(key) = map.next_key::<object::Key<'de>>()? {
            match key.as_str() {
                "name" => object::read(&mut field_name, &mut map, "name")?,
                "count" => object::read(&mut field_count, &mut map, "count")?,
                "flag" => object::read(&mut field_flag, &mut map, "flag")?,
                "any" => object::read_present(&mut field_any, &mut map, "any")?,
                "note" => object::read(&mut field_note, &mut map, "note")?,
                "type" => object::read(&mut field_kind, &mut map, "type")?,
                _ => object::keep(&mut extra, key, &mut map)?,
            }
        }
        Ok(Self {
            name: object::required(field_name, "name")?,
            count: object::present(field_count, "count")?,
            flag: field_flag.unwrap_or_default(),
            any: field_any.unwrap_or_default(),
            note: field_note.unwrap_or_default(),
            kind: object::required(field_kind, "type")?,
            extra_fields: extra,
        })
    }
}

/// A closed object (no undeclared properties kept), as the derive decoded it.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct DerivedClosed {
    id: i64,
}

/// The same, as generated.
#[derive(Debug, PartialEq)]
struct Closed {
    id: i64,
}

impl Serialize for Closed {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = Writer::new(serializer)?;
        object.field("id", &self.id)?;
        object.end()
    }
}

impl<'de> Deserialize<'de> for Closed {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer)
    }
}

impl FromObject for Closed {
    const NAME: &'static str = "Closed";
    fn from_object<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        use crate::object;
        let mut field_id = None;
        while let Some(key) = map.next_key::<object::Key<'de>>()? {
            match key.as_str() {
                "id" => object::read(&mut field_id, &mut map, "id")?,
                _ => object::skip(&mut map)?,
            }
        }
        Ok(Self {
            id: object::required(field_id, "id")?,
        })
    }
}

/// A map of undeclared properties of one type, as the derive decoded it.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct DerivedCounts {
    #[serde(flatten)]
    counts: BTreeMap<String, i64>,
}

/// The same, as generated for a struct with no declared property.
#[derive(Debug, PartialEq)]
struct Counts {
    counts: BTreeMap<String, i64>,
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = Writer::new(serializer)?;
        object.extra(&self.counts)?;
        object.end()
    }
}

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize(deserializer)
    }
}

impl FromObject for Counts {
    const NAME: &'static str = "Counts";
    fn from_object<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        use crate::object;
        let mut extra = BTreeMap::default();
        while let Some(key) = map.next_key::<object::Key<'de>>()? {
            object::keep(&mut extra, key, &mut map)?;
        }
        Ok(Self { counts: extra })
    }
}

/// An error's text, with the struct's name (which differs between the reference
/// and the struct under test) left out.
fn message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.split_once("expected struct ") {
        Some((before, after)) => {
            let rest = after.split_once(' ').map_or("", |(_, rest)| rest);
            format!("{before}expected struct _ {rest}")
        }
        None => text,
    }
}

/// Decodes `text` both ways, from the text and from a `Value` (as a union's
/// variant is decoded), and checks the two agree: the same JSON back out, or the
/// same error.
fn agree<D, G>(text: &str)
where
    D: for<'de> Deserialize<'de> + Serialize,
    G: for<'de> Deserialize<'de> + Serialize,
{
    same(
        text,
        serde_json::from_str::<D>(text).map(|v| serde_json::to_value(v).unwrap()),
        serde_json::from_str::<G>(text).map(|v| serde_json::to_value(v).unwrap()),
    );
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        same(
            &format!("{text} as a value"),
            serde_json::from_value::<D>(value.clone()).map(|v| serde_json::to_value(v).unwrap()),
            serde_json::from_value::<G>(value).map(|v| serde_json::to_value(v).unwrap()),
        );
    }
}

/// Checks that the derive's result and the generated impl's are the same.
fn same(case: &str, derived: serde_json::Result<Value>, generated: serde_json::Result<Value>) {
    match (&derived, &generated) {
        (Ok(d), Ok(g)) => assert_eq!(d, g, "{case}"),
        (Err(d), Err(g)) => assert_eq!(message(d), message(g), "{case}"),
        _ => panic!("{case}: the derive gives {derived:?}, the generated impl {generated:?}"),
    }
}

#[test]
fn every_combination_of_property_states_decodes_as_the_derive_does() {
    // Each property: left out, a value, `null`, a value of the wrong type.
    let states: [(&str, [Option<&str>; 4]); 6] = [
        ("name", [None, Some(r#""n""#), Some("null"), Some("5")]),
        ("count", [None, Some("3"), Some("null"), Some(r#""x""#)]),
        ("flag", [None, Some("true"), Some("null"), Some("1")]),
        (
            "any",
            [None, Some(r#"{"a":[1,2.0]}"#), Some("null"), Some("7")],
        ),
        (
            "note",
            [None, Some(r#""text""#), Some("null"), Some("false")],
        ),
        ("type", [None, Some(r#""t""#), Some("null"), Some("[]")]),
    ];
    let mut cases = 0;
    for mut choice in 0..4usize.pow(6) {
        let mut members = Vec::new();
        for (name, values) in &states {
            if let Some(value) = values[choice % 4] {
                members.push(format!("\"{name}\":{value}"));
            }
            choice /= 4;
        }
        let plain = format!("{{{}}}", members.join(","));
        agree::<Derived, Reading>(&plain);
        // Undeclared properties, before and after the declared ones, kept in order.
        members.insert(0, r#""zeta":{"deep":[null]}"#.to_owned());
        members.push(r#""alpha":1"#.to_owned());
        agree::<Derived, Reading>(&format!("{{{}}}", members.join(",")));
        cases += 2;
    }
    assert_eq!(cases, 8192);
}

#[test]
fn repeats_escapes_and_other_shapes_decode_as_the_derive_does() {
    for text in [
        // A declared property sent twice.
        r#"{"name":"a","name":"b","count":1,"type":"t"}"#,
        r#"{"name":"a","count":null,"count":2,"type":"t"}"#,
        r#"{"name":"a","count":1,"type":"t","flag":true,"flag":false}"#,
        r#"{"name":"a","count":1,"type":"t","any":null,"any":1}"#,
        // An undeclared property sent twice: the last one is kept.
        r#"{"name":"a","count":1,"type":"t","x":1,"x":2}"#,
        // Escaped names are the same names.
        r#"{"n\u0061me":"a","count":1,"\u0074ype":"t","\u00e9":1}"#,
        // Not an object.
        "[]",
        r#"["a",1,true,null,"t"]"#,
        "null",
        "1",
        r#""text""#,
        // Not JSON to the end.
        r#"{"name":"a","count":1,"type":"t""#,
        r#"{"name":"a","count":1,"type":"t"} x"#,
    ] {
        agree::<Derived, Reading>(text);
    }
    for text in [
        r#"{"id":1}"#,
        r#"{"id":1,"other":{"a":[1]}}"#,
        r#"{"other":1}"#,
        r#"{"id":1,"id":2}"#,
        r#"{"id":"1"}"#,
        "{}",
    ] {
        agree::<DerivedClosed, Closed>(text);
    }
    // On purpose unlike the derive without `flatten`: an array is not read as the
    // object's properties in order, since it would not re-serialize to what was sent.
    assert!(serde_json::from_str::<DerivedClosed>("[1]").is_ok());
    assert_eq!(
        serde_json::from_str::<Closed>("[1]")
            .unwrap_err()
            .to_string(),
        "invalid type: sequence, expected struct Closed at line 1 column 0"
    );
    for text in ["{}", r#"{"a":1,"b":2}"#, r#"{"a":1,"a":2}"#, "[]"] {
        agree::<DerivedCounts, Counts>(text);
    }
    // The same error, but where the wrong value is: the derive buffers the
    // undeclared properties and finds it at the object's end.
    let wrong = r#"{"a":"one"}"#;
    assert_eq!(
        serde_json::from_str::<DerivedCounts>(wrong)
            .unwrap_err()
            .to_string(),
        r#"invalid type: string "one", expected i64 at line 1 column 11"#
    );
    assert_eq!(
        serde_json::from_str::<Counts>(wrong)
            .unwrap_err()
            .to_string(),
        r#"invalid type: string "one", expected i64 at line 1 column 10"#
    );
}

#[test]
fn a_required_property_not_sent_is_what_its_type_makes_of_an_absence() {
    let absent_option: Result<Option<i64>, serde_json::Error> = required(None, "count");
    assert_eq!(absent_option.unwrap(), None);
    let absent_text: Result<String, serde_json::Error> = required(None, "name");
    assert_eq!(absent_text.unwrap_err().to_string(), "missing field `name`");
    let absent_json: Result<Value, serde_json::Error> = required(None, "any");
    assert_eq!(absent_json.unwrap_err().to_string(), "missing field `any`");
    let sent: Result<Value, serde_json::Error> = required(Some(json!(null)), "any");
    assert_eq!(sent.unwrap(), json!(null));
}
