//! Example values for parameters and request bodies.
//!
//! Input: a schema of the loaded document (inline or a `$ref`), or a parameter.
//! Output: a JSON value the schema accepts, used by every generated artefact that
//! needs a concrete argument: the README's and the docs' examples, the conformance
//! tests (which send it to a mock server that validates it against the spec) and the
//! command-line tool's help.
//!
//! The spec's own value wins when a JSON Schema validator accepts it for its schema
//! ([`super::example_check`]): a request body's media `example` or `examples`, a
//! parameter's, else a schema's `example` (or 3.1 `examples`, kept as `x-examples`),
//! `const`, `default` or first `enum` value. One the validator refuses is replaced,
//! with a warning at its pointer, by a value derived from the type, its format and
//! its bounds. At the top level of a request body every property is filled, so the
//! conformance tests exercise the serialization of optional fields too (the
//! required ones alone when all of them together break the schema); below it only
//! required properties are, which keeps the values small and ends recursion. A
//! union's value is the first alternative's the validator accepts for the whole. A
//! string with a `pattern` gets one generated to match it (`rand_regex`, seeded by
//! the pattern, so the output is deterministic), within its length bounds; a pattern
//! Rust's regex syntax cannot read falls back to the format.

use openapi_compact::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema,
    SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::{Map, Value, json};

use super::example_check::{ExampleCheck, Verdict};
use super::types::SchemaView;
use crate::diagnostics::{Diagnostic, escape_pointer_token};

/// Deeper than this, objects get only `{}` and arrays stay empty.
const MAX_DEPTH: usize = 6;

/// An object schema's properties and required names.
type ObjectShape<'a> = (
    &'a indexmap::IndexMap<String, ReferenceOr<std::sync::Arc<Schema>>>,
    &'a [String],
);

/// Makes example values from the schemas of one document.
pub struct Examples<'a> {
    document: &'a OpenAPI,
    /// Declared examples are used only when this validator accepts them.
    check: ExampleCheck<'a>,
    /// A warning for each declared example that does not match its schema.
    warnings: std::cell::RefCell<Vec<Diagnostic>>,
    /// The pointers already warned about (a component is reached many times).
    warned: std::cell::RefCell<std::collections::HashSet<String>>,
}

impl<'a> Examples<'a> {
    /// Examples for this document's schemas.
    #[must_use]
    pub fn new(document: &'a OpenAPI) -> Self {
        Self {
            document,
            check: ExampleCheck::new(document),
            warnings: std::cell::RefCell::default(),
            warned: std::cell::RefCell::default(),
        }
    }

