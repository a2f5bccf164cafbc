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

use jsonschema::{Draft, PatternOptions, Registry};
use openapi_compact::OpenAPI;
use serde_json::{Map, Value, json};

use super::graph::strongly_connected;
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
    /// Per component, the invalid examples it holds and reaches (made on first use).
    reached: OnceCell<Reached>,
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

/// Invalid examples, as `(pointer, violation)` pairs, shared by the components of one
/// cycle.
type Defects = std::rc::Rc<Vec<(String, String)>>;

/// Every invalid example a component's tree and the components it reaches hold, by
/// component name.
type Reached = HashMap<String, Defects>;

/// The component schemas as draft 4 JSON Schema (`{"definitions": …}`), shared with
/// the registry that resolves `$ref`s into it: one copy, not two.
struct Prepared {
    root: std::sync::Arc<Value>,
    registry: Registry<'static>,
}

impl Prepared {
    /// A component converted to draft 4, by name.
    fn definition(&self, name: &str) -> Option<&Value> {
        self.root.get("definitions")?.get(name)
    }
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
            reached: OnceCell::new(),
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
    pub fn invalid_examples_within(&self, view: SchemaView<'a>, at: &str) -> Vec<(String, String)> {
        let (mut found, refs) = self.walk(view, at);
        let reached = self.reached.get_or_init(|| self.reached_examples());
        for name in refs {
            if let Some(defects) = reached.get(&name) {
                found.extend(defects.iter().cloned());
            }
        }
        found.sort();
        found.dedup();
        found
    }

