//! Checks example values against their schemas, as a JSON Schema validator would.
//!
//! Input: the loaded document (its component schemas) and a value with the schema it
//! claims to fit: a spec's `example`, `default` or `examples` entry, at a parameter,
//! in a request body or in a response.
//! Output: whether the value validates and, when it does not, the first violation
//! (`"type" is a required property at /requested_teams/0`).
//!
//! Spec examples are often wrong: GitHub's answer `null` where the schema says
//! object, DigitalOcean's omit required fields. A mock server (Prism) validates every
//! request against the schema and serves the spec's examples as responses, so a
//! wrong example sent as is fails a conformance test, and one served back fails to
//! decode. Checking each one with a real validator (the `jsonschema` crate) lets the
//! lowering stage use an example only when it is right, and say which are not.
//!
//! The document's schemas are OpenAPI 3.0 objects (3.1 ones were rewritten to that
//! form by `load::normalize`), converted here to draft 4 JSON Schema, whose boolean
//! `exclusiveMinimum` they share: `nullable` becomes a `null` type, `x-const` a
//! one-value `enum`, and every `$ref` an absolute one into a single registry built
//! once, on the first check. Nothing is fetched: the `jsonschema` crate is built
//! without its file and HTTP resolvers. Patterns run on the linear-time `regex`
//! engine, and a check whose schema would take too many steps for the value (an
//! `allOf` fan-out from a hostile spec) is skipped, not run, so a spec cannot make
//! the generator hang here.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use jsonschema::{Draft, PatternOptions, Registry, Resource};
use openapiv3::OpenAPI;
use serde_json::{Map, Value, json};

use super::types::SchemaView;
use crate::load::unescape_pointer_token;

/// The registry's name for the document's component schemas.
const COMPONENTS: &str = "urn:openapi:components";

/// Marks the `anyOf [null, …]` this module wraps around a nullable schema with no
/// `type`: not the spec's, so a pointer into the spec skips it.
const WRAPPER: &str = "x-nullable-wrapper";

/// At most this many (schema, value) steps per check; beyond it the check is skipped.
const MAX_STEPS: usize = 100_000;

/// Validates values against one document's schemas.
pub struct ExampleCheck<'a> {
    document: &'a OpenAPI,
    /// The component schemas as draft 4 JSON Schema, by name, and their registry;
    /// made on the first check (`None` when the registry cannot be built).
    prepared: OnceCell<Option<Prepared>>,
    /// Verdicts already reached, by schema and value.
    verdicts: RefCell<HashMap<(String, String), Verdict>>,
    /// Verdicts by the address of the schema in the document (or of its `$ref`
    /// text) and the value: the document outlives the checker and is not changed.
    by_address: RefCell<HashMap<(usize, String), Verdict>>,
    /// Compiled validators, by schema (`None`: the schema does not compile).
    validators: RefCell<HashMap<String, Option<std::rc::Rc<jsonschema::Validator>>>>,
    /// Per component: the invalid examples in its own tree, and the components it
    /// refers to.
    components: RefCell<HashMap<String, ComponentExamples>>,
    /// Per component, whether a cycle is reachable from it.
    recursion: RefCell<HashMap<String, Reach>>,
}

/// A component in the search for cycles.
#[derive(Debug, Clone, Copy)]
enum Reach {
    /// On the path being searched.
    OnPath,
    /// Searched: whether a cycle is reachable from it.
    Done(bool),
}

/// The invalid examples of one component's own tree and the components it names.
type ComponentExamples = (Vec<(String, String)>, Vec<String>);

struct Prepared {
    definitions: Map<String, Value>,
    registry: Registry<'static>,
}

/// What a check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The value validates.
    Valid,
    /// The value does not: the first violation, with where in the value it is.
    Invalid(String),
    /// The check could not run (a schema the validator cannot compile, or one too
    /// costly for this value); the value is taken as it is.
    Unchecked,
}

impl<'a> ExampleCheck<'a> {
    /// A checker for this document's schemas; nothing is converted until a check.
    #[must_use]
    pub fn new(document: &'a OpenAPI) -> Self {
        Self {
            document,
            prepared: OnceCell::new(),
            verdicts: RefCell::default(),
            by_address: RefCell::default(),
            validators: RefCell::default(),
            components: RefCell::default(),
            recursion: RefCell::default(),
        }
    }

