//! Lowers schemas into [`TypeRef`]s and named [`TypeDef`]s.
//!
//! Input: schemas of the loaded document (component or inline), with a name hint
//! and the JSON pointer of each.
//! Output: the `TypeRef` to use where the schema appears, plus, collected in
//! [`TypeLowerer::finish`], every named type the SDK needs, sorted by name, with
//! recursive fields boxed.
//!
//! Components are lowered on first use, so the SDK defines exactly the types its
//! operations reach. Inline schemas that need a name (objects, enums, unions) are
//! named after where they sit (`SessionDetail` + `events` item → `SessionDetailEventsItem`)
//! unless the config renames them by pointer.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use openapi_compact::{
    AdditionalProperties, IntegerFormat, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat,
    Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::names::{self, Namespace};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_token};
use crate::ir::{
    EnumVariant, ExtraFields, Field, FieldNames, Presence, StructDef, TypeDef, TypeKind, TypeRef,
    UnionAccessor, UnionVariant, property_pointer,
};
use crate::load::{component_name, unescape_pointer_token};

/// Names the `types` module must not define: they would shadow what generated code uses.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "BTreeMap",
    "Value",
    "Map",
    "Nullable",
    "Self_",
    "Default",
    "Serialize",
    "Deserialize",
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Into",
    "From",
    "Iterator",
    "IntoIterator",
    "ToString",
];

/// Method names a model struct's setters must not take: its constructor, and the
/// methods of the traits it implements (an inherent method would shadow them).
pub const RESERVED_METHOD_NAMES: &[&str] = &[
    "new",
    "default",
    "clone",
    "clone_from",
    "into",
    "from",
    "to_owned",
    "extra_fields",
];

/// A setter's name: the field's, or `set_<field>` where the field's would shadow a
/// method every value has (`clone`).
fn setter_name(methods: &mut Namespace, rust_name: &str) -> String {
    if RESERVED_METHOD_NAMES.contains(&names::bare(rust_name)) {
        methods.claim(&format!("set_{}", names::bare(rust_name)))
    } else {
        methods.claim(rust_name)
    }
}

/// The name of the field that keeps unknown properties.
pub const EXTRA_FIELDS: &str = "extra_fields";

/// What [`TypeLowerer::scalar_union`] makes of a union of scalars.
enum ScalarUnion {
    /// String alternatives with enum values among them: one string enum of these.
    Values(Vec<String>),
    /// One type serves all alternatives (a string, a number, or the one enum).
    Type,
}

/// `oneOf` or `anyOf`, the key a union's alternatives sit under.
fn union_key(schema: &Schema) -> &'static str {
    match &schema.schema_kind {
        SchemaKind::OneOf { .. } => "oneOf",
        _ => "anyOf",
    }
}

/// A schema seen through either of openapi-compact's two reference wrappers.
#[derive(Clone, Copy)]
pub enum SchemaView<'a> {
    /// `$ref` to this pointer.
    Ref(&'a str),
    /// An inline schema.
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaView<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => Self::Ref(reference),
            ReferenceOr::Item(schema) => Self::Inline(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Arc<Schema>>> for SchemaView<'a> {
    fn from(value: &'a ReferenceOr<Arc<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => Self::Ref(reference),
            ReferenceOr::Item(schema) => Self::Inline(schema),
        }
    }
}

/// An object's parts, gathered from `type: object`, an untyped schema with
/// properties, or the merge of an `allOf`.
#[derive(Default, Clone)]
struct ObjectParts<'a> {
    /// (name, schema, pointer of the object schema declaring it): a property's own
    /// pointer is made when needed ([`property_pointer`]), and the object's is one
    /// allocation shared by its properties and their fields.
    properties: Vec<(&'a str, SchemaView<'a>, Arc<str>)>,
    required: BTreeSet<&'a str>,
    additional: Option<&'a AdditionalProperties>,
    forbid_additional: bool,
}

/// The state of lowering every schema of one document.
pub struct TypeLowerer<'a> {
    document: &'a OpenAPI,
    config: &'a Config,
    /// Component name → assigned Rust name (assigned up front, so names do not depend
    /// on the order types are reached).
    component_names: HashMap<&'a str, String>,
    /// Components already lowered or being lowered.
    started: BTreeSet<String>,
    /// Every type name in use, components included.
    type_names: Namespace,
    /// The definitions, by name.
    defs: BTreeMap<String, TypeDef>,
    /// Inline schemas already given a name, by pointer, so a schema reached twice
    /// (through its parent and through a config override) is defined once.
    inline_names: HashMap<String, TypeRef>,
    /// Problems found.
    pub diagnostics: Diagnostics,
    /// The object parts of each `allOf` member already merged, by pointer (`None`
    /// while one is being merged, so a cycle ends): with it, merging is linear in the
    /// number of distinct schemas, not exponential in the depth of `allOf` chains.
    parts_cache: std::cell::RefCell<HashMap<String, Option<ObjectParts<'a>>>>,
    /// Example values, made once per document (its validator is built on first use).
    examples: super::examples::Examples<'a>,
    /// Each distinct list of enum values' variants, made once: big specs repeat the
    /// same enum (`status`, `state`) in many schemas, and the types share the list.
    enum_lists: HashMap<Vec<String>, Arc<[EnumVariant]>>,
}

impl<'a> TypeLowerer<'a> {
    /// Prepares names for every component schema, in spec order.
    #[must_use]
    pub fn new(document: &'a OpenAPI, config: &'a Config) -> Self {
        let mut type_names = Namespace::with_reserved(RESERVED_TYPE_NAMES);
        let mut component_names = HashMap::new();
        if let Some(components) = &document.components {
            for name in components.schemas.keys() {
                let pointer = format!("#/components/schemas/{}", escape_pointer_token(name));
                let wanted = config
                    .type_names
                    .get(&pointer)
                    .cloned()
                    .unwrap_or_else(|| names::pascal_ident(name, "Type"));
                component_names.insert(name.as_str(), type_names.claim(&wanted));
            }
        }
        Self {
            document,
            config,
            component_names,
            started: BTreeSet::new(),
            type_names,
            defs: BTreeMap::new(),
            inline_names: HashMap::new(),
            diagnostics: Diagnostics::default(),
            parts_cache: std::cell::RefCell::default(),
            examples: super::examples::Examples::new(document),
            enum_lists: HashMap::new(),
        }
    }

    /// The variants of a string enum of `values` (see `enum_variants`), shared with
    /// every other enum of the same values.
    fn enum_variants(&mut self, values: &[String]) -> Arc<[EnumVariant]> {
        if let Some(variants) = self.enum_lists.get(values) {
            return Arc::clone(variants);
        }
        let variants = enum_variants(values);
        self.enum_lists
            .insert(values.to_vec(), Arc::clone(&variants));
        variants
    }