    /// The validator the declared examples pass through.
    #[must_use]
    pub fn check(&self) -> &ExampleCheck<'a> {
        &self.check
    }

    /// The warnings so far, one per declared example that does not match its schema.
    pub fn take_warnings(&self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.warnings.borrow_mut())
    }

    /// An example for a parameter: its own `example` or `examples`, else its schema's.
    /// `at` is the parameter's pointer.
    #[must_use]
    pub fn parameter(&self, parameter: &'a Parameter, at: &str) -> Value {
        let data = parameter.parameter_data_ref();
        let declared = data
            .example
            .clone()
            .map(|example| (format!("{at}/example"), example))
            .or_else(|| match data.examples.iter().next() {
                Some((name, ReferenceOr::Item(example))) => example.value.clone().map(|value| {
                    let token = escape_pointer_token(name);
                    (format!("{at}/examples/{token}/value"), value)
                }),
                _ => None,
            });
        match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let schema_at = format!("{at}/schema");
                declared
                    .and_then(|(pointer, example)| self.declared(schema.into(), example, &pointer))
                    .or_else(|| self.text_alternative(schema.into(), &schema_at))
                    .unwrap_or_else(|| self.value(schema.into(), &schema_at, 0, false))
            }
            ParameterSchemaOrContent::Content(_) => declared
                .map(|(_, example)| example)
                .unwrap_or_else(|| Value::String("string".to_owned())),
        }
    }

    /// For a parameter whose schema is a `oneOf`: the first alternative's value that is
    /// a string the union accepts. A parameter travels as text, which a server (or
    /// the mock) reads as each alternative's type in turn, so `1` for
    /// `oneOf [integer, string]` matches both and fails "exactly one"; a word matches
    /// only the string.
    fn text_alternative(&self, view: SchemaView<'a>, at: &str) -> Option<Value> {
        let SchemaKind::OneOf { one_of } = &self.resolve(view)?.schema_kind else {
            return None;
        };
        one_of.iter().enumerate().find_map(|(index, alternative)| {
            let value = self.value(alternative.into(), &format!("{at}/oneOf/{index}"), 0, false);
            (value
                .as_str()
                .is_some_and(|text| text.parse::<f64>().is_err())
                && self.check.check(view, &value) == Verdict::Valid)
                .then_some(value)
        })
    }

    /// An example for a request body: the media type's own `example` (or first
    /// `examples` entry) when it validates, else [`Self::body`]'s. `at` is the media
    /// type's pointer; `examples` holds the resolved `examples` entries.
    #[must_use]
    pub fn media_body(
        &self,
        schema: SchemaView<'a>,
        example: Option<&Value>,
        examples: &[(String, Value)],
        at: &str,
    ) -> Value {
        let declared = example
            .map(|value| (format!("{at}/example"), value.clone()))
            .or_else(|| examples.first().cloned());
        declared
            .and_then(|(pointer, value)| self.declared(schema, value, &pointer))
            .unwrap_or_else(|| self.body(schema, &format!("{at}/schema")))
    }

    /// An example for a request body's schema, with every top-level property filled.
    /// `at` is the schema's pointer.
    #[must_use]
    pub fn body(&self, schema: SchemaView<'a>, at: &str) -> Value {
        let full = self.value(schema, at, 0, true);
        if !matches!(self.check.check(schema, &full), Verdict::Invalid(_)) {
            return full;
        }
        // Every optional field together can break the schema (a `oneOf` of required
        // sets that more than one then satisfies); the required ones alone may not.
        let required = self.value(schema, at, 0, false);
        if self.check.check(schema, &required) == Verdict::Valid {
            required
        } else {
            full
        }
    }

    /// A declared example, fitted to its schema's shape (see [`Self::fitted`]), if the
    /// validator accepts it; otherwise `None`, with a warning.
    fn declared(&self, view: SchemaView<'a>, example: Value, pointer: &str) -> Option<Value> {
        match self.fitted(example.clone(), view) {
            Some(fitted) => self.accepted(view, fitted, pointer),
            None => {
                // Not even the right kind of value: replaced, and said so.
                let _ = self.accepted(view, example, pointer);
                None
            }
        }
    }

    /// The declared `value` if the validator accepts it for the schema; otherwise
    /// `None`, with a warning naming the example at `pointer` and what is wrong.
    fn accepted(&self, view: SchemaView<'_>, value: Value, pointer: &str) -> Option<Value> {
        match self.check.check(view, &value) {
            Verdict::Valid | Verdict::Unchecked => Some(value),
            Verdict::Invalid(violation) => {
                if self.warned.borrow_mut().insert(pointer.to_owned()) {
                    self.warnings.borrow_mut().push(Diagnostic::warning(
                        pointer,
                        format!(
                            "this example does not match its schema: {violation}; the doc examples and conformance tests use a value made from the schema instead"
                        ),
                    ));
                }
                None
            }
        }
    }

    fn resolve(&self, view: SchemaView<'a>) -> Option<&'a Schema> {
        let mut current = view;
        for _ in 0..32 {
            match current {
                SchemaView::Inline(schema) => return Some(schema),
                SchemaView::Ref(reference) => {
                    let name = reference.strip_prefix("#/components/schemas/")?;
                    let name = name.replace("~1", "/").replace("~0", "~");
                    let schema = self.document.components.as_ref()?.schemas.get(&name)?;
                    current = schema.into();
                }
            }
        }
        None
    }

    fn value(&self, view: SchemaView<'a>, at: &str, depth: usize, all_properties: bool) -> Value {
        let Some(schema) = self.resolve(view) else {
            return Value::Null;
        };
        // A `$ref`'s target is where its examples are written.
        let at = match view {
            SchemaView::Ref(reference) => reference,
            SchemaView::Inline(_) => at,
        };
        let data = &schema.schema_data;
        // The first declared value wins, if it fits and validates; 3.1's `examples`
        // and `const` were kept by the loader as `x-examples` and `x-const`.
        let declared = [
            ("example", data.example.as_deref().cloned()),
            (
                "examples/0",
                data.extensions
                    .get("x-examples")
                    .and_then(|examples| examples.as_array()?.first().cloned()),
            ),
            ("const", data.extensions.get("x-const").cloned()),
            ("default", data.default.as_deref().cloned()),
        ]
        .into_iter()
        .find_map(|(key, value)| value.map(|value| (key, value)));
        if let Some((key, value)) = declared.filter(|(_, value)| !value.is_null())
            && let Some(value) = self.declared(view, value, &format!("{at}/{key}"))
        {
            return doubled(value, schema);
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if let Some(Some(first)) = string.enumeration.iter().find(|v| v.is_some()) {
                    return Value::String(first.clone());
                }
                Value::String(string_example(
                    format_name(&string.format),
                    string.pattern.as_deref(),
                    string.min_length,
                    string.max_length,
                ))
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                if let Some(Some(first)) = integer.enumeration.iter().find(|v| v.is_some()) {
                    return json!(first);
                }
                let low = integer.minimum.map(|min| {
                    if integer.exclusive_minimum {
                        min + 1
                    } else {
                        min
                    }
                });
                let high = integer.maximum.map(|max| {
                    if integer.exclusive_maximum {
                        max - 1
                    } else {
                        max
                    }
                });
                json!(bounded(1, low, high))
            }
            SchemaKind::Type(Type::Number(number)) => {
                if let Some(Some(first)) = number.enumeration.iter().find(|v| v.is_some()) {
                    return json!(first);
                }
                // Whole bounds are enough for an example; fractional ones round inwards.
                #[allow(clippy::cast_possible_truncation, reason = "bounds of an example")]
                let low = number
                    .minimum
                    .map(|min| min.ceil() as i64 + i64::from(number.exclusive_minimum));
                #[allow(clippy::cast_possible_truncation, reason = "bounds of an example")]
                let high = number
                    .maximum
                    .map(|max| max.floor() as i64 - i64::from(number.exclusive_maximum));
                json!(bounded(1, low, high))
            }
            SchemaKind::Type(Type::Boolean(boolean)) => {
                json!(
                    boolean
                        .enumeration
                        .iter()
                        .flatten()
                        .next()
                        .copied()
                        .unwrap_or(true)
                )
            }
            SchemaKind::Type(Type::Array(array)) => {
                // Two items, unless they must differ or fewer are allowed: a single
                // repeated query key reads as a scalar to some servers and mocks.
                let wanted = if array.unique_items || array.max_items.is_some_and(|max| max < 2) {
                    1
                } else {
                    2
                };
                let count = array.min_items.unwrap_or(wanted).max(wanted);
                match (&array.items, depth < MAX_DEPTH) {
                    (Some(items), true) => {
                        let item =
                            self.value(items.into(), &format!("{at}/items"), depth + 1, false);
                        if array.unique_items && count > 1 {
                            // `uniqueItems` with `minItems: 2`: the items must differ.
                            let items = self.resolve(items.into());
                            return Value::Array(distinct_items(&item, items, count));
                        }
                        Value::Array(vec![item; count])
                    }
                    _ => Value::Array(Vec::new()),
                }
            }
            SchemaKind::Type(Type::Object(object)) => self.object(
                object
                    .properties
                    .iter()
                    .map(|(name, schema)| (name, schema.into())),
                &object.required,
                object.additional_properties.as_ref(),
                at,
                depth,
                all_properties,
            ),
            SchemaKind::OneOf { one_of: list } | SchemaKind::AnyOf { any_of: list } => {
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                self.union_value(view, list, keyword, at, depth, all_properties)
            }
            SchemaKind::AllOf { all_of } => {
                let mut merged = Map::new();
                let mut others = Vec::new();
                for (index, part) in all_of.iter().enumerate() {
                    let part_at = format!("{at}/allOf/{index}");
                    match self.value(part.into(), &part_at, depth, all_properties) {
                        Value::Object(fields) => merged.extend(fields),
                        other if all_of.len() == 1 => return other,
                        other => others.push(other),
                    }
                }
                // Not an object (DigitalOcean's `allOf [tags array, {description}]`):
                // the first part's value the whole accepts.
                if merged.is_empty()
                    && let Some(value) = others
                        .into_iter()
                        .find(|value| self.check.check(view, value) == Verdict::Valid)
                {
                    return value;
                }
                let parts = all_of
                    .iter()
                    .enumerate()
                    .map(|(index, part)| (format!("{at}/allOf/{index}"), part.into()));
                self.fill_required(parts, &mut merged, depth);
                Value::Object(merged)
            }
            SchemaKind::Not { .. } => Value::Object(Map::new()),
            SchemaKind::Any(any) => {
                if let Some(first) = any.enumeration.iter().find(|v| !v.is_null()) {
                    return first.clone();
                }
                if !any.properties.is_empty()
                    && let Some(value) =
                        self.object_with_alternative(view, any, at, depth, all_properties)
                {
                    return value;
                }
                if !any.one_of.is_empty() {
                    return self.union_value(view, &any.one_of, "oneOf", at, depth, all_properties);
                }
                if !any.any_of.is_empty() {
                    return self.union_value(view, &any.any_of, "anyOf", at, depth, all_properties);
                }
                match any.typ.as_deref() {
                    Some("string") => Value::String(string_example(
                        any.format.as_deref().unwrap_or_default(),
                        any.pattern.as_deref(),
                        any.min_length,
                        any.max_length,
                    )),
                    Some("integer" | "number") => json!(1),
                    Some("boolean") => json!(true),
                    Some("array") => match (&any.items, depth < MAX_DEPTH) {
                        (Some(items), true) => {
                            let items_at = format!("{at}/items");
                            Value::Array(vec![self.value(
                                items.into(),
                                &items_at,
                                depth + 1,
                                false,
                            )])
                        }
                        _ => Value::Array(Vec::new()),
                    },
                    _ if !any.properties.is_empty() || !any.all_of.is_empty() => {
                        let mut merged = self.any_object(any, at, depth, all_properties);
                        for (index, part) in any.all_of.iter().enumerate() {
                            let part_at = format!("{at}/allOf/{index}");
                            if let Value::Object(fields) =
                                self.value(part.into(), &part_at, depth, all_properties)
                            {
                                merged.extend(fields);
                            }
                        }
                        self.fill_required(
                            any.all_of
                                .iter()
                                .enumerate()
                                .map(|(index, part)| (format!("{at}/allOf/{index}"), part.into()))
                                .chain(std::iter::once((at.to_owned(), view))),
                            &mut merged,
                            depth,
                        );
                        Value::Object(merged)
                    }
                    _ => Value::Object(Map::new()),
                }
            }
        }
    }

    /// A value for an object schema that has its own properties and a `oneOf` / `anyOf`
    /// of further constraints (GitHub's "an `id`, or `owner`, `repo` and `number`"):
    /// its own properties, all of them or else the required ones, with what one
    /// alternative requires filled in; the first combination the validator accepts.
    fn object_with_alternative(
        &self,
        view: SchemaView<'a>,
        any: &'a openapi_compact::AnySchema,
        at: &str,
        depth: usize,
        all_properties: bool,
    ) -> Option<Value> {
        let (list, keyword) = if any.one_of.is_empty() {
            (&any.any_of, "anyOf")
        } else {
            (&any.one_of, "oneOf")
        };
        if list.is_empty() {
            return None;
        }
        let mut tries = vec![all_properties];
        if all_properties {
            tries.push(false);
        }
        for all in tries {
            let base = self.any_object(any, at, depth, all);
            for (index, alternative) in list.iter().enumerate().take(4) {
                let alternative_at = format!("{at}/{keyword}/{index}");
                let mut candidate = base.clone();
                if let Value::Object(fields) =
                    self.value(alternative.into(), &alternative_at, depth, false)
                {
                    candidate.extend(fields);
                }
                let parts = [(alternative_at, alternative.into()), (at.to_owned(), view)];
                self.fill_required(parts.into_iter(), &mut candidate, depth);
                let candidate = Value::Object(candidate);
                if self.check.check(view, &candidate) == Verdict::Valid {
                    return Some(candidate);
                }
            }
        }
        None
    }

    /// The own properties of a schema without a single kind (`properties` beside a
    /// composition), as [`Self::object`] fills them.
    fn any_object(
        &self,
        any: &'a openapi_compact::AnySchema,
        at: &str,
        depth: usize,
        all_properties: bool,
    ) -> Map<String, Value> {
        let properties = any
            .properties
            .iter()
            .map(|(name, schema)| (name, schema.into()));
        let additional = any.additional_properties.as_ref();
        match self.object(
            properties,
            &any.required,
            additional,
            at,
            depth,
            all_properties,
        ) {
            Value::Object(fields) => fields,
            _ => Map::new(),
        }
    }

    /// A value for a `oneOf` / `anyOf`: the first alternative's, unless the validator
    /// refuses it for the whole union (a `oneOf` whose first two alternatives both
    /// accept it, a discriminator tag naming another alternative); then the next
    /// alternatives are tried, a few at most, and the first stays the fallback.
    fn union_value(
        &self,
        view: SchemaView<'a>,
        list: &'a [ReferenceOr<Schema>],
        keyword: &str,
        at: &str,
        depth: usize,
        all_properties: bool,
    ) -> Value {
        let mut first = None;
        for (index, alternative) in list.iter().enumerate().take(4) {
            let candidate = self.value(
                alternative.into(),
                &format!("{at}/{keyword}/{index}"),
                depth,
                all_properties,
            );
            if !matches!(self.check.check(view, &candidate), Verdict::Invalid(_)) {
                return candidate;
            }
            first.get_or_insert(candidate);
        }
        first.unwrap_or(Value::Null)
    }

    /// Fills the properties an `allOf` requires in one part but defines in another (a
    /// part that only says `required: [x]`), which no part's own example holds.
    fn fill_required(
        &self,
        parts: impl Iterator<Item = (String, SchemaView<'a>)>,
        merged: &mut Map<String, Value>,
        depth: usize,
    ) {
        let objects: Vec<(String, ObjectShape<'a>)> = parts
            .filter_map(|(at, part)| {
                let at = match part {
                    SchemaView::Ref(reference) => reference.to_owned(),
                    SchemaView::Inline(_) => at,
                };
                Some((at, self.resolve(part)?))
            })
            .filter_map(|(at, schema)| match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => {
                    Some((at, (&object.properties, object.required.as_slice())))
                }
                SchemaKind::Any(any) => Some((at, (&any.properties, any.required.as_slice()))),
                _ => None,
            })
            .collect();
        for name in objects.iter().flat_map(|(_, (_, required))| *required) {
            if merged.contains_key(name) {
                continue;
            }
            let property = objects.iter().find_map(|(at, (properties, _))| {
                let property = properties.get(name)?;
                Some((
                    format!("{at}/properties/{}", escape_pointer_token(name)),
                    property,
                ))
            });
            match property {
                Some((property_at, property)) => {
                    let value = self.value(property.into(), &property_at, depth + 1, false);
                    merged.insert(name.clone(), value);
                }
                // Required, but no part says what it is (DigitalOcean's uptime check
                // requires a `method` it never defines): any value will do.
                None => {
                    merged.insert(name.clone(), Value::String("string".to_owned()));
                }
            }
        }
    }

    /// A declared example if its shape fits the schema, or wrapped in an array when
    /// the schema is an array of its shape (specs often give one item's example).
    fn fitted(&self, example: Value, view: SchemaView<'a>) -> Option<Value> {
        if self.fits(&example, view, 0) {
            return Some(example);
        }
        let schema = self.resolve(view)?;
        let SchemaKind::Type(Type::Array(array)) = &schema.schema_kind else {
            return None;
        };
        let items = array.items.as_ref()?;
        let count = if array.unique_items { 1 } else { 2 };
        self.fits(&example, items.into(), 0)
            .then(|| Value::Array(vec![example; count]))
    }

    /// Whether a value has the JSON kind the schema asks for (not every constraint).
    fn fits(&self, value: &Value, view: SchemaView<'a>, depth: usize) -> bool {
        let Some(schema) = self.resolve(view) else {
            return true;
        };
        if depth > MAX_DEPTH || (value.is_null() && schema.schema_data.nullable) {
            return true;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => value
                .as_str()
                .is_some_and(|text| fits_format(text, format_name(&string.format))),
            SchemaKind::Type(Type::Integer(_)) => value.is_i64() || value.is_u64(),
            SchemaKind::Type(Type::Number(_)) => value.is_number(),
            SchemaKind::Type(Type::Boolean(_)) => value.is_boolean(),
            SchemaKind::Type(Type::Array(array)) => value.as_array().is_some_and(|values| {
                array.items.as_ref().is_none_or(|items| {
                    values.iter().all(|v| self.fits(v, items.into(), depth + 1))
                })
            }),
            SchemaKind::Type(Type::Object(_)) => value.is_object(),
            SchemaKind::OneOf { one_of: list } | SchemaKind::AnyOf { any_of: list } => list
                .iter()
                .any(|alt| self.fits(value, alt.into(), depth + 1)),
            SchemaKind::AllOf { all_of } => all_of
                .iter()
                .all(|part| self.fits(value, part.into(), depth + 1)),
            SchemaKind::Not { .. } => true,
            SchemaKind::Any(any) => match any.typ.as_deref() {
                Some("string") => value.is_string(),
                Some("integer") => value.is_i64() || value.is_u64(),
                Some("number") => value.is_number(),
                Some("boolean") => value.is_boolean(),
                Some("array") => value.is_array(),
                Some("object") => value.is_object(),
                _ => true,
            },
        }
    }

    fn object(
        &self,
        properties: impl Iterator<Item = (&'a String, SchemaView<'a>)>,
        required: &[String],
        additional: Option<&'a AdditionalProperties>,
        at: &str,
        depth: usize,
        all_properties: bool,
    ) -> Value {
        let mut fields = Map::new();
        if depth >= MAX_DEPTH {
            return Value::Object(fields);
        }
        for (name, property) in properties {
            let is_required = required.iter().any(|r| r == name);
            // A `const` property is kept even when optional: it is how a union tells
            // its variants apart (a discriminator), so without it the value is ambiguous.
            let is_const = self
                .resolve(property)
                .is_some_and(|s| s.schema_data.extensions.contains_key("x-const"));
            if !is_required && !all_properties && !is_const {
                continue;
            }
            // A request never sends what the server sets.
            if self
                .resolve(property)
                .is_some_and(|s| s.schema_data.read_only)
            {
                continue;
            }
            let property_at = format!("{at}/properties/{}", escape_pointer_token(name));
            fields.insert(
                name.clone(),
                self.value(property, &property_at, depth + 1, false),
            );
        }
        if fields.is_empty()
            && let Some(AdditionalProperties::Schema(schema)) = additional
        {
            let schema: &ReferenceOr<Schema> = schema;
            let additional_at = format!("{at}/additionalProperties");
            fields.insert(
                "key".to_owned(),
                self.value(schema.into(), &additional_at, depth + 1, false),
            );
        }
        Value::Object(fields)
    }
}

