//! Rewrites OpenAPI 3.1 (JSON Schema 2020-12) forms into the 3.0 forms `openapi-compact` reads.
//!
//! Input: the document as a `serde_json::Value`, straight from the parser.
//! Output: the same value, rewritten in place, so that deserializing it into
//! `openapi_compact::OpenAPI` neither fails nor silently drops meaning.
//!
//! `openapi-compact` (a fork of `openapiv3` 2.2) models 3.0 only: it fails on numeric `exclusiveMinimum` and on
//! `type: [T, "null"]`, turns `{type: "null"}` into an untyped schema, drops `const`,
//! `examples` and a `description` beside a `$ref`, and keeps only one of `type`,
//! `allOf`, `oneOf`, `anyOf` when a schema has several. Each rewrite below keeps
//! the meaning in a form it reads; what has no 3.0 form goes into an `x-` extension
//! that the lowering stage reads back (`x-const`, `x-examples`).
//!
//! The walk knows which positions hold schemas (`schema`, `components.schemas`,
//! `properties`, `items`, ...), so example payloads and other maps are left alone.

use serde_json::{Map, Value};

/// Normalizes the whole document in place.
pub fn normalize_document(document: &mut Value) {
    hoist_defs(document);
    hoist_pointer_targets(document);
    let Some(root) = document.as_object_mut() else {
        return;
    };
    // 3.1 makes `paths` optional (a webhooks-only document); openapi-compact requires it.
    root.entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            normalize_path_item(item);
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        if let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) {
            for schema in schemas.values_mut() {
                normalize_schema(schema);
            }
        }
        for section in ["parameters", "headers"] {
            if let Some(map) = components.get_mut(section).and_then(Value::as_object_mut) {
                for value in map.values_mut() {
                    normalize_parameter_like(value);
                }
            }
        }
        for section in ["requestBodies", "responses"] {
            if let Some(map) = components.get_mut(section).and_then(Value::as_object_mut) {
                for value in map.values_mut() {
                    normalize_body_like(value);
                }
            }
        }
    }
}