    /// Example values for this document's schemas and parameters.
    #[must_use]
    pub fn examples(&self) -> &super::examples::Examples<'a> {
        &self.examples
    }

    /// The document being lowered.
    #[must_use]
    pub fn document(&self) -> &'a OpenAPI {
        self.document
    }

    /// The fields of a JSON request body that is an object, to flatten into a params
    /// type; `None` when the body is not an object (it is then sent whole).
    pub fn body_fields(
        &mut self,
        view: SchemaView<'a>,
        pointer: &str,
        hint: &str,
    ) -> Option<Vec<Field>> {
        let (schema, at) = self.resolve(view, pointer)?;
        if union_alternatives(schema).is_some() || string_enum_values(schema).is_some() {
            return None;
        }
        let mut parts = self.object_parts(schema, &at)?;
        // Read-only properties are the server's to set: a request never sends them.
        parts.properties.retain(|(name, property, object)| {
            self.resolve(*property, &property_pointer(object, name))
                .is_none_or(|(schema, _)| !schema.schema_data.read_only)
        });
        let owner = match view {
            SchemaView::Ref(reference) => self.component(reference).map_or_else(
                || hint.to_owned(),
                |(name, _)| self.component_names[name].clone(),
            ),
            SchemaView::Inline(_) => hint.to_owned(),
        };
        Some(self.struct_def(parts, &owner).fields)
    }

    /// The type of the schema at any JSON pointer into `#/components/schemas`, such
    /// as an inline property (`#/components/schemas/A/properties/b/items`).
    pub fn type_at_pointer(&mut self, pointer: &str, hint: &str) -> Option<(TypeRef, bool)> {
        let rest = pointer.strip_prefix("#/components/schemas/")?;
        let mut tokens = rest.split('/').map(unescape_pointer_token);
        let first = tokens.next()?;
        let (name, root) = self.component(&format!(
            "#/components/schemas/{}",
            escape_pointer_token(&first)
        ))?;
        let mut view: SchemaView<'a> = root.into();
        let mut at = format!("#/components/schemas/{}", escape_pointer_token(name));
        let tokens: Vec<String> = tokens.collect();
        if tokens.is_empty() {
            // The component itself: its own named type, not a copy.
            let reference = at.clone();
            return Some((self.named_component(&reference, pointer), false));
        }
        let mut index = 0;
        while index < tokens.len() {
            let (schema, _) = self.resolve(view, &at)?;
            let token = tokens[index].as_str();
            let next_token = tokens.get(index + 1).map(String::as_str);
            let (next, used): (SchemaView<'a>, usize) = match (token, &schema.schema_kind) {
                ("properties", SchemaKind::Type(Type::Object(object))) => {
                    (object.properties.get(next_token?)?.into(), 2)
                }
                ("properties", SchemaKind::Any(any)) => {
                    (any.properties.get(next_token?)?.into(), 2)
                }
                ("items", SchemaKind::Type(Type::Array(array))) => {
                    (array.items.as_ref()?.into(), 1)
                }
                ("items", SchemaKind::Any(any)) => (any.items.as_ref()?.into(), 1),
                ("allOf", SchemaKind::AllOf { all_of: list })
                | ("oneOf", SchemaKind::OneOf { one_of: list })
                | ("anyOf", SchemaKind::AnyOf { any_of: list }) => {
                    (list.get(next_token?.parse::<usize>().ok()?)?.into(), 2)
                }
                _ => return None,
            };
            for token in &tokens[index..index + used] {
                at.push('/');
                at.push_str(&escape_pointer_token(token));
            }
            view = next;
            index += used;
        }
        Some(self.type_of(view, hint, &at))
    }

    /// Whether a schema is an object that declares no properties.
    #[must_use]
    pub fn is_empty_object(&self, view: SchemaView<'a>, pointer: &str) -> bool {
        self.resolve(view, pointer)
            .is_some_and(|(schema, _)| match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => object.properties.is_empty(),
                SchemaKind::Any(any) => {
                    any.properties.is_empty() && any.typ.as_deref() == Some("object")
                }
                _ => false,
            })
    }

    /// Whether a named type is a struct (following aliases).
    #[must_use]
    pub fn is_struct(&self, ty: &TypeRef) -> bool {
        let mut current = ty;
        for _ in 0..16 {
            let TypeRef::Named(name) = current else {
                return false;
            };
            match self.defs.get(name).map(|def| &def.kind) {
                Some(TypeKind::Alias(target)) => current = target,
                Some(TypeKind::Struct(_)) => return true,
                _ => return false,
            }
        }
        false
    }

    /// The type an alias chain ends at (`ty` itself when it is not an alias).
    #[must_use]
    pub fn resolve_alias(&self, ty: &TypeRef) -> TypeRef {
        let mut current = ty;
        for _ in 0..16 {
            let TypeRef::Named(name) = current else {
                break;
            };
            match self.defs.get(name).map(|def| &def.kind) {
                Some(TypeKind::Alias(target)) => current = target,
                _ => break,
            }
        }
        current.clone()
    }

    /// A struct's fields as (wire name, type), following aliases (for pagination).
    #[must_use]
    pub fn struct_fields(&self, ty: &TypeRef) -> Option<Vec<(String, TypeRef)>> {
        let TypeRef::Named(name) = self.resolve_alias(ty) else {
            return None;
        };
        match &self.defs.get(&name)?.kind {
            TypeKind::Struct(def) => Some(
                def.fields
                    .iter()
                    .map(|field| (field.wire_name.clone(), field.ty.clone()))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// A struct's field by wire name, following aliases (for job ids).
    #[must_use]
    pub fn struct_field(&self, ty: &TypeRef, wire_name: &str) -> Option<Field> {
        let TypeRef::Named(name) = self.resolve_alias(ty) else {
            return None;
        };
        match &self.defs.get(&name)?.kind {
            TypeKind::Struct(def) => def
                .fields
                .iter()
                .find(|field| field.wire_name == wire_name)
                .cloned(),
            _ => None,
        }
    }

    /// The type of a struct's field, following aliases (for pagination).
    #[must_use]
    pub fn field_type(&self, ty: &TypeRef, wire_name: &str) -> Option<TypeRef> {
        let mut current = ty;
        for _ in 0..16 {
            let TypeRef::Named(name) = current else {
                return None;
            };
            match &self.defs.get(name)?.kind {
                TypeKind::Alias(target) => current = target,
                TypeKind::Struct(def) => {
                    return def
                        .fields
                        .iter()
                        .find(|field| field.wire_name == wire_name)
                        .map(|field| field.ty.clone());
                }
                _ => return None,
            }
        }
        None
    }

    /// For a multipart body field: `File` (or `Vec<File>`) when the property is a
    /// binary string, else `ty` unchanged.
    #[must_use]
    pub fn file_type(
        &self,
        ty: &TypeRef,
        body: SchemaView<'a>,
        pointer: &str,
        wire_name: &str,
    ) -> TypeRef {
        let property = self
            .resolve(body, pointer)
            .and_then(|(schema, at)| self.object_parts(schema, &at))
            .and_then(|parts| {
                parts
                    .properties
                    .iter()
                    .find(|(name, _, _)| *name == wire_name)
                    .map(|(name, view, object)| (*view, property_pointer(object, name)))
            });
        let Some((view, at)) = property else {
            return ty.clone();
        };
        if self.is_binary(view, &at, 0) {
            return TypeRef::File;
        }
        if let Some((schema, at)) = self.resolve(view, &at) {
            let items = match &schema.schema_kind {
                SchemaKind::Type(Type::Array(array)) => array.items.as_ref(),
                SchemaKind::Any(any) => any.items.as_ref(),
                _ => None,
            };
            if let Some(items) = items
                && self.is_binary(items.into(), &format!("{at}/items"), 0)
            {
                return TypeRef::Vec(Box::new(TypeRef::File));
            }
        }
        ty.clone()
    }

    /// Whether a schema is a binary string (`format: binary`), through refs and
    /// single-part compositions.
    #[must_use]
    pub fn is_binary_schema(&self, view: SchemaView<'a>, pointer: &str) -> bool {
        self.is_binary(view, pointer, 0)
    }

    fn is_binary(&self, view: SchemaView<'a>, pointer: &str, depth: usize) -> bool {
        self.has_format(view, pointer, StringFormat::Binary, depth)
    }

    /// Whether a schema is marked a credential (`format: password`, LlamaCloud's
    /// `api_key`s and `client_secret`s), through refs and single-part compositions
    /// (`anyOf: [{format: password}, null]`).
    #[must_use]
    pub fn is_secret_schema(&self, view: SchemaView<'a>, pointer: &str) -> bool {
        self.has_format(view, pointer, StringFormat::Password, 0)
    }

    /// Whether a schema is a string of `format`, through refs and compositions up to
    /// four deep.
    fn has_format(
        &self,
        view: SchemaView<'a>,
        pointer: &str,
        format: StringFormat,
        depth: usize,
    ) -> bool {
        let Some((schema, at)) = self.resolve(view, pointer) else {
            return false;
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                matches!(&string.format, VariantOrUnknownOrEmpty::Item(item) if *item == format)
            }
            SchemaKind::Any(any) => {
                any.format.as_deref().and_then(|text| text.parse().ok()) == Some(format)
            }
            SchemaKind::AllOf { all_of: parts }
            | SchemaKind::AnyOf { any_of: parts }
            | SchemaKind::OneOf { one_of: parts }
                if depth < 4 =>
            {
                parts.iter().enumerate().any(|(index, part)| {
                    self.has_format(part.into(), &format!("{at}/{index}"), format, depth + 1)
                })
            }
            _ => false,
        }
    }

    /// Claims a type name for something that is not a schema (a params type).
    pub fn claim_type_name(&mut self, wanted: &str) -> String {
        self.type_names.claim(wanted)
    }

    /// Adds a definition made elsewhere (a response alias).
    pub fn add_def(&mut self, def: TypeDef) {
        self.defs.insert(def.name.clone(), def);
    }

    /// Looks up a component schema by `$ref`.
    fn component(&self, reference: &str) -> Option<(&'a str, &'a ReferenceOr<Schema>)> {
        let key = unescape_pointer_token(component_name(reference)?);
        let (name, schema) = self
            .document
            .components
            .as_ref()?
            .schemas
            .get_key_value(key.as_str())?;
        Some((name.as_str(), schema))
    }

    /// Follows `$ref`s to an inline schema, with the pointer where it is defined.
    fn resolve(&self, view: SchemaView<'a>, pointer: &str) -> Option<(&'a Schema, String)> {
        let mut current = view;
        let mut at = pointer.to_owned();
        for _ in 0..32 {
            match current {
                SchemaView::Inline(schema) => return Some((schema, at)),
                SchemaView::Ref(reference) => {
                    let (_, next) = self.component(reference)?;
                    reference.clone_into(&mut at);
                    current = next.into();
                }
            }
        }
        None
    }

    /// The Rust type for a schema at `pointer`, and whether the schema allows null.
    ///
    /// `hint` names an inline type that needs a name.
    pub fn type_of(&mut self, view: SchemaView<'a>, hint: &str, pointer: &str) -> (TypeRef, bool) {
        match view {
            // A component that is itself nullable (`nullable-simple-user`: `type:
            // object, nullable: true`) makes every reference to it nullable.
            SchemaView::Ref(reference) => {
                let nullable = self
                    .resolve(view, pointer)
                    .is_some_and(|(schema, _)| schema.schema_data.nullable);
                (self.named_component(reference, pointer), nullable)
            }
            SchemaView::Inline(schema) => {
                let nullable = schema.schema_data.nullable;
                (self.inline_type(schema, hint, pointer), nullable)
            }
        }
    }

    fn named_component(&mut self, reference: &str, pointer: &str) -> TypeRef {
        let Some((name, schema)) = self.component(reference) else {
            let message = match component_name(reference) {
                Some(name) => format!(
                    "cannot resolve `$ref: {reference}`: there is no schema `{}` in `#/components/schemas`",
                    unescape_pointer_token(name)
                ),
                None => format!(
                    "cannot resolve `$ref: {reference}`: only references to `#/components/schemas/...` in the same document are supported (bundle external files first, e.g. with `redocly bundle`)"
                ),
            };
            self.diagnostics.push(Diagnostic::error(pointer, message));
            return TypeRef::Json;
        };
        let rust_name = self.component_names[name].clone();
        if self.started.insert(name.to_owned()) {
            let component_pointer = format!("#/components/schemas/{}", escape_pointer_token(name));
            match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.named_component(reference, &component_pointer);
                    self.add_def(TypeDef {
                        name: rust_name.clone(),
                        doc: format!("Another name for the `{name}` schema."),
                        pointer: component_pointer,
                        kind: TypeKind::Alias(target),
                        accessors: Vec::new(),
                    });
                }
                ReferenceOr::Item(schema) => {
                    self.define(schema, &rust_name, &component_pointer, name);
                }
            }
        }
        TypeRef::Named(rust_name)
    }

    /// Defines `name` from `schema`: a struct, enum or union if the schema has that
    /// shape, and otherwise an alias of the type it lowers to.
    fn define(&mut self, schema: &'a Schema, name: &str, pointer: &str, title: &str) {
        let doc = schema_doc(schema).unwrap_or_else(|| format!("The `{title}` schema."));
        let kind = match self.definition_kind(schema, name, pointer) {
            Some(kind) => kind,
            None => TypeKind::Alias(self.plain_type(schema, name, pointer)),
        };
        self.add_def(TypeDef {
            name: name.to_owned(),
            doc,
            pointer: pointer.to_owned(),
            kind,
            accessors: Vec::new(),
        });
    }

    /// The named shape of a schema, if it needs one (object, string enum, union).
    fn definition_kind(
        &mut self,
        schema: &'a Schema,
        name: &str,
        pointer: &str,
    ) -> Option<TypeKind> {
        if let Some(values) = string_enum_values(schema)
            && (values.len() > 1 || schema.schema_data.extensions.get("x-const").is_none())
        {
            return Some(TypeKind::StringEnum(self.enum_variants(&values)));
        }
        if let Some(alternatives) = union_alternatives(schema) {
            return match self.scalar_union(schema, alternatives, pointer) {
                Some(ScalarUnion::Values(values)) => {
                    Some(TypeKind::StringEnum(self.enum_variants(&values)))
                }
                // `plain_type` gives the one type all alternatives share.
                Some(ScalarUnion::Type) => None,
                None => Some(self.union_kind(schema, alternatives, name, pointer)),
            };
        }
        let parts = self.object_parts(schema, pointer)?;
        Some(TypeKind::Struct(self.struct_def(parts, name)))
    }

    /// An inline schema used in place: a primitive or container type, or a newly
    /// named definition for shapes that need a name.
    fn inline_type(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> TypeRef {
        if let Some(known) = self.inline_names.get(pointer) {
            return known.clone();
        }
        if let Some(target) = self.config.type_names.get(pointer).cloned() {
            let name = self.type_names.claim(&target);
            self.inline_names
                .insert(pointer.to_owned(), TypeRef::Named(name.clone()));
            self.define(schema, &name, pointer, &target);
            return TypeRef::Named(name);
        }
        if let Some(values) = string_enum_values(schema) {
            // A single `const` value is a tag: keep it a string with that default.
            if values.len() == 1 && schema.schema_data.extensions.contains_key("x-const") {
                return TypeRef::String;
            }
        }
        let needs_name = string_enum_values(schema).is_some()
            || union_alternatives(schema).is_some_and(|alternatives| {
                !matches!(
                    self.scalar_union(schema, alternatives, pointer),
                    Some(ScalarUnion::Type)
                )
            })
            || Self::object_parts_shallow(schema);
        if needs_name {
            let name = self.type_names.claim(&names::pascal_ident(hint, "Type"));
            self.inline_names
                .insert(pointer.to_owned(), TypeRef::Named(name.clone()));
            self.define(schema, &name, pointer, hint);
            return TypeRef::Named(name);
        }
        self.plain_type(schema, hint, pointer)
    }

    /// Whether an inline schema is an object with declared properties (and so a struct).
    fn object_parts_shallow(schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => !object.properties.is_empty(),
            SchemaKind::Any(any) => !any.properties.is_empty(),
            SchemaKind::AllOf { all_of } => all_of.len() > 1,
            _ => false,
        }
    }

    /// Types that need no name of their own.
    fn plain_type(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> TypeRef {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => TypeRef::String,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Number(_)) => TypeRef::Number,
            SchemaKind::Type(Type::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                VariantOrUnknownOrEmpty::Unknown(format) if format.starts_with("uint") => {
                    TypeRef::U64
                }
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Array(array)) => {
                let item = self.item_type(array.items.as_ref(), hint, pointer);
                TypeRef::Vec(Box::new(item))
            }
            SchemaKind::Type(Type::Object(object)) => {
                self.map_type(object.additional_properties.as_ref(), hint, pointer)
            }
            SchemaKind::AllOf { all_of }
            | SchemaKind::OneOf { one_of: all_of }
            | SchemaKind::AnyOf { any_of: all_of }
                if all_of.len() == 1 =>
            {
                let inner_pointer = format!("{pointer}/allOf/0");
                // The outer schema's `nullable` is what the caller reads.
                self.type_of((&all_of[0]).into(), hint, &inner_pointer).0
            }
            SchemaKind::Any(any) => {
                // `items` makes an array unless `type` says otherwise: DigitalOcean's
                // `type: object` with `items` is an object, as a validator reads it.
                if let Some(items) = &any.items
                    && any.typ.as_deref().is_none_or(|typ| typ == "array")
                {
                    let item = self.item_type(Some(items), hint, pointer);
                    return TypeRef::Vec(Box::new(item));
                }
                match any.typ.as_deref() {
                    Some("string") => TypeRef::String,
                    Some("boolean") => TypeRef::Bool,
                    Some("integer") => TypeRef::I64,
                    Some("number") => TypeRef::Number,
                    Some("object") => {
                        self.map_type(any.additional_properties.as_ref(), hint, pointer)
                    }
                    _ => TypeRef::Json,
                }
            }
            SchemaKind::Not { .. } => {
                self.diagnostics.push(Diagnostic::warning(
                    pointer,
                    "`not` schemas are not supported; the value is typed as any JSON",
                ));
                TypeRef::Json
            }
            SchemaKind::AnyOf {
                any_of: alternatives,
            }
            | SchemaKind::OneOf {
                one_of: alternatives,
            } => self.scalar_union_type(schema, alternatives, pointer),
            // Compositions with several parts were named by `inline_type`.
            _ => TypeRef::Json,
        }
    }

    /// A union whose alternatives are all strings, or all numbers, is one scalar
    /// type: `anyOf [enum, string]` is the enum (every string enum is open to other
    /// values), `anyOf [integer, number]` a [`TypeRef::Number`]. `None` for other
    /// unions.
    fn scalar_union(
        &self,
        schema: &'a Schema,
        alternatives: &'a [ReferenceOr<Schema>],
        pointer: &str,
    ) -> Option<ScalarUnion> {
        let key = union_key(schema);
        let mut values: Vec<String> = Vec::new();
        let (mut enums, mut refs_to_enums, mut strings, mut numbers) = (0, 0, 0, 0);
        for (index, alternative) in alternatives.iter().enumerate() {
            let at = format!("{pointer}/{key}/{index}");
            let (inner, _) = self.resolve(alternative.into(), &at)?;
            if let Some(found) = string_enum_values(inner) {
                enums += 1;
                if matches!(alternative, ReferenceOr::Reference { .. }) {
                    refs_to_enums += 1;
                }
                values.extend(found);
                continue;
            }
            match &inner.schema_kind {
                SchemaKind::Type(Type::String(string))
                    if !matches!(
                        string.format,
                        VariantOrUnknownOrEmpty::Item(openapi_compact::StringFormat::Binary)
                    ) =>
                {
                    strings += 1;
                }
                SchemaKind::Type(Type::Number(_) | Type::Integer(_)) => numbers += 1,
                SchemaKind::Any(any)
                    if any.properties.is_empty()
                        && any.items.is_none()
                        && any.format.as_deref() != Some("binary") =>
                {
                    match any.typ.as_deref() {
                        Some("string") => strings += 1,
                        Some("number" | "integer") => numbers += 1,
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
        if numbers > 0 {
            return (numbers == alternatives.len()).then_some(ScalarUnion::Type);
        }
        if enums == 0 || (enums == 1 && refs_to_enums == 1) {
            return Some(ScalarUnion::Type);
        }
        let _ = strings;
        Some(ScalarUnion::Values(values))
    }

    /// The one type of a union that [`Self::scalar_union`] calls scalar.
    fn scalar_union_type(
        &mut self,
        schema: &'a Schema,
        alternatives: &'a [ReferenceOr<Schema>],
        pointer: &str,
    ) -> TypeRef {
        if !matches!(
            self.scalar_union(schema, alternatives, pointer),
            Some(ScalarUnion::Type)
        ) {
            return TypeRef::Json;
        }
        let key = union_key(schema);
        let mut numeric = false;
        for (index, alternative) in alternatives.iter().enumerate() {
            if let ReferenceOr::Reference { reference } = alternative {
                let at = format!("{pointer}/{key}/{index}");
                if self
                    .resolve(alternative.into(), &at)
                    .is_some_and(|(inner, _)| string_enum_values(inner).is_some())
                {
                    return self.named_component(reference, &at);
                }
            }
            if let Some((inner, _)) = self.resolve(alternative.into(), pointer) {
                numeric |= matches!(
                    inner.schema_kind,
                    SchemaKind::Type(Type::Number(_) | Type::Integer(_))
                ) || matches!(&inner.schema_kind, SchemaKind::Any(any) if matches!(any.typ.as_deref(), Some("number" | "integer")));
            }
        }
        if numeric {
            TypeRef::Number
        } else {
            TypeRef::String
        }
    }

    fn item_type(
        &mut self,
        items: Option<&'a ReferenceOr<Arc<Schema>>>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        let Some(items) = items else {
            return TypeRef::Json;
        };
        let (item, nullable) = self.type_of(
            items.into(),
            &format!("{hint}Item"),
            &format!("{pointer}/items"),
        );
        if nullable {
            TypeRef::Option(Box::new(item))
        } else {
            item
        }
    }

    fn map_type(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let (value, nullable) = self.type_of(
                    schema.as_ref().into(),
                    &format!("{hint}Value"),
                    &format!("{pointer}/additionalProperties"),
                );
                let value = if nullable {
                    TypeRef::Option(Box::new(value))
                } else {
                    value
                };
                TypeRef::Map(Box::new(value))
            }
            _ => TypeRef::Map(Box::new(TypeRef::Json)),
        }
    }

    /// Gathers an object's properties, merging `allOf` parts. `None` if not an object.
    fn object_parts(&self, schema: &'a Schema, pointer: &str) -> Option<ObjectParts<'a>> {
        let mut parts = ObjectParts::default();
        if self.collect_object(schema, pointer, &mut parts, 0) {
            Some(parts)
        } else {
            None
        }
    }

    /// Merges one `allOf` member's parts into `parts`, computing them once per pointer.
    fn merge_part(
        &self,
        schema: &'a Schema,
        at: &str,
        parts: &mut ObjectParts<'a>,
        depth: usize,
    ) -> bool {
        let cached = self.parts_cache.borrow().get(at).cloned();
        let own = match cached {
            Some(Some(own)) => own,
            // Being merged further up: an `allOf` cycle adds nothing more.
            Some(None) => return false,
            None => {
                self.parts_cache.borrow_mut().insert(at.to_owned(), None);
                let mut own = ObjectParts::default();
                let is_object = self.collect_object(schema, at, &mut own, depth);
                let own = is_object.then_some(own);
                self.parts_cache
                    .borrow_mut()
                    .insert(at.to_owned(), own.clone());
                match own {
                    Some(own) => own,
                    None => return false,
                }
            }
        };
        for (name, view, pointer) in own.properties {
            if let Some(existing) = parts.properties.iter_mut().find(|(n, _, _)| *n == name) {
                // A later `allOf` part refines an earlier one's property.
                existing.1 = view;
                existing.2 = pointer;
            } else {
                parts.properties.push((name, view, pointer));
            }
        }
        parts.required.extend(own.required);
        if own.forbid_additional {
            parts.forbid_additional = true;
        }
        if own.additional.is_some() {
            parts.additional = own.additional;
        }
        true
    }

    fn collect_object(
        &self,
        schema: &'a Schema,
        pointer: &str,
        parts: &mut ObjectParts<'a>,
        depth: usize,
    ) -> bool {
        // Cycles end in `merge_part`'s cache; this only bounds the stack.
        if depth > 256 {
            return false;
        }
        let add = |properties: &'a indexmap::IndexMap<String, ReferenceOr<Arc<Schema>>>,
                   required: &'a [String],
                   additional: Option<&'a AdditionalProperties>,
                   parts: &mut ObjectParts<'a>| {
            let object: Arc<str> = Arc::from(pointer);
            for (name, property) in properties {
                if let Some(existing) = parts.properties.iter_mut().find(|(n, _, _)| *n == name) {
                    // A later `allOf` part refines an earlier one's property.
                    existing.1 = property.into();
                    existing.2 = Arc::clone(&object);
                } else {
                    parts
                        .properties
                        .push((name.as_str(), property.into(), Arc::clone(&object)));
                }
            }
            parts.required.extend(required.iter().map(String::as_str));
            match additional {
                Some(AdditionalProperties::Any(false)) => parts.forbid_additional = true,
                Some(other) => parts.additional = Some(other),
                None => {}
            }
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                if object.properties.is_empty()
                    && matches!(
                        object.additional_properties,
                        Some(AdditionalProperties::Schema(_))
                    )
                    && depth == 0
                {
                    // A pure map (`additionalProperties: {schema}`) is a map, not a struct.
                    return false;
                }
                if object.properties.is_empty() && depth == 0 {
                    return false;
                }
                add(
                    &object.properties,
                    &object.required,
                    object.additional_properties.as_ref(),
                    parts,
                );
                true
            }
            SchemaKind::Any(any) if !any.properties.is_empty() => {
                add(
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    parts,
                );
                for (index, part) in any.all_of.iter().enumerate() {
                    let part_pointer = format!("{pointer}/allOf/{index}");
                    if let Some((inner, at)) = self.resolve(part.into(), &part_pointer) {
                        self.merge_part(inner, &at, parts, depth + 1);
                    }
                }
                true
            }
            SchemaKind::AllOf { all_of } if all_of.len() > 1 || depth > 0 => {
                let mut any_object = false;
                for (index, part) in all_of.iter().enumerate() {
                    let part_pointer = format!("{pointer}/allOf/{index}");
                    if let Some((inner, at)) = self.resolve(part.into(), &part_pointer) {
                        any_object |= self.merge_part(inner, &at, parts, depth + 1);
                    }
                }
                any_object
            }
            _ => false,
        }
    }

    fn struct_def(&mut self, parts: ObjectParts<'a>, owner: &str) -> StructDef {
        let mut field_names = Namespace::with_reserved(&[EXTRA_FIELDS]);
        // Setters, null setters and default getters share the struct's method
        // namespace, which must not shadow the methods of the traits it derives.
        let mut methods = Namespace::with_reserved(RESERVED_METHOD_NAMES);
        let mut fields = Vec::new();
        for (wire_name, view, object) in parts.properties {
            let pointer = property_pointer(&object, wire_name);
            let hint = format!("{owner}{}", names::pascal_ident(wire_name, "Field"));
            let (ty, nullable) = self.type_of(view, &hint, &pointer);
            let schema = self.resolve(view, &pointer).map(|(schema, _)| schema);
            // A read-only property is absent from requests and a write-only one from
            // responses, so neither can be required of a type used for both.
            let one_way = schema.is_some_and(|schema| {
                schema.schema_data.read_only || schema.schema_data.write_only
            });
            let required = parts.required.contains(wire_name) && !one_way;
            let default = schema
                .and_then(|schema| {
                    schema
                        .schema_data
                        .default
                        .as_deref()
                        .cloned()
                        .or_else(|| const_default(schema))
                })
                .filter(|value| default_fits(value, &ty, &self.defs));
            // A single constant a required property must hold is written by the
            // constructors, not asked of the caller.
            let fixed = schema
                .filter(|_| required && ty == TypeRef::String)
                .and_then(string_enum_values)
                .filter(|values| values.len() == 1)
                .map(|mut values| values.remove(0));
            let defaulted = default.is_some() && fixed.is_none();
            let presence = match (required && !defaulted, nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            let doc = schema.and_then(schema_doc);
            let rust_name = field_names.claim(&names::snake_ident(wire_name, "field"));
            let setter = setter_name(&mut methods, &rust_name);
            let null_setter =
                nullable.then(|| methods.claim(&format!("{}_null", names::bare(&rust_name))));
            let default_getter = default
                .as_ref()
                .filter(|_| fixed.is_none())
                .map(|_| methods.claim(&format!("{}_or_default", names::bare(&rust_name))));
            let secret = is_credential(wire_name, &ty) || self.is_secret_schema(view, &pointer);
            fields.push(Field::new(
                wire_name.to_owned(),
                rust_name,
                ty,
                presence,
                default,
                FieldNames {
                    doc,
                    setter,
                    null_setter,
                    default_getter,
                    fixed,
                    secret,
                },
                object,
            ));
        }
        // Held for the whole run, one per property: no room to spare.
        fields.shrink_to_fit();
        let extra = if parts.forbid_additional {
            ExtraFields::Forbidden
        } else {
            let value = match parts.additional {
                Some(AdditionalProperties::Schema(schema)) => {
                    let (value, nullable) = self.type_of(
                        schema.as_ref().into(),
                        &format!("{owner}Value"),
                        "#/additionalProperties",
                    );
                    if nullable {
                        TypeRef::Option(Box::new(value))
                    } else {
                        value
                    }
                }
                _ => TypeRef::Json,
            };
            ExtraFields::Keep {
                field: EXTRA_FIELDS.to_owned(),
                value,
            }
        };
        StructDef { fields, extra }
    }

    fn union_kind(
        &mut self,
        schema: &'a Schema,
        alternatives: &'a [ReferenceOr<Schema>],
        name: &str,
        pointer: &str,
    ) -> TypeKind {
        let key = match &schema.schema_kind {
            SchemaKind::OneOf { .. } => "oneOf",
            _ => "anyOf",
        };
        let tag = schema
            .schema_data
            .discriminator
            .as_ref()
            .map(|d| d.property_name.clone())
            .or_else(|| self.common_const_property(alternatives, pointer, key));
        // `Unknown` is the catch-all variant every union gets.
        let mut variant_names = Namespace::with_reserved(&["Unknown"]);
        let mut variants = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let alternative_pointer = format!("{pointer}/{key}/{index}");
            let view: SchemaView<'a> = alternative.into();
            let ref_name = match view {
                SchemaView::Ref(reference) => self.component(reference).map(|(n, _)| n.to_owned()),
                SchemaView::Inline(_) => None,
            };
            let mut tags = Vec::new();
            let mut payload_has_tag = false;
            if let Some(tag) = &tag {
                if let Some(discriminator) = &schema.schema_data.discriminator
                    && let SchemaView::Ref(reference) = view
                {
                    tags.extend(
                        discriminator
                            .mapping
                            .iter()
                            .filter(|(_, target)| {
                                *target == reference
                                    || component_name(target) == ref_name.as_deref()
                            })
                            .map(|(value, _)| value.clone()),
                    );
                }
                if let Some((inner, at)) = self.resolve(view, &alternative_pointer)
                    && let Some(parts) = self.object_parts(inner, &at)
                    && let Some((name, property, object)) =
                        parts.properties.iter().find(|(n, _, _)| n == tag)
                {
                    payload_has_tag = true;
                    if tags.is_empty()
                        && let Some((property, _)) =
                            self.resolve(*property, &property_pointer(object, name))
                    {
                        tags.extend(string_enum_values(property).unwrap_or_default());
                    }
                }
                if tags.is_empty()
                    && let Some(ref_name) = &ref_name
                {
                    tags.push(ref_name.clone());
                }
            }
            // An inline alternative is named by its title, else by its shape.
            let shape_name = || {
                let inner = self.resolve(view, &alternative_pointer).map(|(s, _)| s);
                inner
                    .and_then(|inner| inner.schema_data.title.clone())
                    .filter(|title| !names::pascal_ident(title, "").is_empty())
                    .unwrap_or_else(|| {
                        match inner.map(|inner| &inner.schema_kind) {
                            Some(SchemaKind::Type(Type::Array(_))) => "Array",
                            Some(SchemaKind::Type(Type::String(_))) => "String",
                            Some(SchemaKind::Type(Type::Object(_))) => "Object",
                            Some(SchemaKind::Any(any)) if !any.properties.is_empty() => "Object",
                            _ => "Variant",
                        }
                        .to_owned()
                    })
            };
            let hint_suffix = tags
                .first()
                .cloned()
                .or_else(|| ref_name.clone())
                .unwrap_or_else(shape_name);
            let (ty, _nullable) = self.type_of(
                view,
                &format!("{name}{}", names::pascal_ident(&hint_suffix, "Variant")),
                &alternative_pointer,
            );
            let wanted = if let Some(first) = tags.first() {
                names::variant_ident(first)
            } else if let Some(ref_name) = &ref_name {
                names::pascal_ident(ref_name, "Variant")
            } else {
                variant_name_for(&ty)
            };
            variants.push(UnionVariant {
                rust_name: variant_names.claim(&wanted),
                tags,
                ty,
                payload_has_tag,
                constructor: String::new(),
                from_payload: false,
            });
        }
        // A tag discriminates only if every variant has values and no value is shared.
        let mut seen = BTreeSet::new();
        let distinct = variants
            .iter()
            .flat_map(|variant| &variant.tags)
            .all(|tag| seen.insert(tag.clone()));
        match tag {
            Some(tag) if distinct && variants.iter().all(|variant| !variant.tags.is_empty()) => {
                name_constructors(&mut variants);
                TypeKind::TaggedUnion { tag, variants }
            }
            _ => {
                // Alternatives are tried in order, so a second one of the same Rust type
                // (a `string` beside a `date-time` string) could never be chosen.
                let mut seen_types = BTreeSet::new();
                let mut variants: Vec<UnionVariant> = variants
                    .into_iter()
                    .filter(|variant| seen_types.insert(variant.ty.clone()))
                    .map(|variant| UnionVariant {
                        tags: Vec::new(),
                        ..variant
                    })
                    .collect();
                name_constructors(&mut variants);
                TypeKind::UntaggedUnion(variants)
            }
        }
    }

    /// A property that every alternative declares with one constant string value.
    fn common_const_property(
        &self,
        alternatives: &'a [ReferenceOr<Schema>],
        pointer: &str,
        key: &str,
    ) -> Option<String> {
        let mut candidates: Option<Vec<String>> = None;
        for (index, alternative) in alternatives.iter().enumerate() {
            let alternative_pointer = format!("{pointer}/{key}/{index}");
            let (inner, at) = self.resolve(alternative.into(), &alternative_pointer)?;
            let parts = self.object_parts(inner, &at)?;
            let consts: Vec<String> = parts
                .properties
                .iter()
                .filter(|(name, property, object)| {
                    self.resolve(*property, &property_pointer(object, name))
                        .and_then(|(schema, _)| string_enum_values(schema))
                        .is_some_and(|values| values.len() == 1)
                })
                .map(|(name, _, _)| (*name).to_owned())
                .collect();
            candidates = Some(match candidates {
                None => consts,
                Some(previous) => previous
                    .into_iter()
                    .filter(|c| consts.contains(c))
                    .collect(),
            });
        }
        candidates?.into_iter().next()
    }

    /// The definitions as lowered, with the problems found and, apart, the warnings
    /// about the spec's examples; [`finish`] completes them. Split so that the typed
    /// document, which this lowerer borrows, can be dropped before that last pass.
    #[must_use]
    pub fn into_defs(self) -> LoweredDefs {
        let example_warnings = self.examples.take_warnings();
        LoweredDefs {
            defs: self.defs,
            diagnostics: self.diagnostics,
            example_warnings,
        }
    }
}