    /// Checks a value against a schema of the document.
    pub fn check(&self, view: SchemaView<'a>, value: &Value) -> Verdict {
        // The same schema of the document is checked many times (each time the
        // lowering reaches it): keyed by where it lives, without serializing it again.
        let address = match view {
            SchemaView::Ref(reference) => reference.as_ptr() as usize,
            SchemaView::Inline(schema) => std::ptr::from_ref(schema) as usize,
        };
        let key = (address, value.to_string());
        if let Some(verdict) = self.by_address.borrow().get(&key) {
            return verdict.clone();
        }
        let verdict = self.check_uncached(view, value);
        self.by_address.borrow_mut().insert(key, verdict.clone());
        verdict
    }

    fn check_uncached(&self, view: SchemaView<'_>, value: &Value) -> Verdict {
        let Some(schema) = view_json(view) else {
            return Verdict::Unchecked;
        };
        self.check_json(&schema, value)
    }

    /// Every `example` inside a schema (and the schemas it refers to) that does not
    /// validate against the schema it sits in: `(pointer, violation)` pairs, each
    /// component visited once. `at` is the pointer of `view` in the document.
    pub fn invalid_examples_within(&self, view: SchemaView<'_>, at: &str) -> Vec<(String, String)> {
        let Some(prepared) = self.prepared() else {
            return Vec::new();
        };
        let Some(root) = view_json(view) else {
            return Vec::new();
        };
        let (mut found, mut pending) = self.walk(&root, at);
        // The components it reaches, each walked once per document (memoized).
        let mut seen = std::collections::HashSet::new();
        while let Some(name) = pending.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let cached = self.components.borrow().get(&name).cloned();
            let (defects, refs) = match cached {
                Some(entry) => entry,
                None => {
                    let Some(target) = prepared.definitions.get(&name) else {
                        continue;
                    };
                    let pointer = format!(
                        "#/components/schemas/{}",
                        crate::diagnostics::escape_pointer_token(&name)
                    );
                    let entry = self.walk(target, &pointer);
                    self.components
                        .borrow_mut()
                        .insert(name.clone(), entry.clone());
                    entry
                }
            };
            found.extend(defects);
            pending.extend(refs);
        }
        found.sort();
        found.dedup();
        found
    }

    /// The invalid examples in one schema's own tree (not following `$ref`s), and the
    /// components it refers to.
    fn walk(&self, root: &Value, at: &str) -> (Vec<(String, String)>, Vec<String>) {
        let mut found = Vec::new();
        let mut refs = Vec::new();
        let mut stack = vec![(root, at.to_owned())];
        while let Some((node, pointer)) = stack.pop() {
            let Value::Object(object) = node else {
                continue;
            };
            if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
                refs.extend(definition_name(reference));
                continue;
            }
            if object.contains_key(WRAPPER)
                && let Some(inner) = object.get("anyOf").and_then(|list| list.get(1))
            {
                stack.push((inner, pointer));
                continue;
            }
            if let Some(example) = object.get("example")
                && let Verdict::Invalid(violation) = self.check_json(node, example)
            {
                found.push((format!("{pointer}/example"), violation));
            }
            for (key, child) in object {
                match (key.as_str(), child) {
                    ("properties" | "patternProperties", Value::Object(children)) => {
                        for (name, child) in children {
                            let token = crate::diagnostics::escape_pointer_token(name);
                            stack.push((child, format!("{pointer}/{key}/{token}")));
                        }
                    }
                    ("items" | "additionalProperties" | "not", Value::Object(_)) => {
                        stack.push((child, format!("{pointer}/{key}")));
                    }
                    ("allOf" | "anyOf" | "oneOf", Value::Array(children)) => {
                        for (index, child) in children.iter().enumerate() {
                            stack.push((child, format!("{pointer}/{key}/{index}")));
                        }
                    }
                    _ => {}
                }
            }
        }
        (found, refs)
    }

    /// Whether the schema reaches itself again through `$ref`s (a planet whose
    /// satellites orbit a planet): a mock's example built from such a schema is cut
    /// short somewhere, required fields and all.
    pub fn is_recursive(&self, view: SchemaView<'_>) -> bool {
        let Some(prepared) = self.prepared() else {
            return false;
        };
        let Some(root) = view_json(view) else {
            return false;
        };
        // Depth-first over components; what each component reaches is kept for the
        // next operation (`Done`), only the current path is per call.
        let mut state = self.recursion.borrow_mut();
        cycles(&root, &prepared.definitions, &mut state)
    }

    fn check_json(&self, schema: &Value, value: &Value) -> Verdict {
        let schema_text = schema.to_string();
        let key = (schema_text, value.to_string());
        if let Some(verdict) = self.verdicts.borrow().get(&key) {
            return verdict.clone();
        }
        let verdict = self.run(schema, &key.0, value);
        self.verdicts.borrow_mut().insert(key, verdict.clone());
        verdict
    }

    fn run(&self, schema: &Value, schema_text: &str, value: &Value) -> Verdict {
        if let Some(verdict) = type_only(schema, value) {
            return verdict;
        }
        let Some(prepared) = self.prepared() else {
            return Verdict::Unchecked;
        };
        let mut steps = MAX_STEPS;
        if !steps_within(schema, value, &prepared.definitions, &mut steps) {
            return Verdict::Unchecked;
        }
        let cached = self.validators.borrow().get(schema_text).cloned();
        let validator = match cached {
            Some(validator) => validator,
            None => {
                let built = jsonschema::options()
                    .with_draft(Draft::Draft4)
                    .with_registry(&prepared.registry)
                    .with_pattern_options(PatternOptions::regex())
                    .build(schema)
                    .ok()
                    .map(std::rc::Rc::new);
                self.validators
                    .borrow_mut()
                    .insert(schema_text.to_owned(), built.clone());
                built
            }
        };
        let Some(validator) = validator else {
            return Verdict::Unchecked;
        };
        match validator.iter_errors(value).next() {
            None => Verdict::Valid,
            Some(error) => {
                let at = error.instance_path().to_string();
                let mut message = error.to_string();
                if message.len() > 200 {
                    let mut end = 200;
                    while !message.is_char_boundary(end) {
                        end -= 1;
                    }
                    message.truncate(end);
                    message.push('…');
                }
                if at.is_empty() {
                    Verdict::Invalid(message)
                } else {
                    Verdict::Invalid(format!("{message}, at `{at}` in the value"))
                }
            }
        }
    }

    fn prepared(&self) -> Option<&Prepared> {
        self.prepared
            .get_or_init(|| {
                let schemas = self.document.components.as_ref().map(|c| &c.schemas);
                let mut definitions = Map::new();
                for (name, schema) in schemas.into_iter().flatten() {
                    let json = serde_json::to_value(schema).ok()?;
                    definitions.insert(name.clone(), to_json_schema(json));
                }
                let root = json!({
                    "$schema": "http://json-schema.org/draft-04/schema#",
                    "definitions": Value::Object(definitions.clone()),
                });
                let registry = Registry::new()
                    .draft(Draft::Draft4)
                    .add(COMPONENTS, Resource::from_contents(root))
                    .ok()?
                    .prepare()
                    .ok()?;
                Some(Prepared {
                    definitions,
                    registry,
                })
            })
            .as_ref()
    }
}