/// JSON Schema `$defs` blocks (3.1) become component schemas, and `#/$defs/Name`
/// references point to them: `openapi-compact` knows only `#/components/schemas`.
fn hoist_defs(document: &mut Value) {
    let mut found = Vec::new();
    take_defs(document, &mut found);
    if found.is_empty() {
        return;
    }
    let Some(root) = document.as_object_mut() else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(components) = components.as_object_mut() else {
        return;
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(schemas) = schemas.as_object_mut() else {
        return;
    };
    let mut renames: Vec<(String, String)> = Vec::new();
    for (name, schema) in found {
        if renames.iter().any(|(from, _)| *from == name) {
            continue;
        }
        let target = match schemas.get(&name) {
            None => name.clone(),
            Some(existing) if *existing == schema => name.clone(),
            // Fewer names are taken than there are numbers, so this ends.
            Some(_) => (2..=schemas.len() + 2)
                .map(|n| format!("{name}{n}"))
                .find(|candidate| !schemas.contains_key(candidate))
                .unwrap_or_default(),
        };
        schemas.entry(target.clone()).or_insert(schema);
        renames.push((name, target));
    }
    rewrite_def_refs(document, &renames);
}

/// A local `$ref` to any place in the document other than a component itself
/// (`#/paths/~1vehicles/post/requestBody/content/application~1json/schema`,
/// `#/components/schemas/A/properties/b`) is legal, but `openapi-compact` and lowering know
/// only `#/components/<section>/<name>`. Each such target moves into the components
/// (a schema, parameter, request body, response or header, by where it sat), its old
/// place and every reference to it refer there, so it is defined once. Deepest
/// targets move first, so a target inside another moves before its container is
/// copied. A pointer that names nothing is left for lowering to report.
fn hoist_pointer_targets(document: &mut Value) {
    let mut references = Vec::new();
    collect_references(document, &mut references);
    let unique: std::collections::BTreeSet<String> = references
        .into_iter()
        .filter(|reference| is_deep_local(reference))
        .collect();
    let mut targets: Vec<String> = unique.into_iter().collect();
    targets.sort_by_key(|pointer| std::cmp::Reverse(pointer.matches('/').count()));
    let mut moved: Vec<(String, String)> = Vec::new();
    for reference in targets {
        let pointer = crate::load::percent_decode_pointer(reference.trim_start_matches('#'));
        let Some(target) = document.pointer(&pointer).cloned() else {
            continue;
        };
        let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
        let parent = tokens
            .len()
            .checked_sub(2)
            .and_then(|i| tokens.get(i))
            .copied();
        let last = tokens.last().copied().unwrap_or_default();
        let section = match (parent, last) {
            (Some("parameters"), _) => "parameters",
            (_, "requestBody") => "requestBodies",
            (Some("responses"), _) => "responses",
            (Some("headers"), _) => "headers",
            _ => "schemas",
        };
        let wanted: String = tokens
            .iter()
            .filter(|token| !matches!(**token, "paths" | "content" | "components" | "schemas"))
            .map(|token| {
                token
                    .replace("~1", "_")
                    .replace("~0", "_")
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("_");
        let Some(root) = document.as_object_mut() else {
            return;
        };
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let Some(sections) = components.as_object_mut() else {
            return;
        };
        let Some(map) = sections
            .entry(section)
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
        else {
            continue;
        };
        let base = wanted.trim_matches('_').to_owned();
        let base = if base.is_empty() {
            "Hoisted".to_owned()
        } else {
            base
        };
        // Fewer names are taken than there are numbers up to `len + 2`, so one is free.
        let name = std::iter::once(base.clone())
            .chain((2..map.len() + 3).map(|n| format!("{base}{n}")))
            .find(|candidate| !map.contains_key(candidate))
            .unwrap_or(base);
        map.insert(name.clone(), target);
        let new_reference = format!("#/components/{section}/{name}");
        if let Some(place) = document.pointer_mut(&pointer) {
            *place = serde_json::json!({ "$ref": new_reference });
        }
        moved.push((reference, new_reference));
    }
    if !moved.is_empty() {
        rewrite_references(document, &moved);
    }
}

/// Whether normalizing this part of the document on its own could differ from
/// normalizing it inside the whole document: it holds a `$defs` block or a local
/// `$ref` deeper than a component, whose rewrites ([`hoist_defs`],
/// [`hoist_pointer_targets`]) reach across the whole document.
#[must_use]
pub fn needs_whole_document(value: &Value) -> bool {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(object) => {
                if object.contains_key("$defs")
                    || matches!(object.get("$ref"), Some(Value::String(reference)) if is_deep_local(reference))
                {
                    return true;
                }
                stack.extend(object.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

/// Whether a reference is local and names something deeper than a component.
fn is_deep_local(reference: &str) -> bool {
    let Some(rest) = reference.strip_prefix("#/") else {
        return false;
    };
    let tokens: Vec<&str> = rest.split('/').collect();
    !(rest.starts_with("$defs") || (tokens.len() == 3 && tokens[0] == "components"))
}

fn collect_references(value: &Value, found: &mut Vec<String>) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(object) => {
                if let Some(Value::String(reference)) = object.get("$ref") {
                    found.push(reference.clone());
                }
                stack.extend(object.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

fn rewrite_references(value: &mut Value, moved: &[(String, String)]) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(object) => {
                if let Some(Value::String(reference)) = object.get_mut("$ref")
                    && let Some((_, to)) = moved.iter().find(|(from, _)| from == reference)
                {
                    reference.clone_from(to);
                }
                stack.extend(object.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

fn take_defs(value: &mut Value, found: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Object(defs)) = object.remove("$defs") {
                found.extend(defs);
            }
            object
                .values_mut()
                .for_each(|child| take_defs(child, found));
        }
        Value::Array(items) => items.iter_mut().for_each(|child| take_defs(child, found)),
        _ => {}
    }
}

fn rewrite_def_refs(value: &mut Value, renames: &[(String, String)]) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref") {
                let name = reference
                    .rsplit_once("/$defs/")
                    .map(|(_, name)| name.to_owned());
                if let Some(name) = name
                    && let Some((_, target)) = renames.iter().find(|(from, _)| *from == name)
                {
                    *reference = format!("#/components/schemas/{target}");
                }
            }
            object
                .values_mut()
                .for_each(|child| rewrite_def_refs(child, renames));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|child| rewrite_def_refs(child, renames)),
        _ => {}
    }
}

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Rewrites one path item's operations, parameters, bodies and responses.
pub fn normalize_path_item(item: &mut Value) {
    let Some(item) = item.as_object_mut() else {
        return;
    };
    if let Some(parameters) = item.get_mut("parameters").and_then(Value::as_array_mut) {
        parameters.iter_mut().for_each(normalize_parameter_like);
    }
    for method in HTTP_METHODS {
        let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
            continue;
        };
        // 3.1 allows an operation without `responses`; openapi-compact requires the key.
        operation
            .entry("responses")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(parameters) = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
        {
            parameters.iter_mut().for_each(normalize_parameter_like);
        }
        if let Some(body) = operation.get_mut("requestBody") {
            normalize_body_like(body);
        }
        if let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        {
            responses.values_mut().for_each(normalize_body_like);
        }
    }
}

/// A parameter or header: its `schema`, or the schemas under its `content`.
fn normalize_parameter_like(value: &mut Value) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    if let Some(schema) = object.get_mut("schema") {
        normalize_schema(schema);
    }
    if let Some(content) = object.get_mut("content") {
        normalize_content(content);
    }
    normalize_examples(object);
}

/// A request body or response: the schemas under `content`, and a response's headers.
fn normalize_body_like(value: &mut Value) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    if let Some(content) = object.get_mut("content") {
        normalize_content(content);
    }
    if let Some(headers) = object.get_mut("headers").and_then(Value::as_object_mut) {
        headers.values_mut().for_each(normalize_parameter_like);
    }
}

