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
    let mut validator = Validator::default();
    if !validator.root(document) {
        return validator.finish();
    }
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            // The paths object may carry specification extensions beside its paths.
            if !path.starts_with("x-") {
                validator.path_item(path, item);
            }
        }
    }
    if let Some(Value::Object(components)) = document.get_mut("components") {
        validator.components(components);
        if let Some(Value::Object(schemas)) = components.get("schemas") {
            for (name, schema) in schemas {
                validator.schema(name, schema);
            }
        }
    }
    validator.finish()
}

/// The checks of [`validate`], one part of the document at a time, so the loader can
/// check each path item and component schema as it reads it (`load::parts`). Called
/// in document order (root, each path item, components, each schema), it finds what
/// [`validate`] finds, in the same order.
#[derive(Default)]
pub struct Validator {
    problems: Diagnostics,
    /// Where each `operationId` was first seen, to name both places of a repeat.
    operation_ids: std::collections::BTreeMap<String, String>,
}

impl Validator {
    /// The root and its `info`; `false` when the document is not an object, and
    /// nothing more can be checked.
    pub fn root(&mut self, document: &Value) -> bool {
        let Some(root) = document.as_object() else {
            self.problems
                .push(Diagnostic::error("#", "the document is not an object"));
            return false;
        };
        match root.get("info") {
            Some(Value::Object(info)) => {
                for field in ["title", "version"] {
                    if !info.get(field).is_some_and(Value::is_string) {
                        self.problems.push(Diagnostic::error(
                            "#/info",
                            format!("missing required field `{field}` (a string)"),
                        ));
                    }
                }
            }
            _ => self
                .problems
                .push(Diagnostic::error("#", "missing required field `info`")),
        }
        true
    }

    /// One path item (not an `x-` key of the paths object), filling in its
    /// responses' missing descriptions.
    pub fn path_item(&mut self, path: &str, item: &mut Value) {
        let problems = &mut self.problems;
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
            return;
        };
        check_parameters(
            item.get("parameters"),
            &format!("{pointer}/parameters"),
            problems,
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
                problems,
            );
            if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                let here = format!("{at}/operationId");
                match self.operation_ids.get(id) {
                    Some(first) => problems.push(Diagnostic::warning(
                        &here,
                        format!("the operationId `{id}` is also used at `{first}`; the config can name only one of them by it"),
                    )),
                    None => {
                        self.operation_ids.insert(id.to_owned(), here);
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

    /// The components object, but for its schemas: fills in its responses' missing
    /// descriptions.
    pub fn components(&mut self, components: &mut Map<String, Value>) {
        if let Some(Value::Object(responses)) = components.get_mut("responses") {
            fill_descriptions(responses);
        }
    }

    /// One entry of `components.schemas`.
    pub fn schema(&mut self, name: &str, schema: &Value) {
        if !schema.is_object() && !schema.is_boolean() {
            self.problems.push(Diagnostic::error(
                format!("#/components/schemas/{}", escape_pointer_token(name)),
                "a schema must be an object",
            ));
        }
    }

    /// Whether an error has been found so far.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.problems.has_errors()
    }

    /// Every problem found, in the order found.
    #[must_use]
    pub fn finish(self) -> Diagnostics {
        self.problems
    }
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
///
/// In document order, the parts the loader reads one at a time last: first what is
/// outside the path items and component schemas, then each path item, then each
/// component schema (see [`numbers_in_path_item`] and [`numbers_in_schema`]).
#[must_use]
pub fn check_numbers(document: &Value) -> Diagnostics {
    let mut problems = Diagnostics::default();
    walk_numbers(document, "#".to_owned(), true, &mut problems);
    if let Some(Value::Object(paths)) = document.get("paths") {
        for (path, item) in paths {
            numbers_in_path_item(path, item, &mut problems);
        }
    }
    if let Some(Value::Object(schemas)) = document.pointer("/components/schemas") {
        for (name, schema) in schemas {
            numbers_in_schema(name, schema, &mut problems);
        }
    }
    problems
}

/// [`check_numbers`] for one entry of the paths object.
pub fn numbers_in_path_item(path: &str, item: &Value, problems: &mut Diagnostics) {
    // `paths` holds no keywords, so neither does its entry's own key.
    let at = format!("#/paths/{}", escape_pointer_token(path));
    if let Some(keywords) = number_entry(path, item, &at, false, problems) {
        walk_numbers(item, at, keywords, problems);
    }
}

/// [`check_numbers`] for one entry of `components.schemas`.
pub fn numbers_in_schema(name: &str, schema: &Value, problems: &mut Diagnostics) {
    let at = format!("#/components/schemas/{}", escape_pointer_token(name));
    if let Some(keywords) = number_entry(name, schema, &at, true, problems) {
        walk_numbers(schema, at, keywords, problems);
    }
}

/// One entry `key: child`, at `at`, of an object whose keys are keywords when
/// `keywords_here`: a numeric keyword that holds no number is a problem. Returns
/// whether the keys of `child` are keywords, or `None` when nothing under it is
/// checked (an extension, data, or the number just reported).
fn number_entry(
    key: &str,
    child: &Value,
    at: &str,
    keywords_here: bool,
    problems: &mut Diagnostics,
) -> Option<bool> {
    if keywords_here && NUMERIC_KEYWORDS.contains(&key) && !child.is_number() {
        // YAML reads a number too large for a double as infinity, which JSON
        // cannot hold: it arrives as null.
        let message = if child.is_null() {
            format!(
                "`{key}` must be a number, not null or a number too large for a double (such as `1e400`)"
            )
        } else {
            format!("`{key}` must be a number, not {child}")
        };
        problems.push(Diagnostic::error(at, message));
        return None;
    }
    // The entries of a `properties` map are schemas again; other data-holding keys
    // hold no keywords at all.
    if key.starts_with("x-") || matches!(key, "example" | "examples" | "default" | "enum" | "const")
    {
        return None;
    }
    Some(!NOT_SCHEMA.contains(&key) || !keywords_here)
}

/// Walks a value in document order, leaving out the path items and component
/// schemas (the last part of [`check_numbers`]).
fn walk_numbers(value: &Value, pointer: String, keywords_here: bool, problems: &mut Diagnostics) {
    let mut stack: Vec<(&Value, String, bool)> = vec![(value, pointer, keywords_here)];
    while let Some((value, pointer, keywords_here)) = stack.pop() {
        // Each level's entries found, then pushed in reverse, so they pop in order.
        let mut children = Vec::new();
        match value {
            // Their entries are checked one by one, last (the paths object's `x-`
            // keys would be left out anyway).
            Value::Object(_) if pointer == "#/paths" || pointer == "#/components/schemas" => {}
            Value::Object(map) => {
                for (key, child) in map {
                    let at = format!("{pointer}/{}", escape_pointer_token(key));
                    if let Some(keywords) = number_entry(key, child, &at, keywords_here, problems) {
                        children.push((child, at, keywords));
                    }
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    children.push((item, format!("{pointer}/{index}"), true));
                }
            }
            _ => {}
        }
        stack.extend(children.into_iter().rev());
    }
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