/// Whether a cycle of components is reachable from `node`. `state` holds the
/// components on the current path and, for those finished, whether a cycle is
/// reachable from them (final: a cycle through a finished component would have
/// been found from it).
fn cycles(
    node: &Value,
    definitions: &Map<String, Value>,
    state: &mut HashMap<String, Reach>,
) -> bool {
    match node {
        Value::Object(object) => {
            if let Some(name) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(definition_name)
            {
                match state.get(&name) {
                    Some(Reach::OnPath) => return true,
                    Some(Reach::Done(found)) => return *found,
                    None => {}
                }
                state.insert(name.clone(), Reach::OnPath);
                let found = definitions
                    .get(&name)
                    .is_some_and(|target| cycles(target, definitions, state));
                state.insert(name, Reach::Done(found));
                return found;
            }
            object
                .values()
                .any(|child| cycles(child, definitions, state))
        }
        Value::Array(items) => items.iter().any(|child| cycles(child, definitions, state)),
        _ => false,
    }
}

/// The verdict for a schema whose only validation keyword is a single `type` (most
/// property examples: `{type: string, example: …, description: …}`), without
/// compiling a validator; `None` for any other schema.
fn type_only(schema: &Value, value: &Value) -> Option<Verdict> {
    const VALIDATION: &[&str] = &[
        "$ref",
        "multipleOf",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "additionalItems",
        "items",
        "maxItems",
        "minItems",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "required",
        "additionalProperties",
        "properties",
        "patternProperties",
        "dependencies",
        "enum",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "format",
    ];
    let object = schema.as_object()?;
    if VALIDATION.iter().any(|key| object.contains_key(*key)) {
        return None;
    }
    let fits = match object.get("type")?.as_str()? {
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => {
            value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|n| n.fract() == 0.0)
        }
        "number" => value.is_number(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => return None,
    };
    Some(if fits {
        Verdict::Valid
    } else {
        Verdict::Invalid(format!(
            "{} is not of type \"{}\"",
            truncated(&value.to_string()),
            object.get("type")?.as_str()?
        ))
    })
}