    /// [`Reached`] for every component, computed once per document: each component's
    /// tree is walked once, and what it reaches is gathered over the components'
    /// strongly connected components (Tarjan's algorithm, without recursion) in the
    /// order that finishes a component's targets before it. Gathering per operation
    /// instead walked every reachable component again for each operation: quadratic
    /// in a big API whose schemas chain.
    fn reached_examples(&self) -> Reached {
        let Some(components) = self.document.components.as_ref() else {
            return Reached::new();
        };
        let names: Vec<&String> = components.schemas.keys().collect();
        let index: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.as_str(), i))
            .collect();
        let mut own = Vec::with_capacity(names.len());
        let mut edges = Vec::with_capacity(names.len());
        for (name, schema) in &components.schemas {
            let pointer = format!(
                "#/components/schemas/{}",
                crate::diagnostics::escape_pointer_token(name)
            );
            let (defects, refs) = self.walk(SchemaView::from(schema), &pointer);
            own.push(defects);
            let mut targets: Vec<usize> = refs
                .iter()
                .filter_map(|target| index.get(target.as_str()).copied())
                .collect();
            targets.sort_unstable();
            targets.dedup();
            edges.push(targets);
        }
        let mut gathered: Vec<Option<Defects>> = vec![None; names.len()];
        for scc in strongly_connected(&edges) {
            let mut defects: Vec<(String, String)> = Vec::new();
            for &member in &scc {
                defects.extend(own[member].iter().cloned());
                for &target in &edges[member] {
                    if let Some(reached) = &gathered[target] {
                        defects.extend(reached.iter().cloned());
                    }
                }
            }
            defects.sort();
            defects.dedup();
            let shared = std::rc::Rc::new(defects);
            for member in scc {
                gathered[member] = Some(std::rc::Rc::clone(&shared));
            }
        }
        names
            .into_iter()
            .zip(gathered)
            .filter_map(|(name, defects)| Some((name.clone(), defects?)))
            .collect()
    }

    /// A component schema of the document, by (unescaped) name.
    fn component(&self, name: &str) -> Option<SchemaView<'a>> {
        let schemas = &self.document.components.as_ref()?.schemas;
        schemas.get(name).map(SchemaView::from)
    }

    /// The invalid examples in one schema's own tree (not following `$ref`s), and the
    /// components it refers to. It walks the typed document: only a schema that holds
    /// an `example` is converted to JSON Schema, so a document without examples costs
    /// no copy of its schemas.
    fn walk(&self, root: SchemaView<'a>, at: &str) -> (Vec<(String, String)>, Vec<String>) {
        let mut found = Vec::new();
        let mut refs = Vec::new();
        let mut stack = vec![(root, at.to_owned())];
        while let Some((node, pointer)) = stack.pop() {
            let schema = match node {
                SchemaView::Ref(reference) => {
                    refs.extend(component_ref(reference));
                    continue;
                }
                SchemaView::Inline(schema) => schema,
            };
            if let Some(example) = &schema.schema_data.example
                && let Some(json) = view_json(node)
                && let Verdict::Invalid(violation) = self.check_json(&json, example)
            {
                found.push((format!("{pointer}/example"), violation));
            }
            for (suffix, child) in subschemas(schema) {
                stack.push((child, format!("{pointer}{suffix}")));
            }
        }
        (found, refs)
    }

    /// Whether the schema reaches itself again through `$ref`s (a planet whose
    /// satellites orbit a planet): a mock's example built from such a schema is cut
    /// short somewhere, required fields and all.
    pub fn is_recursive(&self, view: SchemaView<'a>) -> bool {
        // Depth-first over components; what each component reaches is kept for the
        // next operation (`Done`), only the current path is per call.
        let mut state = self.recursion.borrow_mut();
        self.cycles(view, &mut state)
    }

    fn cycles(&self, view: SchemaView<'a>, state: &mut HashMap<String, Reach>) -> bool {
        match view {
            SchemaView::Ref(reference) => {
                let Some(name) = component_ref(reference) else {
                    return false;
                };
                match state.get(&name) {
                    Some(Reach::OnPath) => return true,
                    Some(Reach::Done(found)) => return *found,
                    None => {}
                }
                state.insert(name.clone(), Reach::OnPath);
                let found = self
                    .component(&name)
                    .is_some_and(|target| self.cycles(target, state));
                state.insert(name, Reach::Done(found));
                found
            }
            SchemaView::Inline(schema) => subschemas(schema)
                .into_iter()
                .any(|(_, child)| self.cycles(child, state)),
        }
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
        if !steps_within(schema, value, prepared, &mut steps) {
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
                let root = std::sync::Arc::new(json!({
                    "$schema": "http://json-schema.org/draft-04/schema#",
                    "definitions": Value::Object(definitions),
                }));
                let registry = Registry::new()
                    .draft(Draft::Draft4)
                    .add(COMPONENTS, std::sync::Arc::clone(&root))
                    .ok()?
                    .prepare()
                    .ok()?;
                Some(Prepared { root, registry })
            })
            .as_ref()
    }
}

/// Whether a cycle of components is reachable from `node`. `state` holds the
/// components on the current path and, for those finished, whether a cycle is
/// reachable from them (final: a cycle through a finished component would have
/// been found from it).
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

/// The component a document `$ref` names (`#/components/schemas/A` → `A`); a
/// reference anywhere else is not followed (it checks as `{}`, see [`ref_schema`]).
fn component_ref(reference: &str) -> Option<String> {
    crate::load::component_name(reference).map(unescape_pointer_token)
}