/// A one-item array twice over, where the schema allows it: a single repeated query
/// key or form part reads as a scalar to some servers and mocks, so two items test
/// what a list must look like on the wire.
fn doubled(value: Value, schema: &Schema) -> Value {
    match (value, &schema.schema_kind) {
        (Value::Array(items), SchemaKind::Type(Type::Array(array)))
            if items.len() == 1
                && !array.unique_items
                && array.max_items.is_none_or(|max| max >= 2) =>
        {
            Value::Array(vec![items[0].clone(), items[0].clone()])
        }
        (value, _) => value,
    }
}

/// A string schema's `format` as the name the spec writes (`date-time`, `uuid`).
fn format_name(format: &VariantOrUnknownOrEmpty<StringFormat>) -> &str {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => "date",
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => "date-time",
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => "byte",
        VariantOrUnknownOrEmpty::Unknown(other) => other.as_str(),
        _ => "",
    }
}

/// Whether text has the shape of its format, for the formats a server checks most
/// (specs' own examples get these wrong: a uuid one digit short).
fn fits_format(text: &str, format: &str) -> bool {
    let digits = |part: &str, n: usize| part.len() == n && part.bytes().all(|b| b.is_ascii_digit());
    match format {
        "uuid" => {
            let groups: Vec<&str> = text.split('-').collect();
            groups.len() == 5
                && groups.iter().zip([8, 4, 4, 4, 12]).all(|(group, n)| {
                    group.len() == n && group.bytes().all(|b| b.is_ascii_hexdigit())
                })
        }
        "date" => {
            let parts: Vec<&str> = text.split('-').collect();
            parts.len() == 3 && digits(parts[0], 4) && digits(parts[1], 2) && digits(parts[2], 2)
        }
        "date-time" => {
            // `get`, not slicing: spec text need not have a char boundary there.
            text.len() >= 20
                && text.get(..10).is_some_and(|date| fits_format(date, "date"))
                && text.as_bytes()[10].eq_ignore_ascii_case(&b't')
        }
        _ => true,
    }
}