/// Text cut to 200 bytes (at a character boundary), with an ellipsis when cut.
fn truncated(text: &str) -> String {
    if text.len() <= 200 {
        return text.to_owned();
    }
    let mut end = 200;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// A schema of the document as draft 4 JSON Schema (`None` if it cannot be
/// serialized).
fn view_json(view: SchemaView<'_>) -> Option<Value> {
    match view {
        SchemaView::Ref(reference) => Some(ref_schema(reference)),
        SchemaView::Inline(schema) => serde_json::to_value(schema).ok().map(to_json_schema),
    }
}

/// `{"$ref": …}` into the registry, for a `#/components/schemas/…` reference; any
/// other (the loader allows no other) accepts everything.
fn ref_schema(reference: &str) -> Value {
    match reference.strip_prefix("#/components/schemas/") {
        Some(token) => json!({ "$ref": format!("{COMPONENTS}#/definitions/{token}") }),
        None => json!({}),
    }
}

/// The component a registry `$ref` names.
fn definition_name(reference: &str) -> Option<String> {
    let token = reference
        .strip_prefix(COMPONENTS)?
        .strip_prefix("#/definitions/")?;
    Some(unescape_pointer_token(token))
}

/// An OpenAPI 3.0 schema object (serialized) as draft 4 JSON Schema.
fn to_json_schema(schema: Value) -> Value {
    let Value::Object(mut object) = schema else {
        return schema;
    };
    if let Some(Value::String(reference)) = object.get("$ref") {
        return ref_schema(&reference.clone());
    }
    for (key, child) in &mut object {
        match key.as_str() {
            "properties" | "patternProperties" => {
                if let Value::Object(children) = child {
                    for value in children.values_mut() {
                        *value = to_json_schema(std::mem::take(value));
                    }
                }
            }
            "items" | "additionalProperties" | "not" if child.is_object() => {
                *child = to_json_schema(std::mem::take(child));
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(children) = child {
                    for value in children {
                        *value = to_json_schema(std::mem::take(value));
                    }
                }
            }
            _ => {}
        }
    }
    discriminate(&mut object);
    within_i64(&mut object);
    if let Some(constant) = object.remove("x-const") {
        object.insert("enum".to_owned(), Value::Array(vec![constant]));
    }
    // `required: []` is not draft 4 (it wants at least one name); it means nothing.
    if object
        .get("required")
        .is_some_and(|r| r.as_array().is_some_and(Vec::is_empty))
    {
        object.remove("required");
    }
    if object.remove("nullable") == Some(Value::Bool(true)) {
        if let Some(Value::Array(values)) = object.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
        match object.get_mut("type") {
            Some(Value::String(name)) => {
                let name = std::mem::take(name);
                object.insert("type".to_owned(), json!([name, "null"]));
            }
            Some(_) => {}
            None => {
                return json!({
                    "anyOf": [{ "type": "null" }, Value::Object(object)],
                    WRAPPER: true,
                });
            }
        }
    }
    Value::Object(object)
}

/// An `integer` is read into an `i64` by the SDK, so a value beyond it (DigitalOcean's
/// `9223372036854776000`, a JavaScript rounding of `i64::MAX`) is not one it can
/// decode: the bounds narrow to the `i64` range.
fn within_i64(object: &mut Map<String, Value>) {
    if object.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    #[allow(clippy::cast_precision_loss, reason = "a comparison at the i64 bounds")]
    let too_high = object.get("maximum").is_none_or(|max| {
        max.as_u64()
            .is_some_and(|max| max > i64::MAX.unsigned_abs())
            || (max.as_i64().is_none()
                && max.as_u64().is_none()
                && max.as_f64().is_some_and(|max| max >= i64::MAX as f64))
    });
    if too_high {
        object.insert("maximum".to_owned(), json!(i64::MAX));
        object.remove("exclusiveMaximum");
    }
    #[allow(clippy::cast_precision_loss, reason = "a comparison at the i64 bounds")]
    let too_low = object.get("minimum").is_none_or(|min| {
        min.as_i64().is_none()
            && min.as_u64().is_none()
            && min.as_f64().is_some_and(|min| min < i64::MIN as f64)
    });
    if too_low {
        object.insert("minimum".to_owned(), json!(i64::MIN));
        object.remove("exclusiveMinimum");
    }
}

/// A `oneOf` / `anyOf` with a `discriminator`: each `$ref` alternative also requires
/// the tag property to hold one of its own tags (the `mapping` keys that name it, or
/// else its component name), as the SDK's decoder does, so a value whose tag names
/// one alternative while its fields fit another is not taken for valid.
fn discriminate(object: &mut Map<String, Value>) {
    let Some(Value::Object(discriminator)) = object.get("discriminator") else {
        return;
    };
    let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
        return;
    };
    let property = property.to_owned();
    let mapping: Vec<(String, String)> = discriminator
        .get("mapping")
        .and_then(Value::as_object)
        .map(|mapping| {
            mapping
                .iter()
                .filter_map(|(tag, target)| {
                    let target = target.as_str()?;
                    let name = target
                        .strip_prefix("#/components/schemas/")
                        .unwrap_or(target);
                    Some((tag.clone(), unescape_pointer_token(name)))
                })
                .collect()
        })
        .unwrap_or_default();
    for keyword in ["oneOf", "anyOf"] {
        let Some(Value::Array(alternatives)) = object.get_mut(keyword) else {
            continue;
        };
        for alternative in alternatives {
            let Some(name) = alternative
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(definition_name)
            else {
                continue;
            };
            let mut tags: Vec<Value> = mapping
                .iter()
                .filter(|(_, target)| *target == name)
                .map(|(tag, _)| Value::String(tag.clone()))
                .collect();
            if tags.is_empty() {
                tags.push(Value::String(name));
            }
            let reference = std::mem::take(alternative);
            *alternative = json!({"allOf": [
                reference,
                {"required": [property], "properties": {property.as_str(): {"enum": tags}}},
            ]});
        }
    }
}

