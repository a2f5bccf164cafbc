//! The fork's reason to exist: a schema stays small. `openapiv3` 2.2.0's `Schema` is
//! 1,024 bytes and its `SchemaData` 560; a spec of many small schemas then took 22
//! times its size as a typed document.

use openapi_compact::{ReferenceOr, Schema, SchemaData, SchemaKind};

#[test]
fn a_schema_keeps_its_rare_parts_out_of_line() {
    assert!(
        size_of::<Schema>() <= 256,
        "Schema is {} bytes",
        size_of::<Schema>()
    );
    assert!(
        size_of::<SchemaData>() <= 104,
        "SchemaData is {} bytes",
        size_of::<SchemaData>()
    );
    assert!(
        size_of::<SchemaKind>() <= 152,
        "SchemaKind is {} bytes",
        size_of::<SchemaKind>()
    );
    assert!(size_of::<ReferenceOr<std::sync::Arc<Schema>>>() <= 24);
}

#[test]
fn extensions_round_trip_and_are_absent_when_there_are_none() {
    let text =
        r#"{"type":"string","description":"d","x-const":"a","x-examples":["b"],"default":"c"}"#;
    let schema: Schema = serde_json::from_str(text).unwrap();
    assert_eq!(schema.schema_data.extensions.get("x-const").unwrap(), "a");
    assert_eq!(schema.schema_data.default.as_deref().unwrap(), "c");
    let back = serde_json::to_value(&schema).unwrap();
    let expected: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(back, expected);

    let plain: Schema = serde_json::from_str(r#"{"type":"integer"}"#).unwrap();
    assert!(plain.schema_data.extensions.is_empty());
    assert_eq!(
        serde_json::to_string(&plain).unwrap(),
        r#"{"type":"integer"}"#
    );
}