/// `preferred`, moved inside `[low, high]`.
fn bounded(preferred: i64, low: Option<i64>, high: Option<i64>) -> i64 {
    let mut value = preferred;
    if let Some(low) = low {
        value = value.max(low);
    }
    if let Some(high) = high {
        value = value.min(high);
    }
    value
}

/// A string for a format, padded or cut to the length bounds.
/// A string matching `pattern` within the length bounds, ASCII only, the same for the
/// same pattern every run; `None` when the pattern cannot be read or matched so.
fn pattern_example(
    pattern: &str,
    min_length: Option<usize>,
    max_length: Option<usize>,
) -> Option<String> {
    use rand::{Rng as _, SeedableRng as _};
    // The generator makes whole strings: anchors (which it cannot sample) add nothing.
    let pattern = pattern.strip_prefix('^').unwrap_or(pattern);
    let pattern = pattern
        .strip_suffix('$')
        .filter(|rest| !rest.ends_with('\\'))
        .unwrap_or(pattern);
    let pattern = ascii_pattern(pattern);
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(true)
        .build()
        .parse(&pattern)
        .ok()?;
    let generator = rand_regex::Regex::with_hir(hir, 8).ok()?;
    // FNV-1a of the pattern: the seed, so the example never changes between runs.
    let seed = pattern
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..64).find_map(|_| {
        let text: String = rng.sample(&generator);
        let length = text.chars().count();
        let fits = min_length.is_none_or(|min| length >= min)
            && max_length.is_none_or(|max| length <= max)
            && text.is_ascii()
            && !text.chars().any(char::is_control);
        fits.then_some(text)
    })
}