/// A schema's direct subschemas, each with the pointer suffix that reaches it
/// (`/properties/name`, `/items`, `/allOf/0`), in the order the JSON keys were.
fn subschemas(schema: &openapi_compact::Schema) -> Vec<(String, SchemaView<'_>)> {
    use openapi_compact::{AdditionalProperties, ReferenceOr, SchemaKind, Type};
    type Properties =
        indexmap::IndexMap<String, ReferenceOr<std::sync::Arc<openapi_compact::Schema>>>;
    fn properties<'s>(map: &'s Properties, out: &mut Vec<(String, SchemaView<'s>)>) {
        for (name, child) in map {
            let token = crate::diagnostics::escape_pointer_token(name);
            out.push((format!("/properties/{token}"), SchemaView::from(child)));
        }
    }
    fn additional<'s>(
        additional: Option<&'s AdditionalProperties>,
        out: &mut Vec<(String, SchemaView<'s>)>,
    ) {
        if let Some(AdditionalProperties::Schema(child)) = additional {
            out.push((
                "/additionalProperties".to_owned(),
                SchemaView::from(&**child),
            ));
        }
    }
    fn items<'s>(
        items: Option<&'s ReferenceOr<std::sync::Arc<openapi_compact::Schema>>>,
        out: &mut Vec<(String, SchemaView<'s>)>,
    ) {
        if let Some(child) = items {
            out.push(("/items".to_owned(), SchemaView::from(child)));
        }
    }
    fn list<'s>(
        keyword: &str,
        children: &'s [ReferenceOr<openapi_compact::Schema>],
        out: &mut Vec<(String, SchemaView<'s>)>,
    ) {
        for (index, child) in children.iter().enumerate() {
            out.push((format!("/{keyword}/{index}"), SchemaView::from(child)));
        }
    }
    let mut out = Vec::new();
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            properties(&object.properties, &mut out);
            additional(object.additional_properties.as_ref(), &mut out);
        }
        SchemaKind::Type(Type::Array(array)) => items(array.items.as_ref(), &mut out),
        SchemaKind::Type(_) => {}
        SchemaKind::OneOf { one_of } => list("oneOf", one_of, &mut out),
        SchemaKind::AllOf { all_of } => list("allOf", all_of, &mut out),
        SchemaKind::AnyOf { any_of } => list("anyOf", any_of, &mut out),
        SchemaKind::Not { not } => out.push(("/not".to_owned(), SchemaView::from(&**not))),
        SchemaKind::Any(any) => {
            properties(&any.properties, &mut out);
            additional(any.additional_properties.as_ref(), &mut out);
            items(any.items.as_ref(), &mut out);
            list("allOf", &any.all_of, &mut out);
            list("anyOf", &any.any_of, &mut out);
            list("oneOf", &any.one_of, &mut out);
            if let Some(not) = &any.not {
                out.push(("/not".to_owned(), SchemaView::from(&**not)));
            }
        }
    }
    out
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
fn steps_within(schema: &Value, value: &Value, definitions: &Prepared, steps: &mut usize) -> bool {
    if *steps == 0 {
        return false;
    }
    *steps -= 1;
    let Value::Object(object) = schema else {
        return true;
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        return match definition_name(reference).and_then(|name| definitions.definition(&name)) {
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

    #[test]
    fn components_are_finished_after_what_they_reach() {
        // 0 → 1 → 2 → 1 (a cycle of 1 and 2), 3 → 0, and 4 alone.
        let edges = vec![vec![1], vec![2], vec![1], vec![0], vec![]];
        let order = strongly_connected(&edges);
        let position = |node: usize| {
            order
                .iter()
                .position(|scc| scc.contains(&node))
                .expect("every node is in one")
        };
        assert_eq!(order.len(), 4);
        assert_eq!(position(1), position(2));
        assert!(position(1) < position(0) && position(0) < position(3));
    }

    #[test]
    fn an_invalid_example_is_found_through_chains_and_cycles() {
        // A → B → C → B, and C's property holds a wrong example: reached from A, from
        // B and from C, and reported at its own place each time.
        let document = document(&json!({
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}},
            "B": {"type": "object", "properties": {"c": {"$ref": "#/components/schemas/C"}}},
            "C": {"type": "object", "properties": {
                "back": {"$ref": "#/components/schemas/B"},
                "n": {"type": "integer", "example": "not a number"},
            }},
            "D": {"type": "object"},
        }));
        let check = ExampleCheck::new(&document);
        for name in ["A", "B", "C"] {
            let reference = format!("#/components/schemas/{name}");
            let found = check.invalid_examples_within(SchemaView::Ref(&reference), "#/x");
            assert_eq!(found.len(), 1, "{name}: {found:?}");
            assert_eq!(found[0].0, "#/components/schemas/C/properties/n/example");
        }
        let found = check.invalid_examples_within(SchemaView::Ref("#/components/schemas/D"), "#/x");
        assert!(found.is_empty(), "{found:?}");
    }
}