/// What [`TypeLowerer::into_defs`] hands on: the definitions by name, not yet
/// finished, and what was found on the way.
pub struct LoweredDefs {
    defs: BTreeMap<String, TypeDef>,
    diagnostics: Diagnostics,
    example_warnings: Vec<Diagnostic>,
}

/// Every definition, sorted by name, with alias cycles refused, union tags settled,
/// twins made aliases of one (when `merge_twins`; see [`super::merge`]), `From`
/// impls settled, recursive fields boxed and union accessors found; and the problems
/// found in lowering them, then the examples' warnings.
#[must_use]
pub fn finish(lowered: LoweredDefs, merge_twins: bool) -> (Vec<TypeDef>, Diagnostics) {
    let LoweredDefs {
        mut defs,
        mut diagnostics,
        example_warnings,
    } = lowered;
    refuse_alias_cycles(&mut defs, &mut diagnostics);
    fix_union_tags(&mut defs);
    if merge_twins {
        super::merge::merge_identical(&mut defs);
    }
    fix_from_impls(&mut defs);
    box_recursive_fields(&mut defs);
    union_accessors(&mut defs);
    diagnostics.0.extend(example_warnings);
    (defs.into_values().collect(), diagnostics)
}

/// Gives each union read accessors for the fields its struct variants carry
/// (`MarkdownResultPagesItem::markdown()`). A field is offered when every variant
/// that has it gives it the same name and type, it is not a union tag, and its name
/// is not one of the union's constructors.
fn union_accessors(defs: &mut BTreeMap<String, TypeDef>) {
    let struct_of = |ty: &TypeRef| -> Option<&StructDef> {
        let mut current = ty;
        for _ in 0..16 {
            match current {
                TypeRef::Boxed(inner) => current = inner,
                TypeRef::Named(name) => match &defs.get(name)?.kind {
                    TypeKind::Alias(target) => current = target,
                    TypeKind::Struct(def) => return Some(def),
                    _ => return None,
                },
                _ => return None,
            }
        }
        None
    };
    let mut found = Vec::new();
    for (name, def) in defs.iter() {
        let (TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants)) =
            &def.kind
        else {
            continue;
        };
        let mut by_wire: indexmap::IndexMap<&str, UnionAccessor> = indexmap::IndexMap::new();
        let mut conflicting = std::collections::BTreeSet::new();
        for variant in variants {
            let Some(payload) = struct_of(&variant.ty) else {
                continue;
            };
            for field in payload
                .fields
                .iter()
                .filter(|field| field.fixed().is_none())
            {
                let accessor =
                    by_wire
                        .entry(field.wire_name.as_str())
                        .or_insert_with(|| UnionAccessor {
                            name: field.rust_name.clone(),
                            ty: field.ty.clone(),
                            variants: Vec::new(),
                        });
                if accessor.ty != field.ty || accessor.name != field.rust_name {
                    conflicting.insert(field.wire_name.as_str());
                }
                accessor.variants.push((
                    variant.rust_name.clone(),
                    field.rust_name.clone(),
                    field.presence,
                ));
            }
        }
        let taken: std::collections::BTreeSet<&str> = variants
            .iter()
            .map(|variant| names::bare(&variant.constructor))
            .collect();
        let accessors: Vec<UnionAccessor> = by_wire
            .into_iter()
            .filter(|(wire, accessor)| {
                !conflicting.contains(wire) && !taken.contains(names::bare(&accessor.name))
            })
            .map(|(_, accessor)| accessor)
            .collect();
        if !accessors.is_empty() {
            found.push((name.clone(), accessors));
        }
    }
    for (name, accessors) in found {
        if let Some(def) = defs.get_mut(&name) {
            def.accessors = accessors;
        }
    }
}