fn normalize_content(content: &mut Value) {
    let Some(content) = content.as_object_mut() else {
        return;
    };
    for media in content.values_mut() {
        if let Some(media) = media.as_object_mut() {
            if let Some(schema) = media.get_mut("schema") {
                normalize_schema(schema);
            }
            normalize_examples(media);
        }
    }
}

/// `examples` on a parameter or media type is a map of Example objects in both
/// versions; openapi-compact reads it. On a schema it is a 3.1 array: see `normalize_schema`.
fn normalize_examples(_object: &mut Map<String, Value>) {}

fn is_null_schema(value: &Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    match object.get("type") {
        Some(Value::String(kind)) => kind == "null",
        Some(Value::Array(kinds)) => kinds.iter().all(|kind| kind == "null"),
        _ => object
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| !values.is_empty() && values.iter().all(Value::is_null)),
    }
}

/// Normalizes one schema and, recursively, every schema inside it.
pub fn normalize_schema(schema: &mut Value) {
    // `true` is the 3.1 "any value" schema and `false` matches nothing.
    if let Value::Bool(accepts) = schema {
        *schema = if *accepts {
            Value::Object(Map::new())
        } else {
            serde_json::json!({ "not": {} })
        };
        return;
    }
    let Some(object) = schema.as_object_mut() else {
        return;
    };

    // A `$ref` with siblings (3.1): wrap it in `allOf` so the siblings survive.
    if object.contains_key("$ref") && object.len() > 1 {
        let reference = object.remove("$ref").unwrap_or(Value::Null);
        let mut only_ref = Map::new();
        only_ref.insert("$ref".to_owned(), reference);
        let mut parts = vec![Value::Object(only_ref)];
        if let Some(Value::Array(existing)) = object.remove("allOf") {
            parts.extend(existing);
        }
        object.insert("allOf".to_owned(), Value::Array(parts));
    }
    if object.contains_key("$ref") {
        return;
    }

    normalize_type_list(object);
    strip_null_alternatives(object, "anyOf");
    strip_null_alternatives(object, "oneOf");
    normalize_const(object);
    normalize_null_in_enum(object);
    normalize_exclusive_bounds(object);
    normalize_integer_bounds(object);
    normalize_schema_examples(object);
    // 3.1 marks binary strings with `contentMediaType`; 3.0 with `format: binary`.
    let binary_media = object
        .get("contentMediaType")
        .and_then(Value::as_str)
        .is_some_and(|media| !media.contains("json") && !media.starts_with("text/"));
    if binary_media && !object.contains_key("format") {
        object.insert("format".to_owned(), Value::String("binary".to_owned()));
        object
            .entry("type")
            .or_insert_with(|| Value::String("string".to_owned()));
    }
    if let Some(prefix_items) = object.remove("prefixItems") {
        // Tuples have no 3.0 form; keep them for the lowering stage and type the
        // array's items as untyped so nothing is rejected.
        object.insert("x-prefix-items".to_owned(), prefix_items);
    }
    split_mixed_composition(object);

    for key in ["items", "not", "additionalProperties"] {
        if let Some(child) = object.get_mut(key)
            && (child.is_object() || key != "additionalProperties")
        {
            normalize_schema(child);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(children)) = object.get_mut(key) {
            children.iter_mut().for_each(normalize_schema);
        }
    }
    for key in ["properties", "$defs", "definitions", "patternProperties"] {
        if let Some(Value::Object(children)) = object.get_mut(key) {
            children.values_mut().for_each(normalize_schema);
        }
    }
}