/// Whether validating `value` against `schema` stays within `steps` (schema, value)
/// pairs: the walk a validator makes, counted, not checked.
fn steps_within(
    schema: &Value,
    value: &Value,
    definitions: &Map<String, Value>,
    steps: &mut usize,
) -> bool {
    if *steps == 0 {
        return false;
    }
    *steps -= 1;
    let Value::Object(object) = schema else {
        return true;
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        return match definition_name(reference).and_then(|name| definitions.get(&name)) {
            Some(target) => steps_within(target, value, definitions, steps),
            None => true,
        };
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = object.get(key) {
            for branch in branches {
                if !steps_within(branch, value, definitions, steps) {
                    return false;
                }
            }
        }
    }
    if let Some(not) = object.get("not")
        && !steps_within(not, value, definitions, steps)
    {
        return false;
    }
    match value {
        Value::Object(fields) => {
            let properties = object.get("properties").and_then(Value::as_object);
            let additional = object.get("additionalProperties");
            fields.iter().all(|(name, field)| {
                match properties.and_then(|p| p.get(name)).or(additional) {
                    Some(child) => steps_within(child, field, definitions, steps),
                    None => true,
                }
            })
        }
        Value::Array(items) => match object.get("items") {
            Some(child) => items
                .iter()
                .all(|item| steps_within(child, item, definitions, steps)),
            None => true,
        },
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(schemas: &Value) -> OpenAPI {
        serde_json::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        }))
        .expect("a document")
    }

    fn verdict(document: &OpenAPI, name: &str, value: &Value) -> Verdict {
        let reference = format!("#/components/schemas/{name}");
        ExampleCheck::new(document).check(SchemaView::Ref(&reference), value)
    }

    #[test]
    fn required_types_nullable_and_refs_are_checked() {
        let document = document(&json!({
            "Team": {"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string"},
                "parent": {"$ref": "#/components/schemas/Team"},
                "note": {"type": "string", "nullable": true},
                "kind": {"type": "string", "enum": ["a", "b"], "nullable": true},
            }},
            "Empty": {"type": "object"},
        }));
        assert_eq!(
            verdict(&document, "Team", &json!({"type": "x"})),
            Verdict::Valid
        );
        assert_eq!(
            verdict(
                &document,
                "Team",
                &json!({"type": "x", "note": null, "kind": null})
            ),
            Verdict::Valid
        );
        let Verdict::Invalid(missing) =
            verdict(&document, "Team", &json!({"type": "x", "parent": {}}))
        else {
            panic!("a missing required field in a referenced schema is found");
        };
        assert!(
            missing.contains("\"type\" is a required property"),
            "{missing}"
        );
        assert!(missing.contains("/parent"), "{missing}");
        assert!(matches!(
            verdict(&document, "Empty", &Value::Null),
            Verdict::Invalid(_)
        ));
        assert!(matches!(
            verdict(&document, "Team", &json!({"type": "x", "kind": "c"})),
            Verdict::Invalid(_)
        ));
    }

    #[test]
    fn integers_beyond_i64_do_not_validate() {
        let document = document(&json!({
            "Count": {"type": "integer"},
            "Bounded": {"type": "integer", "maximum": 9_223_372_036_854_776_000_u64, "minimum": 10},
        }));
        let big: Value = serde_json::from_str("9223372036854776000").expect("a number");
        assert!(matches!(
            verdict(&document, "Count", &big),
            Verdict::Invalid(_)
        ));
        assert!(matches!(
            verdict(&document, "Bounded", &big),
            Verdict::Invalid(_)
        ));
        assert_eq!(
            verdict(&document, "Count", &json!(i64::MAX)),
            Verdict::Valid
        );
        assert!(matches!(
            verdict(&document, "Bounded", &json!(5)),
            Verdict::Invalid(_)
        ));
        assert_eq!(verdict(&document, "Bounded", &json!(50)), Verdict::Valid);
    }

    #[test]
    fn a_discriminator_tag_must_name_the_alternative_the_value_fits() {
        let document = document(&json!({
            "Assign": {"type": "object", "required": ["type", "droplet_id"], "properties": {
                "type": {"type": "string"}, "droplet_id": {"type": "integer"}}},
            "Unassign": {"type": "object", "required": ["type"], "properties": {
                "type": {"type": "string"}}},
            "Action": {
                "oneOf": [{"$ref": "#/components/schemas/Assign"}, {"$ref": "#/components/schemas/Unassign"}],
                "discriminator": {"propertyName": "type", "mapping": {
                    "assign": "#/components/schemas/Assign", "unassign": "#/components/schemas/Unassign"}},
            },
        }));
        // Only `Unassign`'s fields, with `Assign`'s tag: a validator that ignores the
        // discriminator takes it, the SDK cannot decode it.
        assert!(matches!(
            verdict(&document, "Action", &json!({"type": "assign"})),
            Verdict::Invalid(_)
        ));
        assert_eq!(
            verdict(&document, "Action", &json!({"type": "unassign"})),
            Verdict::Valid
        );
        assert_eq!(
            verdict(
                &document,
                "Action",
                &json!({"type": "assign", "droplet_id": 1})
            ),
            Verdict::Valid
        );
    }

    #[test]
    fn examples_inside_a_schema_are_found_with_their_pointers() {
        let document = document(&json!({
            "User": {"type": "object", "properties": {
                "gravatar_id": {"type": "string", "example": 1},
                "login": {"type": "string", "example": "octocat"},
                "team": {"$ref": "#/components/schemas/Team"},
            }},
            "Team": {"type": "object", "required": ["id"], "example": {"name": "x"},
                     "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
        }));
        let check = ExampleCheck::new(&document);
        let found = check.invalid_examples_within(
            SchemaView::Ref("#/components/schemas/User"),
            "#/paths/~1u/get",
        );
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/components/schemas/Team/example",
                "#/components/schemas/User/properties/gravatar_id/example"
            ]
        );
    }

    #[test]
    fn a_costly_check_is_skipped_not_run() {
        // Twelve levels of four-way `allOf`: 4^12 steps for one value.
        let mut schemas = Map::new();
        schemas.insert("L12".to_owned(), json!({"type": "object"}));
        for level in (0..12).rev() {
            let next = format!("#/components/schemas/L{}", level + 1);
            schemas.insert(
                format!("L{level}"),
                json!({"allOf": [{"$ref": next}, {"$ref": next}, {"$ref": next}, {"$ref": next}]}),
            );
        }
        let document = document(&Value::Object(schemas));
        assert_eq!(verdict(&document, "L0", &json!({})), Verdict::Unchecked);
        assert_eq!(verdict(&document, "L10", &json!({})), Verdict::Valid);
    }

    #[test]
    fn patterns_use_the_linear_engine() {
        let document = document(&json!({
            "Id": {"type": "string", "pattern": "^(a+)+$"},
        }));
        let long = format!("{}!", "a".repeat(5000));
        assert!(matches!(
            verdict(&document, "Id", &json!(long)),
            Verdict::Invalid(_)
        ));
        assert_eq!(verdict(&document, "Id", &json!("aaa")), Verdict::Valid);
    }
}