/// The description (or else the title) of a schema, trimmed.
pub fn schema_doc(schema: &Schema) -> Option<String> {
    schema
        .schema_data
        .description
        .as_deref()
        .or(schema.schema_data.title.as_deref())
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// The values of a string enum (or `const`) schema.
fn string_enum_values(schema: &Schema) -> Option<Vec<String>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => {
            Some(string.enumeration.iter().flatten().cloned().collect())
        }
        SchemaKind::Any(any)
            if !any.enumeration.is_empty() && any.enumeration.iter().all(Value::is_string) =>
        {
            Some(
                any.enumeration
                    .iter()
                    .filter_map(|value| value.as_str().map(str::to_owned))
                    .collect(),
            )
        }
        _ => None,
    }
    .filter(|values: &Vec<String>| !values.is_empty())
}

fn enum_variants(values: &[String]) -> Arc<[EnumVariant]> {
    let mut variant_names = Namespace::with_reserved(&["Other"]);
    let mut seen = BTreeSet::new();
    values
        .iter()
        .filter(|value| seen.insert((*value).clone()))
        .map(|value| EnumVariant {
            wire_value: value.clone(),
            rust_name: variant_names.claim(&names::variant_ident(value)),
        })
        .collect()
}

/// The alternatives of a `oneOf`/`anyOf` with more than one member.
fn union_alternatives(schema: &Schema) -> Option<&[ReferenceOr<Schema>]> {
    match &schema.schema_kind {
        SchemaKind::OneOf { one_of } if one_of.len() > 1 => Some(one_of),
        SchemaKind::AnyOf { any_of } if any_of.len() > 1 => Some(any_of),
        _ => None,
    }
}