/// `type: [T, "null"]` → `type: T, nullable: true`; several non-null types → `anyOf`.
fn normalize_type_list(object: &mut Map<String, Value>) {
    match object.get("type") {
        Some(Value::Array(kinds)) => {
            let has_null = kinds.iter().any(|kind| kind == "null");
            let others: Vec<Value> = kinds
                .iter()
                .filter(|kind| *kind != "null")
                .cloned()
                .collect();
            object.remove("type");
            match others.len() {
                0 => {}
                1 => {
                    object.insert("type".to_owned(), others[0].clone());
                }
                _ => {
                    let alternatives = others
                        .into_iter()
                        .map(|kind| {
                            let mut alternative = Map::new();
                            alternative.insert("type".to_owned(), kind);
                            Value::Object(alternative)
                        })
                        .collect();
                    object.insert("anyOf".to_owned(), Value::Array(alternatives));
                }
            }
            if has_null {
                object.insert("nullable".to_owned(), Value::Bool(true));
            }
        }
        Some(Value::String(kind)) if kind == "null" => {
            object.remove("type");
            object.insert("nullable".to_owned(), Value::Bool(true));
            object.insert("x-null".to_owned(), Value::Bool(true));
        }
        _ => {}
    }
}

/// `anyOf: [T, {type: null}]` → `T` with `nullable: true`, keeping the outer keys.
fn strip_null_alternatives(object: &mut Map<String, Value>, key: &str) {
    let Some(Value::Array(alternatives)) = object.get_mut(key) else {
        return;
    };
    let before = alternatives.len();
    alternatives.retain(|alternative| !is_null_schema(alternative));
    if alternatives.len() == before {
        return;
    }
    object.insert("nullable".to_owned(), Value::Bool(true));
    let Some(Value::Array(alternatives)) = object.get(key) else {
        return;
    };
    match alternatives.len() {
        0 => {
            object.remove(key);
            object.insert("x-null".to_owned(), Value::Bool(true));
        }
        1 if !object.contains_key("discriminator") => {
            let Some(Value::Array(mut alternatives)) = object.remove(key) else {
                return;
            };
            let only = alternatives.pop().unwrap_or(Value::Null);
            inline_single_alternative(object, only);
        }
        _ => {}
    }
}