/// The pattern without anchors, and with its wildcards and shorthand classes narrowed to printable ASCII
/// (`.` to `[ -~]`, `\d` to `[0-9]`, `\w` to `[0-9A-Za-z_]`, `\s` to a space, `\D`
/// to the printable non-digits), which every engine reads alike: a JSON Schema
/// pattern is ECMAScript, whose `\d` is ASCII, and the byte-level parser that keeps
/// the output ASCII refuses a `.` that could match non-UTF-8 bytes. Each narrowed
/// form matches a subset of the original, so a match of this one matches that.
fn ascii_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    // Right after `[` or `[^`, a `]` is a literal, not the end of the class.
    let mut class_start = false;
    while let Some(c) = chars.next() {
        let at_class_start = std::mem::take(&mut class_start);
        match c {
            '\\' => match chars.next() {
                Some('d') => out.push_str(if in_class { "0-9" } else { "[0-9]" }),
                Some('w') => out.push_str(if in_class {
                    "0-9A-Za-z_"
                } else {
                    "[0-9A-Za-z_]"
                }),
                Some('s') => out.push_str(if in_class { " " } else { "[ ]" }),
                Some('D') if !in_class => out.push_str("[ -/:-~]"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
            }
            ']' if in_class && !at_class_start => {
                in_class = false;
                out.push(']');
            }
            '.' if !in_class => out.push_str("[ -~]"),
            // Anchors cannot be sampled; the output is a whole string, which starts
            // and ends where each alternative does (GitHub's `^ssh-rsa |^ecdsa-…`).
            '^' | '$' if !in_class => {}
            other => out.push(other),
        }
    }
    out
}