fn const_default(schema: &Schema) -> Option<Value> {
    schema.schema_data.extensions.get("x-const").cloned()
}

/// Whether a spec default can be written as a value of `ty` (scalars and known
/// string-enum values); other defaults are documented but not applied.
fn default_fits(value: &Value, ty: &TypeRef, defs: &BTreeMap<String, TypeDef>) -> bool {
    match (ty, value) {
        (TypeRef::String, Value::String(_))
        | (TypeRef::Bool, Value::Bool(_))
        | (TypeRef::Number, Value::Number(_)) => true,
        (TypeRef::I64, Value::Number(n)) => n.is_i64(),
        (TypeRef::I32, Value::Number(n)) => n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        (TypeRef::U64, Value::Number(n)) => n.is_u64(),
        (TypeRef::Named(name), Value::String(text)) => matches!(
            defs.get(name).map(|def| &def.kind),
            Some(TypeKind::StringEnum(variants)) if variants.iter().any(|v| &v.wire_value == text)
        ),
        _ => false,
    }
}

fn variant_name_for(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Bool => "Bool".to_owned(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => "Integer".to_owned(),
        TypeRef::Number => "Number".to_owned(),
        TypeRef::Json => "Json".to_owned(),
        TypeRef::Named(name) => names::bare(name).to_owned(),
        TypeRef::Vec(_) => "Array".to_owned(),
        TypeRef::Map(_) => "Object".to_owned(),
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => variant_name_for(inner),
        TypeRef::File => "File".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
    }
}