/// Puts the one remaining alternative in place of the `anyOf`/`oneOf`.
fn inline_single_alternative(object: &mut Map<String, Value>, only: Value) {
    match only {
        Value::Object(inner) if inner.contains_key("$ref") || has_composition(object) => {
            let mut parts = vec![Value::Object(inner)];
            if let Some(Value::Array(existing)) = object.remove("allOf") {
                parts.extend(existing);
            }
            object.insert("allOf".to_owned(), Value::Array(parts));
        }
        Value::Object(inner) => {
            // The outer keys (title, description, default) describe the field and win.
            for (key, value) in inner {
                if key == "nullable" {
                    continue;
                }
                object.entry(key).or_insert(value);
            }
        }
        _ => {}
    }
}

fn has_composition(object: &Map<String, Value>) -> bool {
    ["allOf", "anyOf", "oneOf"]
        .iter()
        .any(|key| object.contains_key(*key))
}

/// `const: v` → `enum: [v]` plus `x-const: v`, with a `type` inferred when missing.
fn normalize_const(object: &mut Map<String, Value>) {
    let Some(value) = object.remove("const") else {
        return;
    };
    if !object.contains_key("type") {
        let kind = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(number) if number.is_i64() || number.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(kind) = kind {
            object.insert("type".to_owned(), Value::String(kind.to_owned()));
        }
    }
    if !value.is_null() && !value.is_object() && !value.is_array() {
        object.insert("enum".to_owned(), Value::Array(vec![value.clone()]));
    }
    object.insert("x-const".to_owned(), value);
}

/// `enum: [a, b, null]` → `enum: [a, b]` plus `nullable: true`.
fn normalize_null_in_enum(object: &mut Map<String, Value>) {
    let Some(Value::Array(values)) = object.get_mut("enum") else {
        return;
    };
    if values.iter().any(Value::is_null) {
        values.retain(|value| !value.is_null());
        object.insert("nullable".to_owned(), Value::Bool(true));
        if object
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            object.remove("enum");
        }
    }
}

