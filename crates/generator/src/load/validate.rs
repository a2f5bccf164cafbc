//! Structural checks before typed deserialization, so every problem is reported.
//!
//! Input: the normalized document as a JSON value.
//! Output: every missing required field and misplaced value, each with its pointer.
//!
//! Deserializing into `openapi-compact` stops at the first problem; this pass walks the
//! parts of the document that `openapi-compact` requires and lists them all. A missing
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
    // Where each `operationId` was first seen, to name both places of a repeat.
    let mut operation_ids: std::collections::BTreeMap<String, String> =
        std::collections::BTreeMap::new();
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            // The paths object may carry specification extensions beside its paths.
            if path.starts_with("x-") {
                continue;
            }
            let pointer = format!("#/paths/{}", escape_pointer_token(path));
            if !path.starts_with('/') {
                problems.push(Diagnostic::error(
                    &pointer,
                    format!("path `{path}` must start with `/`"),
                ));
            }
            if let Some(problem) = template_problem(path) {
                problems.push(Diagnostic::error(
                    &pointer,
                    format!("the path template `{path}` is broken: {problem}"),
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
                if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                    let here = format!("{at}/operationId");
                    match operation_ids.get(id) {
                        Some(first) => problems.push(Diagnostic::warning(
                            &here,
                            format!("the operationId `{id}` is also used at `{first}`; the config can name only one of them by it"),
                        )),
                        None => {
                            operation_ids.insert(id.to_owned(), here);
                        }
                    }
                }
                if let Some(Value::Object(body)) = operation.get("requestBody")
                    && !body.contains_key("$ref")
                    && !body.get("content").is_some_and(Value::is_object)
                {
                    problems.push(Diagnostic::error(
                        format!("{at}/requestBody"),
                        "missing required field `content`",
                    ));
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
    let mut seen: Vec<(&str, &str, String)> = Vec::new();
    for (index, parameter) in parameters.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let Some(parameter) = parameter.as_object() else {
            problems.push(Diagnostic::error(&at, "a parameter must be an object"));
            continue;
        };
        if parameter.contains_key("$ref") {
            continue;
        }
        if let (Some(name), Some(location)) = (
            parameter.get("name").and_then(Value::as_str),
            parameter.get("in").and_then(Value::as_str),
        ) {
            if let Some((_, _, first)) = seen.iter().find(|(n, l, _)| *n == name && *l == location)
            {
                problems.push(Diagnostic::error(
                    &at,
                    format!(
                        "the {location} parameter `{name}` is declared twice (first at `{first}`)"
                    ),
                ));
            } else {
                seen.push((name, location, at.clone()));
            }
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

/// What is wrong with a path template's braces, if anything: every `{` must close
/// before the next opens, around a non-empty name.
fn template_problem(path: &str) -> Option<&'static str> {
    let mut open = false;
    let mut name_length = 0;
    for c in path.chars() {
        match (c, open) {
            ('{', true) => return Some("a `{` inside a parameter"),
            ('{', false) => {
                open = true;
                name_length = 0;
            }
            ('}', false) => return Some("a `}` without its `{`"),
            ('}', true) if name_length == 0 => return Some("an empty parameter name"),
            ('}', true) => open = false,
            (_, true) => name_length += 1,
            (_, false) => {}
        }
    }
    open.then_some("a `{` that is never closed")
}

/// Schema keywords whose value must be a number.
const NUMERIC_KEYWORDS: &[&str] = &[
    "maximum",
    "minimum",
    "multipleOf",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "maxProperties",
    "minProperties",
];

/// Keys whose values are data or names, not schemas: nothing under them is a keyword.
const NOT_SCHEMA: &[&str] = &[
    "properties",
    "patternProperties",
    "example",
    "examples",
    "default",
    "enum",
    "const",
    "responses",
    "paths",
    "parameters",
    "headers",
    "content",
    "mapping",
    "variables",
];

/// Every numeric keyword anywhere in the document whose value is not a number (a
/// bound too large for a double, such as `1e400`, arrives as text), at its own
/// pointer: the typed deserialization that follows could only point at `#/paths`.
#[must_use]
pub fn check_numbers(document: &Value) -> Diagnostics {
    let mut problems = Diagnostics::default();
    let mut stack: Vec<(&Value, String, bool)> = vec![(document, "#".to_owned(), true)];
    while let Some((value, pointer, keywords_here)) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let at = format!("{pointer}/{}", escape_pointer_token(key));
                    if keywords_here
                        && NUMERIC_KEYWORDS.contains(&key.as_str())
                        && !child.is_number()
                    {
                        // YAML reads a number too large for a double as infinity,
                        // which JSON cannot hold: it arrives as null.
                        let message = if child.is_null() {
                            format!(
                                "`{key}` must be a number, not null or a number too large for a double (such as `1e400`)"
                            )
                        } else {
                            format!("`{key}` must be a number, not {child}")
                        };
                        problems.push(Diagnostic::error(&at, message));
                        continue;
                    }
                    if key.starts_with("x-") {
                        continue;
                    }
                    // The entries of a `properties` map are schemas again; other
                    // data-holding keys hold no keywords at all.
                    let child_keywords = if matches!(
                        key.as_str(),
                        "example" | "examples" | "default" | "enum" | "const"
                    ) {
                        None
                    } else {
                        Some(!NOT_SCHEMA.contains(&key.as_str()) || !keywords_here)
                    };
                    if let Some(child_keywords) = child_keywords {
                        stack.push((child, at, child_keywords));
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    stack.push((item, format!("{pointer}/{index}"), true));
                }
            }
            _ => {}
        }
    }
    problems
}

fn fill_descriptions(responses: &mut Map<String, Value>) {
    for response in responses.values_mut() {
        if let Some(response) = response.as_object_mut()
            && !response.contains_key("$ref")
        {
            response
                .entry("description")
                .or_insert_with(|| Value::String(String::new()));
        }
    }
}