/// Refuses aliases that only refer to themselves (`A: {$ref: B}`, `B: {$ref: A}`, or
/// an array of itself): no Rust type alias can be recursive, and such a schema
/// describes no value a struct or enum could hold. Each gets a located error, and its
/// target becomes JSON so lowering goes on to report everything else.
fn refuse_alias_cycles(defs: &mut BTreeMap<String, TypeDef>, diagnostics: &mut Diagnostics) {
    let mut cyclic = Vec::new();
    for (name, def) in defs.iter() {
        let TypeKind::Alias(target) = &def.kind else {
            continue;
        };
        let mut stack = vec![target];
        let mut seen = BTreeSet::new();
        let mut through = Vec::new();
        while let Some(ty) = stack.pop() {
            match ty {
                TypeRef::Named(other) if other == name => {
                    cyclic.push((name.clone(), def.pointer.clone(), through.clone()));
                    break;
                }
                TypeRef::Named(other) => {
                    if let Some(TypeKind::Alias(next)) = defs.get(other).map(|d| &d.kind)
                        && seen.insert(other.clone())
                    {
                        through.push(other.clone());
                        stack.push(next);
                    }
                }
                TypeRef::Vec(inner)
                | TypeRef::Map(inner)
                | TypeRef::Option(inner)
                | TypeRef::Boxed(inner) => stack.push(inner),
                _ => {}
            }
        }
    }
    for (name, pointer, through) in cyclic {
        let via = if through.is_empty() {
            String::new()
        } else {
            format!(" (through `{}`)", through.join("`, `"))
        };
        diagnostics.push(Diagnostic::error(
            &pointer,
            format!("the schema `{name}` refers only to itself{via}, so it describes no value; give it a type, properties or alternatives"),
        ));
        if let Some(def) = defs.get_mut(&name) {
            def.kind = TypeKind::Alias(TypeRef::Json);
        }
    }
}