/// Numeric `exclusiveMinimum: n` (3.1) → `minimum: n, exclusiveMinimum: true` (3.0).
fn normalize_exclusive_bounds(object: &mut Map<String, Value>) {
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(bound @ Value::Number(_)) = object.get(exclusive).cloned() {
            object.insert(inclusive.to_owned(), bound);
            object.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
}

/// Integer bounds that do not fit an `i64` (`maximum: 18446744073709552000`) or are
/// not whole numbers make openapi-compact fail; they constrain nothing a client checks.
fn normalize_integer_bounds(object: &mut Map<String, Value>) {
    if object.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for key in ["minimum", "maximum", "multipleOf"] {
        if let Some(Value::Number(number)) = object.get(key)
            && number.as_i64().is_none()
        {
            object.remove(key);
        }
    }
    if let Some(Value::Array(values)) = object.get("enum")
        && values.iter().any(|value| value.as_i64().is_none())
    {
        // Keep the values for documentation; the type stays a plain integer.
        let values = values.clone();
        object.remove("enum");
        object.insert("x-enum".to_owned(), Value::Array(values));
    }
}

/// Schema `examples: [..]` (3.1) → `example` (3.0), keeping the list in `x-examples`.
fn normalize_schema_examples(object: &mut Map<String, Value>) {
    if let Some(Value::Array(examples)) = object.get("examples") {
        let examples = examples.clone();
        object.remove("examples");
        if let Some(first) = examples.first() {
            object.entry("example").or_insert_with(|| first.clone());
        }
        object.insert("x-examples".to_owned(), Value::Array(examples));
    }
}

/// openapi-compact reads a schema as exactly one of `type`, `allOf`, `oneOf`, `anyOf` or
/// `not`. A schema that has its own properties *and* a composition, or several
/// compositions, is rewritten as one `allOf` of its parts so none is dropped.
fn split_mixed_composition(object: &mut Map<String, Value>) {
    let compositions: Vec<&str> = ["allOf", "oneOf", "anyOf"]
        .into_iter()
        .filter(|key| object.contains_key(*key))
        .collect();
    let has_own_shape = object.contains_key("properties")
        || object.contains_key("additionalProperties")
        || object.contains_key("required") && object.contains_key("properties");
    let type_is_structural = matches!(
        object.get("type").and_then(Value::as_str),
        Some("object") | None
    );
    if compositions.is_empty() {
        return;
    }
    // `additionalProperties: true` is the default and says nothing; beside a union of
    // any JSON kind (Blockfrost's ticker payload) it must not make the value an object.
    let only_default_extras = object.get("additionalProperties") == Some(&Value::Bool(true))
        && !object.contains_key("properties");
    let has_own_shape = has_own_shape && !only_default_extras;
    if object.get("additionalProperties") == Some(&Value::Bool(true)) && !has_own_shape {
        object.remove("additionalProperties");
    }
    if compositions.len() == 1 && !has_own_shape {
        // `type: object` beside a composition adds nothing openapi-compact can keep;
        // dropping it lets openapi-compact read the composition instead.
        if type_is_structural {
            object.remove("type");
        }
        return;
    }
    let mut parts: Vec<Value> = Vec::new();
    if has_own_shape {
        let mut own = Map::new();
        own.insert("type".to_owned(), Value::String("object".to_owned()));
        for key in ["properties", "required", "additionalProperties"] {
            if let Some(value) = object.remove(key) {
                own.insert(key.to_owned(), value);
            }
        }
        parts.push(Value::Object(own));
    }
    if let Some(Value::Array(all_of)) = object.remove("allOf") {
        parts.extend(all_of);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alternatives) = object.remove(key) {
            let mut part = Map::new();
            part.insert(key.to_owned(), alternatives);
            if let Some(discriminator) = object.remove("discriminator") {
                part.insert("discriminator".to_owned(), discriminator);
            }
            parts.push(Value::Object(part));
        }
    }
    if type_is_structural {
        object.remove("type");
    }
    object.insert("allOf".to_owned(), Value::Array(parts));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn normalized(mut schema: Value) -> Value {
        normalize_schema(&mut schema);
        schema
    }

    #[test]
    fn any_of_with_null_becomes_nullable() {
        let schema = json!({"anyOf": [{"type": "string", "format": "uuid"}, {"type": "null"}], "title": "Project Id"});
        assert_eq!(
            normalized(schema),
            json!({"title": "Project Id", "nullable": true, "type": "string", "format": "uuid"})
        );
    }

    #[test]
    fn any_of_ref_with_null_keeps_description() {
        let schema = json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}], "description": "d"});
        assert_eq!(
            normalized(schema),
            json!({"description": "d", "nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
    }

    #[test]
    fn type_list_with_null() {
        assert_eq!(
            normalized(json!({"type": ["integer", "null"]})),
            json!({"type": "integer", "nullable": true})
        );
        assert_eq!(
            normalized(json!({"type": ["integer", "string"]})),
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
        );
    }

    #[test]
    fn const_and_exclusive_bounds_and_examples() {
        assert_eq!(
            normalized(json!({"const": "stop", "default": "stop"})),
            json!({"default": "stop", "type": "string", "enum": ["stop"], "x-const": "stop"})
        );
        assert_eq!(
            normalized(json!({"type": "number", "exclusiveMinimum": 0})),
            json!({"type": "number", "exclusiveMinimum": true, "minimum": 0})
        );
        assert_eq!(
            normalized(json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a", "x-examples": ["a", "b"]})
        );
    }

    #[test]
    fn ref_with_siblings_becomes_all_of() {
        assert_eq!(
            normalized(json!({"$ref": "#/components/schemas/A", "description": "d"})),
            json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
    }

    #[test]
    fn properties_beside_one_of_are_kept() {
        let schema = json!({"type": "object", "properties": {"a": {"type": "string"}}, "oneOf": [{"$ref": "#/x"}]});
        assert_eq!(
            normalized(schema),
            json!({"allOf": [
                {"type": "object", "properties": {"a": {"type": "string"}}},
                {"oneOf": [{"$ref": "#/x"}]}
            ]})
        );
    }

    #[test]
    fn huge_integer_bounds_are_dropped() {
        assert_eq!(
            normalized(json!({"type": "integer", "maximum": 18_446_744_073_709_552_000.0_f64})),
            json!({"type": "integer"})
        );
    }
}