/// `count` different items like `item`: other values of the item's enum when it has
/// enough, else the item varied (numbers counted up, strings numbered).
fn distinct_items(item: &Value, schema: Option<&Schema>, count: usize) -> Vec<Value> {
    if let Some(SchemaKind::Type(Type::String(string))) = schema.map(|s| &s.schema_kind) {
        let values: Vec<Value> = string
            .enumeration
            .iter()
            .flatten()
            .take(count)
            .map(|v| Value::String(v.clone()))
            .collect();
        if values.len() == count {
            return values;
        }
    }
    (0..count)
        .map(|index| match item {
            Value::Number(number) => {
                json!(
                    number
                        .as_i64()
                        .unwrap_or(1)
                        .saturating_add(i64::try_from(index).unwrap_or(0))
                )
            }
            Value::String(text) if index > 0 => Value::String(format!("{text}{index}")),
            Value::Object(fields) if index > 0 => {
                let mut fields = fields.clone();
                fields.insert(format!("x-item-{index}"), json!(index));
                Value::Object(fields)
            }
            other => other.clone(),
        })
        .collect()
}

fn string_example(
    format: &str,
    pattern: Option<&str>,
    min_length: Option<usize>,
    max_length: Option<usize>,
) -> String {
    if let Some(text) = pattern.and_then(|pattern| pattern_example(pattern, min_length, max_length))
    {
        return text;
    }
    let text = match format {
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "date-time" => "2024-01-01T00:00:00Z",
        "date" => "2024-01-01",
        "time" => "12:00:00",
        "email" => "user@example.com",
        "uri" | "url" | "uri-reference" | "iri" => "https://example.com",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "aGVsbG8=",
        "binary" => "hello",
        _ if pattern.is_some_and(|p| p.contains("http")) => "https://example.com",
        _ => "string",
    };
    let mut text = text.to_owned();
    if let Some(min) = min_length {
        while text.chars().count() < min {
            text.push('x');
        }
    }
    if let Some(max) = max_length {
        text = text.chars().take(max).collect();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_match_their_pattern_the_same_way_every_run() {
        let snowflake = pattern_example("^(0|[1-9][0-9]*)$", None, None).expect("solved");
        assert!(snowflake.bytes().all(|b| b.is_ascii_digit()), "{snowflake}");
        assert!(
            snowflake == "0" || !snowflake.starts_with('0'),
            "{snowflake}"
        );
        let sid = pattern_example("^AC[0-9a-fA-F]{32}$", None, None).expect("solved");
        assert_eq!(sid.len(), 34, "{sid}");
        assert!(sid.starts_with("AC"), "{sid}");
        assert_eq!(
            pattern_example("^AC[0-9a-fA-F]{32}$", None, None).as_deref(),
            Some(sid.as_str())
        );
        let short = pattern_example("^[a-z]+$", Some(3), Some(5)).expect("solved");
        assert!((3..=5).contains(&short.len()), "{short}");
        assert_eq!(
            pattern_example("(?=x)", None, None),
            None,
            "a lookahead is not read"
        );
        // Nexus's semver: `\d` is ASCII in ECMAScript, and `.` must not stop the parse.
        let pattern = r"^\d+\.\d+\.\d+([\-\+].+)?$";
        let version = pattern_example(pattern, None, None).expect("solved");
        let mut parts = version.splitn(3, '.');
        let (major, minor) = (
            parts.next().unwrap_or_default(),
            parts.next().unwrap_or_default(),
        );
        let patch: String = parts
            .next()
            .unwrap_or_default()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        for part in [major, minor, patch.as_str()] {
            assert!(
                !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()),
                "{version}"
            );
        }
        let key = pattern_example(
            r"^ssh-(rsa|dss|ed25519) |^ecdsa-sha2-nistp(256|384|521) ",
            None,
            None,
        )
        .expect("anchors inside alternatives are read");
        assert!(
            key.starts_with("ssh-") || key.starts_with("ecdsa-sha2-nistp"),
            "{key}"
        );
        let word = pattern_example(r"^[\w.-]+@\w+$", None, None).expect("solved");
        assert!(word.is_ascii() && word.contains('@'), "{word}");
    }

    fn document(schemas: &Value) -> OpenAPI {
        serde_json::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas}
        }))
        .expect("a valid document")
    }

    fn example(document: &OpenAPI, name: &str) -> Value {
        let reference = format!("#/components/schemas/{name}");
        Examples::new(document).body(SchemaView::Ref(&reference), &reference)
    }

    #[test]
    fn formats_bounds_and_declared_values() {
        let doc = document(&json!({
            "A": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "size": {"type": "integer", "minimum": 5, "maximum": 9},
                    "ratio": {"type": "number", "exclusiveMaximum": true, "maximum": 1},
                    "kind": {"type": "string", "enum": ["b", "c"]},
                    "name": {"type": "string", "example": "Ada"},
                    "code": {"type": "string", "minLength": 8},
                    "owner": {"$ref": "#/components/schemas/B"},
                    "made": {"type": "string", "readOnly": true}
                }
            },
            "B": {
                "type": "object",
                "required": ["tags"],
                "properties": {
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "note": {"type": "string"}
                }
            }
        }));
        assert_eq!(
            example(&doc, "A"),
            json!({
                "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "size": 5,
                "ratio": 0,
                "kind": "b",
                "name": "Ada",
                "code": "stringxx",
                "owner": {"tags": ["string", "string"]}
            })
        );
    }

    #[test]
    fn examples_that_do_not_fit_are_fixed_or_replaced() {
        let doc = document(&json!({
            "A": {
                "type": "object",
                "properties": {
                    "expand": {"type": "array", "items": {"type": "string"}, "example": "url"},
                    "trip": {"type": "string", "format": "uuid", "example": "4f4e4e1-c824-4d63-b37a-d8d698862f1d"},
                    "tags": {"type": "array", "items": {"type": "string"}, "default": ["en"]},
                    "unique": {"type": "array", "uniqueItems": true, "items": {"type": "string"}},
                    "variant": {"oneOf": [{"$ref": "#/components/schemas/B"}]}
                }
            },
            "B": {
                "type": "object",
                "properties": {"type": {"type": "string", "enum": ["b"], "x-const": "b"}, "note": {"type": "string"}}
            }
        }));
        assert_eq!(
            example(&doc, "A"),
            json!({
                "expand": ["url", "url"],
                "trip": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "tags": ["en", "en"],
                "unique": ["string"],
                "variant": {"type": "b"}
            })
        );
    }

    #[test]
    fn odd_text_in_a_formatted_example_is_replaced_not_a_panic() {
        assert!(!fits_format("2024-01-0é:00:00:00Zxx", "date-time"));
        assert!(fits_format("2024-01-01T00:00:00Z", "date-time"));
        assert!(!fits_format("4f4e4e1-c824-4d63-b37a-d8d698862f1d", "uuid"));
    }

    #[test]
    fn recursion_ends() {
        let doc = document(&json!({
            "Node": {
                "type": "object",
                "required": ["child"],
                "properties": {"child": {"$ref": "#/components/schemas/Node"}}
            }
        }));
        let mut value = &example(&doc, "Node");
        let mut depth = 0;
        while let Some(child) = value.get("child") {
            value = child;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH);
    }

    #[test]
    fn all_of_required_properties_and_unique_items_are_satisfied() {
        let doc = document(&json!({
            "Base": {"type": "object", "properties": {"name": {"type": "string"}, "note": {"type": "string"}}},
            "Named": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"required": ["name"]}]},
            "Tags": {"type": "array", "uniqueItems": true, "minItems": 2, "items": {"type": "string"}},
            "Kinds": {"type": "array", "uniqueItems": true, "minItems": 2, "items": {"type": "string", "enum": ["a", "b", "c"]}}
        }));
        assert!(
            example(&doc, "Named").get("name").is_some(),
            "{}",
            example(&doc, "Named")
        );
        for name in ["Tags", "Kinds"] {
            let items = example(&doc, name);
            let items = items.as_array().expect("an array");
            assert_eq!(items.len(), 2);
            assert_ne!(items[0], items[1], "{name}");
        }
    }
}
