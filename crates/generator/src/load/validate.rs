//! Structural checks before typed deserialization, so every problem is reported.
//!
//! Input: the normalized document as a JSON value.
//! Output: every missing required field and misplaced value, each with its pointer.
//!
//! Deserializing into `openapiv3` stops at the first problem; this pass walks the
//! parts of the document that `openapiv3` requires and lists them all. A missing
//! response `description`, which real specs often omit and which changes nothing for
//! a client, is filled in rather than refused.

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_token};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
const LOCATIONS: [&str; 4] = ["path", "query", "header", "cookie"];

/// Checks the document and fills in harmless omissions; returns the problems.
pub fn validate(document: &mut Value) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let Some(root) = document.as_object_mut() else {
        problems.push(Diagnostic::error("#", "the document is not an object"));
        return problems;
    };
    match root.get("info") {
        Some(Value::Object(info)) => {
            for field in ["title", "version"] {
                if !info.get(field).is_some_and(Value::is_string) {
                    problems.push(Diagnostic::error(
                        "#/info",
                        format!("missing required field `{field}` (a string)"),
                    ));
                }
            }
        }
        _ => problems.push(Diagnostic::error("#", "missing required field `info`")),
    }
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let pointer = format!("#/paths/{}", escape_pointer_token(path));
            if !path.starts_with('/') {
                problems.push(Diagnostic::error(
                    &pointer,
                    format!("path `{path}` must start with `/`"),
                ));
            }
            let Some(item) = item.as_object_mut() else {
                problems.push(Diagnostic::error(&pointer, "a path item must be an object"));
                continue;
            };
            check_parameters(
                item.get("parameters"),
                &format!("{pointer}/parameters"),
                &mut problems,
            );
            for method in METHODS {
                let Some(operation) = item.get_mut(method) else {
                    continue;
                };
                let at = format!("{pointer}/{method}");
                let Some(operation) = operation.as_object_mut() else {
                    problems.push(Diagnostic::error(&at, "an operation must be an object"));
                    continue;
                };
                check_parameters(
                    operation.get("parameters"),
                    &format!("{at}/parameters"),
                    &mut problems,
                );
                if let Some(Value::Object(body)) = operation.get("requestBody") {
                    if !body.contains_key("$ref")
                        && !body.get("content").is_some_and(Value::is_object)
                    {
                        problems.push(Diagnostic::error(
                            format!("{at}/requestBody"),
                            "missing required field `content`",
                        ));
                    }
                }
                if let Some(Value::Object(responses)) = operation.get_mut("responses") {
                    fill_descriptions(responses);
                }
            }
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        if let Some(Value::Object(responses)) = components.get_mut("responses") {
            fill_descriptions(responses);
        }
        if let Some(Value::Object(schemas)) = components.get("schemas") {
            for (name, schema) in schemas {
                if !schema.is_object() && !schema.is_boolean() {
                    problems.push(Diagnostic::error(
                        format!("#/components/schemas/{}", escape_pointer_token(name)),
                        "a schema must be an object",
                    ));
                }
            }
        }
    }
    problems
}

fn check_parameters(parameters: Option<&Value>, pointer: &str, problems: &mut Diagnostics) {
    let Some(parameters) = parameters else {
        return;
    };
    let Some(parameters) = parameters.as_array() else {
        problems.push(Diagnostic::error(pointer, "`parameters` must be a list"));
        return;
    };
    for (index, parameter) in parameters.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let Some(parameter) = parameter.as_object() else {
            problems.push(Diagnostic::error(&at, "a parameter must be an object"));
            continue;
        };
        if parameter.contains_key("$ref") {
            continue;
        }
        if !parameter.get("name").is_some_and(Value::is_string) {
            problems.push(Diagnostic::error(&at, "missing required field `name`"));
        }
        match parameter.get("in").and_then(Value::as_str) {
            Some(location) if LOCATIONS.contains(&location) => {}
            Some(other) => problems.push(Diagnostic::error(
                format!("{at}/in"),
                format!("`in: {other}` is not one of path, query, header, cookie"),
            )),
            None => problems.push(Diagnostic::error(&at, "missing required field `in`")),
        }
    }
}

fn fill_descriptions(responses: &mut Map<String, Value>) {
    for response in responses.values_mut() {
        if let Some(response) = response.as_object_mut() {
            if !response.contains_key("$ref") {
                response
                    .entry("description")
                    .or_insert_with(|| Value::String(String::new()));
            }
        }
    }
}