/// One constructor name per variant (`From<payload>` is decided in
/// [`fix_from_impls`], once aliases can be seen through).
fn name_constructors(variants: &mut [UnionVariant]) {
    let mut constructors = Namespace::with_reserved(RESERVED_METHOD_NAMES);
    for variant in variants.iter_mut() {
        variant.constructor =
            constructors.claim(&names::snake_ident(&variant.rust_name, "variant"));
    }
}

/// Decides, once every type is known, which union variants get `From<payload>`: only
/// those whose payload is, through aliases (`Ipv4Net` and `Ipv6Net` both `String`),
/// a type no other variant carries and not the union itself, or the impls would
/// conflict.
fn fix_from_impls(defs: &mut BTreeMap<String, TypeDef>) {
    /// The Rust type `ty` is, with aliases replaced by what they name, at any depth.
    fn canonical(ty: &TypeRef, defs: &BTreeMap<String, TypeDef>, depth: usize) -> TypeRef {
        if depth > 32 {
            return ty.clone();
        }
        match ty {
            TypeRef::Boxed(inner) => canonical(inner, defs, depth + 1),
            TypeRef::Vec(inner) => TypeRef::Vec(Box::new(canonical(inner, defs, depth + 1))),
            TypeRef::Map(inner) => TypeRef::Map(Box::new(canonical(inner, defs, depth + 1))),
            TypeRef::Option(inner) => TypeRef::Option(Box::new(canonical(inner, defs, depth + 1))),
            TypeRef::Named(name) => match defs.get(name).map(|d| &d.kind) {
                Some(TypeKind::Alias(target)) => canonical(target, defs, depth + 1),
                _ => ty.clone(),
            },
            other => other.clone(),
        }
    }
    let mut decided: Vec<(String, Vec<bool>)> = Vec::new();
    for (name, def) in defs.iter() {
        let (TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants)) =
            &def.kind
        else {
            continue;
        };
        let canonicals: Vec<TypeRef> = variants.iter().map(|v| canonical(&v.ty, defs, 0)).collect();
        let own = TypeRef::Named(name.clone());
        let flags = canonicals
            .iter()
            .map(|ty| *ty != own && canonicals.iter().filter(|other| *other == ty).count() == 1)
            .collect();
        decided.push((name.clone(), flags));
    }
    for (name, flags) in decided {
        if let Some(TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants)) =
            defs.get_mut(&name).map(|d| &mut d.kind)
        {
            for (variant, flag) in variants.iter_mut().zip(flags) {
                variant.from_payload = flag;
            }
        }
    }
}

/// Marks the tag property of every discriminated union's payload struct as fixed to
/// the variant's tag, so the struct's constructors write it and no caller types it.
fn fix_union_tags(defs: &mut BTreeMap<String, TypeDef>) {
    let mut fixes: Vec<(String, String, String)> = Vec::new();
    for def in defs.values() {
        let TypeKind::TaggedUnion { tag, variants } = &def.kind else {
            continue;
        };
        for variant in variants {
            let (Some(first), true) = (variant.tags.first(), variant.payload_has_tag) else {
                continue;
            };
            let mut current = &variant.ty;
            for _ in 0..16 {
                match current {
                    TypeRef::Named(name) => match defs.get(name).map(|d| &d.kind) {
                        Some(TypeKind::Alias(target)) => current = target,
                        Some(TypeKind::Struct(_)) => {
                            fixes.push((name.clone(), tag.clone(), first.clone()));
                            break;
                        }
                        _ => break,
                    },
                    TypeRef::Boxed(inner) => current = inner,
                    _ => break,
                }
            }
        }
    }
    for (name, tag, value) in fixes {
        let Some(TypeDef {
            kind: TypeKind::Struct(def),
            ..
        }) = defs.get_mut(&name)
        else {
            continue;
        };
        if let Some(field) = def
            .fields
            .iter_mut()
            .find(|field| field.wire_name == tag && field.ty == TypeRef::String)
            && field.fixed().is_none()
        {
            field.fix(&value);
        }
    }
}

/// The strongly connected component of each node (Kosaraju's algorithm, iterative).
fn strongly_connected_components(graph: &BTreeMap<String, Vec<String>>) -> HashMap<&str, usize> {
    // First pass: nodes in order of finishing time.
    let mut order: Vec<&str> = Vec::with_capacity(graph.len());
    let mut visited: BTreeSet<&str> = BTreeSet::new();
    for start in graph.keys() {
        if !visited.insert(start.as_str()) {
            continue;
        }
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        while let Some((node, next_edge)) = stack.pop() {
            let edges = graph.get(node).map_or(&[][..], Vec::as_slice);
            if let Some(target) = edges.get(next_edge) {
                stack.push((node, next_edge + 1));
                if graph.contains_key(target) && visited.insert(target.as_str()) {
                    stack.push((target.as_str(), 0));
                }
            } else {
                order.push(node);
            }
        }
    }
    // Second pass, on the reversed graph, in reverse finishing order.
    let mut reversed: HashMap<&str, Vec<&str>> = HashMap::new();
    for (from, targets) in graph {
        for target in targets {
            if graph.contains_key(target) {
                reversed
                    .entry(target.as_str())
                    .or_default()
                    .push(from.as_str());
            }
        }
    }
    let mut component: HashMap<&str, usize> = HashMap::new();
    for (index, root) in order.iter().rev().enumerate() {
        if component.contains_key(root) {
            continue;
        }
        let mut stack = vec![*root];
        component.insert(root, index);
        while let Some(node) = stack.pop() {
            for source in reversed.get(node).map_or(&[][..], Vec::as_slice) {
                if !component.contains_key(source) {
                    component.insert(source, index);
                    stack.push(source);
                }
            }
        }
    }
    component
}

/// Boxes every by-value reference that closes a cycle, so recursive types have a size.
///
/// By-value edges go through struct fields (also inside `Option`), union payloads and
/// aliases; `Vec` and `BTreeMap` already allocate and break the cycle.
fn box_recursive_fields(defs: &mut BTreeMap<String, TypeDef>) {
    fn boxed(ty: &TypeRef) -> TypeRef {
        match ty {
            TypeRef::Option(inner) => TypeRef::Option(Box::new(boxed(inner))),
            other => TypeRef::Boxed(Box::new(other.clone())),
        }
    }
    fn by_value_target(ty: &TypeRef) -> Option<&str> {
        match ty {
            TypeRef::Named(name) => Some(name),
            TypeRef::Option(inner) => by_value_target(inner),
            _ => None,
        }
    }
    fn edges(def: &TypeDef) -> Vec<&str> {
        match &def.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .filter_map(|f| by_value_target(&f.ty))
                .collect(),
            TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => variants
                .iter()
                .filter_map(|v| by_value_target(&v.ty))
                .collect(),
            TypeKind::Alias(ty) => by_value_target(ty).into_iter().collect(),
            // Nothing refers to a response's status union, so it closes no cycle.
            TypeKind::StringEnum(_) | TypeKind::StatusUnion(_) => Vec::new(),
        }
    }
    let graph: BTreeMap<String, Vec<String>> = defs
        .iter()
        .map(|(name, def)| {
            (
                name.clone(),
                edges(def).into_iter().map(str::to_owned).collect(),
            )
        })
        .collect();
    // An edge closes a cycle exactly when both ends are in the same strongly
    // connected component: one linear pass instead of a search per field.
    let component = strongly_connected_components(&graph);
    let reaches = |from: &str, to: &str| -> bool {
        from == to
            || matches!((component.get(from), component.get(to)), (Some(a), Some(b)) if a == b)
    };
    for (name, def) in defs.iter_mut() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for field in &mut s.fields {
                    if by_value_target(&field.ty).is_some_and(|target| reaches(target, name)) {
                        field.ty = boxed(&field.ty);
                    }
                }
            }
            TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
                for variant in variants {
                    if by_value_target(&variant.ty).is_some_and(|target| reaches(target, name)) {
                        variant.ty = boxed(&variant.ty);
                    }
                }
            }
            TypeKind::Alias(_) | TypeKind::StringEnum(_) | TypeKind::StatusUnion(_) => {}
        }
    }
}

/// Whether a string property or parameter named `name` holds a credential by its
/// name, as the runtime judges header names: it ends in `api_key`, `apikey`,
/// `secret`, `password`, `passwd`, `private_key` or `access_key`, or in `token`
/// unless it names a page (`page_token`, `next_token`, a cursor). Specs mark few
/// of them `format: password` (LlamaCloud marks 20 of its 28: not the embedding
/// configs' `api_key`, `aws_secret_access_key` or `webhook_signing_secret`), and a
/// value that holds one must be safe to log with `{:?}`.
#[must_use]
pub fn is_credential(name: &str, ty: &TypeRef) -> bool {
    const ENDINGS: &[&str] = &[
        "api_key",
        "apikey",
        "secret",
        "password",
        "passwd",
        "private_key",
        "access_key",
    ];
    if *ty != TypeRef::String {
        return false;
    }
    let name = names::snake_ident(name, "field").to_ascii_lowercase();
    let name = name.trim_start_matches("r#");
    ENDINGS.iter().any(|ending| name.ends_with(ending))
        || (name.ends_with("token")
            && !["page", "next", "cursor", "continuation"]
                .iter()
                .any(|word| name.contains(word)))
}
