//! The spec diff: two models of one SDK → what changed in its Rust API.
//!
//! Input: the [`Api`] lowered from an older spec and the one lowered from a newer
//! spec, with the same config (the older one with [`crate::Config::older_spec`]).
//! Output: [`Change`]s, each named by the JSON pointer it comes from (in the newer
//! spec, or in the older one for a removal) and by the Rust item it touches, and
//! classified as breaking or not for code written against the older SDK; then
//! [`Report`], their semver class and the next version. Rendering lives in
//! [`report`].
//!
//! The rules follow what the generated code makes of a change (the list is in
//! `docs/SPEC-DIFF.md`):
//! - structs, enums and unions are `#[non_exhaustive]`, so a new optional field, a
//!   new enum value and a new union variant break nobody;
//! - a struct's required fields are the arguments of its `new`, so a new required
//!   field breaks;
//! - a field's type is its Rust type with its presence (`T`, `Option<T>`,
//!   `Nullable<T>`), so any change of either breaks;
//! - path parameters are positional and the parameters type is the last argument,
//!   so adding, removing or reordering them breaks;
//! - an operation is identified by its route (`GET /api/v1/files`): the same route
//!   under another Rust name is a rename, which breaks.

pub mod report;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ir::{
    Api, AuthKind, ExtraFields, Field, Operation, Param, Presence, Resource, TypeDef, TypeKind,
    TypeRef, UnionVariant,
};

pub use report::{Report, Semver};

/// One change to the generated API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// Whether code written against the older SDK may stop compiling.
    pub breaking: bool,
    /// JSON pointer of what changed, in the newer spec (in the older one for a
    /// removal).
    pub pointer: String,
    /// The Rust item it touches (`llama_cloud::types::File::name`).
    pub rust: String,
    /// What exactly, in a sentence.
    pub detail: String,
}

/// The kinds of change, as written in the JSON report (`operation_added`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A new operation: a new method.
    OperationAdded,
    /// An operation is gone: its method is gone.
    OperationRemoved,
    /// The same route is now a method of another name or resource.
    OperationRenamed,
    /// The spec now marks the operation deprecated (the method gets `#[deprecated]`).
    OperationDeprecated,
    /// The method's arguments changed shape: path parameters added, removed or
    /// reordered, or the parameters type added, removed or renamed.
    SignatureChanged,
    /// A new query, header, cookie or body parameter (a field of the parameters type).
    ParameterAdded,
    /// A parameter is gone.
    ParameterRemoved,
    /// A parameter's type or presence changed.
    ParameterChanged,
    /// The request body's encoding changed (JSON, form, multipart, bytes, text).
    RequestBodyChanged,
    /// What the method returns changed: the response type, its encoding or its paging.
    ResponseChanged,
    /// A new named type.
    TypeAdded,
    /// A named type is gone.
    TypeRemoved,
    /// A named type is now another kind of type (a struct became an enum, an alias
    /// points elsewhere).
    TypeChanged,
    /// A new struct field.
    FieldAdded,
    /// A struct field is gone.
    FieldRemoved,
    /// A struct field's type or presence changed.
    FieldChanged,
    /// A new value of a string enum.
    EnumValueAdded,
    /// A value of a string enum is gone.
    EnumValueRemoved,
    /// A new union variant.
    VariantAdded,
    /// A union variant is gone.
    VariantRemoved,
    /// A union variant's payload type changed.
    VariantChanged,
    /// A union has a new read accessor (`shape.radius()`): a field its variants share.
    AccessorAdded,
    /// A union's read accessor is gone.
    AccessorRemoved,
    /// A union's read accessor returns another type.
    AccessorChanged,
    /// The client accepts a new way to authenticate.
    AuthSchemeAdded,
    /// A way to authenticate is gone (its builder method with it).
    AuthSchemeRemoved,
}

impl ChangeKind {
    /// Every kind, in the order the reports list them.
    pub const ALL: [Self; 26] = [
        Self::OperationAdded,
        Self::OperationRemoved,
        Self::OperationRenamed,
        Self::OperationDeprecated,
        Self::SignatureChanged,
        Self::ParameterAdded,
        Self::ParameterRemoved,
        Self::ParameterChanged,
        Self::RequestBodyChanged,
        Self::ResponseChanged,
        Self::TypeAdded,
        Self::TypeRemoved,
        Self::TypeChanged,
        Self::FieldAdded,
        Self::FieldRemoved,
        Self::FieldChanged,
        Self::EnumValueAdded,
        Self::EnumValueRemoved,
        Self::VariantAdded,
        Self::VariantRemoved,
        Self::VariantChanged,
        Self::AccessorAdded,
        Self::AccessorRemoved,
        Self::AccessorChanged,
        Self::AuthSchemeAdded,
        Self::AuthSchemeRemoved,
    ];

    /// The name the JSON report uses.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::OperationAdded => "operation_added",
            Self::OperationRemoved => "operation_removed",
            Self::OperationRenamed => "operation_renamed",
            Self::OperationDeprecated => "operation_deprecated",
            Self::SignatureChanged => "signature_changed",
            Self::ParameterAdded => "parameter_added",
            Self::ParameterRemoved => "parameter_removed",
            Self::ParameterChanged => "parameter_changed",
            Self::RequestBodyChanged => "request_body_changed",
            Self::ResponseChanged => "response_changed",
            Self::TypeAdded => "type_added",
            Self::TypeRemoved => "type_removed",
            Self::TypeChanged => "type_changed",
            Self::FieldAdded => "field_added",
            Self::FieldRemoved => "field_removed",
            Self::FieldChanged => "field_changed",
            Self::EnumValueAdded => "enum_value_added",
            Self::EnumValueRemoved => "enum_value_removed",
            Self::VariantAdded => "variant_added",
            Self::VariantRemoved => "variant_removed",
            Self::VariantChanged => "variant_changed",
            Self::AccessorAdded => "accessor_added",
            Self::AccessorRemoved => "accessor_removed",
            Self::AccessorChanged => "accessor_changed",
            Self::AuthSchemeAdded => "auth_scheme_added",
            Self::AuthSchemeRemoved => "auth_scheme_removed",
        }
    }
}

/// Every change from `old` to `new`, in a stable order: the client's, then
/// operations in the newer spec's order (removals in the older one's), then types
/// by name.
#[must_use]
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = Vec::new();
    let krate = &new.meta.crate_ident;
    auth(old, new, krate, &mut changes);
    operations(old, new, krate, &mut changes);
    types(old, new, krate, &mut changes);
    changes
}

fn change(kind: ChangeKind, breaking: bool, pointer: &str, rust: String, detail: String) -> Change {
    Change {
        kind,
        breaking,
        pointer: pointer.to_owned(),
        rust,
        detail,
    }
}

/// A member of a parameters type, struct, enum, union or the type list, named as
/// Rust names it: the identity the diff pairs them by.
trait Named {
    fn name(&self) -> &str;
}

impl Named for Param {
    fn name(&self) -> &str {
        &self.rust_name
    }
}

impl Named for Field {
    fn name(&self) -> &str {
        &self.rust_name
    }
}

impl Named for crate::ir::EnumVariant {
    fn name(&self) -> &str {
        &self.rust_name
    }
}

impl Named for UnionVariant {
    fn name(&self) -> &str {
        &self.rust_name
    }
}

impl Named for crate::ir::UnionAccessor {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for TypeDef {
    fn name(&self) -> &str {
        &self.name
    }
}

/// A member on one side or both.
enum Paired<'a, T> {
    Added(&'a T),
    Both(&'a T, &'a T),
    Removed(&'a T),
}

/// Pairs the members of two lists by name: the newer list's members in its order
/// (added, or in both), then those only the older list has, in its order.
fn paired<'a, T: Named>(before: &'a [T], now: &'a [T]) -> Vec<Paired<'a, T>> {
    let old: BTreeMap<&str, &T> = before.iter().map(|m| (m.name(), m)).collect();
    let new: std::collections::BTreeSet<&str> = now.iter().map(Named::name).collect();
    now.iter()
        .map(|m| match old.get(m.name()) {
            Some(was) => Paired::Both(*was, m),
            None => Paired::Added(m),
        })
        .chain(
            before
                .iter()
                .filter(|m| !new.contains(m.name()))
                .map(Paired::Removed),
        )
        .collect()
}

/// A member's own pointer, or its owner's when the model has none for it.
fn own_pointer<'a>(own: &'a str, owner: &'a str) -> &'a str {
    if own.is_empty() { owner } else { own }
}

fn auth(old: &Api, new: &Api, krate: &str, changes: &mut Vec<Change>) {
    let name = |kind: &AuthKind| format!("{kind:?}");
    let client = format!("{krate}::{}", new.meta.client_name);
    for scheme in &new.meta.auth.schemes {
        if !old.meta.auth.schemes.contains(scheme) {
            changes.push(change(
                ChangeKind::AuthSchemeAdded,
                false,
                "#/components/securitySchemes",
                client.clone(),
                format!("the client accepts {}", name(scheme)),
            ));
        }
    }
    for scheme in &old.meta.auth.schemes {
        if !new.meta.auth.schemes.contains(scheme) {
            changes.push(change(
                ChangeKind::AuthSchemeRemoved,
                true,
                "#/components/securitySchemes",
                client.clone(),
                format!("the client no longer accepts {}", name(scheme)),
            ));
        }
    }
}

/// One operation with the Rust path of its method.
struct Located<'a> {
    rust: String,
    operation: &'a Operation,
}

/// Every operation of the tree, by route (`GET /api/v1/files`), in tree order.
fn by_route(api: &Api) -> Vec<(String, Located<'_>)> {
    fn walk<'a>(
        resource: &'a Resource,
        modules: &mut Vec<&'a str>,
        krate: &str,
        out: &mut Vec<(String, Located<'a>)>,
    ) {
        let owner = if modules.is_empty() {
            format!("{krate}::{}", resource.type_name)
        } else {
            format!(
                "{krate}::resources::{}::{}",
                modules.join("::"),
                resource.type_name
            )
        };
        for operation in &resource.operations {
            out.push((
                route(operation),
                Located {
                    rust: format!("{owner}::{}", operation.method_name),
                    operation,
                },
            ));
        }
        for child in &resource.children {
            modules.push(&child.module);
            walk(child, modules, krate, out);
            modules.pop();
        }
    }
    let mut out = Vec::new();
    walk(&api.root, &mut Vec::new(), &api.meta.crate_ident, &mut out);
    out
}

fn route(operation: &Operation) -> String {
    format!("{} {}", operation.http_method, operation.path_template)
}

fn operations(old: &Api, new: &Api, krate: &str, changes: &mut Vec<Change>) {
    let old_ops = by_route(old);
    let new_ops = by_route(new);
    let old_index: BTreeMap<&str, &Located<'_>> =
        old_ops.iter().map(|(r, l)| (r.as_str(), l)).collect();
    let new_index: BTreeMap<&str, &Located<'_>> =
        new_ops.iter().map(|(r, l)| (r.as_str(), l)).collect();
    for (route, now) in &new_ops {
        let Some(before) = old_index.get(route.as_str()) else {
            changes.push(change(
                ChangeKind::OperationAdded,
                false,
                &now.operation.pointer,
                now.rust.clone(),
                format!("new method for `{route}`"),
            ));
            continue;
        };
        if before.rust != now.rust {
            changes.push(change(
                ChangeKind::OperationRenamed,
                true,
                &now.operation.pointer,
                now.rust.clone(),
                format!("`{route}` was `{}`", before.rust),
            ));
        }
        operation(before.operation, now.operation, &now.rust, krate, changes);
    }
    for (route, before) in &old_ops {
        if !new_index.contains_key(route.as_str()) {
            changes.push(change(
                ChangeKind::OperationRemoved,
                true,
                &before.operation.pointer,
                before.rust.clone(),
                format!("`{route}` is gone"),
            ));
        }
    }
}

/// The changes inside one operation present in both specs.
fn operation(before: &Operation, now: &Operation, rust: &str, krate: &str, out: &mut Vec<Change>) {
    let pointer = now.pointer.as_str();
    if now.deprecated && !before.deprecated {
        out.push(change(
            ChangeKind::OperationDeprecated,
            false,
            pointer,
            rust.to_owned(),
            "the method is now deprecated".to_owned(),
        ));
    }
    let arguments = |op: &Operation| -> Vec<String> {
        op.path_params
            .iter()
            .map(|p| format!("{}: {}", p.rust_name, type_text(&p.ty)))
            .chain(
                op.params
                    .iter()
                    .map(|params| format!("params: {}", params.name)),
            )
            .collect()
    };
    let (args_before, args_now) = (arguments(before), arguments(now));
    if args_before != args_now {
        out.push(change(
            ChangeKind::SignatureChanged,
            true,
            pointer,
            rust.to_owned(),
            format!(
                "arguments were ({}), now ({})",
                args_before.join(", "),
                args_now.join(", ")
            ),
        ));
    }
    // The parameters type's fields, when it kept its name (a rename is a signature
    // change above, and its new fields are the new type's).
    if let (Some(params_before), Some(params_now)) = (&before.params, &now.params)
        && params_before.name == params_now.name
    {
        let owner = format!("{krate}::types::{}", params_now.name);
        parameters(
            &params_before.fields,
            &params_now.fields,
            &owner,
            pointer,
            out,
        );
    }
    let body_kind = |op: &Operation| op.body.as_ref().map(|body| format!("{body:?}"));
    if body_kind(before) != body_kind(now) {
        out.push(change(
            ChangeKind::RequestBodyChanged,
            true,
            pointer,
            rust.to_owned(),
            format!(
                "the request body was {}, now {}",
                body_text(before),
                body_text(now)
            ),
        ));
    }
    let returns = |op: &Operation| {
        let paging = op.pagination.as_ref().map(|page| {
            format!(
                " paged by {} of {}",
                page_style(page),
                type_text(&page.item)
            )
        });
        format!(
            "{}{}{}",
            response_text(op),
            paging.unwrap_or_default(),
            op.stream_alternative
                .as_ref()
                .map(|ty| format!(" or a stream of {}", type_text(ty)))
                .unwrap_or_default()
        )
    };
    let (returned_before, returned_now) = (returns(before), returns(now));
    if returned_before != returned_now {
        out.push(change(
            ChangeKind::ResponseChanged,
            true,
            pointer,
            rust.to_owned(),
            format!("returned {returned_before}, now {returned_now}"),
        ));
    }
}

fn page_style(page: &crate::ir::Pagination) -> &'static str {
    match page.style {
        crate::ir::PageStyle::Cursor { .. } => "cursor",
        crate::ir::PageStyle::Offset { .. } => "offset",
        crate::ir::PageStyle::PageNumber { .. } => "page number",
        crate::ir::PageStyle::LinkHeader => "Link header",
        crate::ir::PageStyle::NextUrl { .. } => "next URL",
    }
}

fn body_text(op: &Operation) -> String {
    use crate::ir::RequestBody;
    match &op.body {
        None => "none".to_owned(),
        Some(RequestBody::JsonFields { .. }) => "JSON fields".to_owned(),
        Some(RequestBody::JsonValue { .. }) => "a JSON value".to_owned(),
        Some(RequestBody::Form) => "a form".to_owned(),
        Some(RequestBody::Multipart) => "multipart".to_owned(),
        Some(RequestBody::Binary { content_type, .. }) => format!("bytes ({content_type})"),
        Some(RequestBody::Text { content_type, .. }) => format!("text ({content_type})"),
    }
}

fn response_text(op: &Operation) -> String {
    use crate::ir::ResponseBody;
    // The per-method alias (`ChatCreateResponse`) is what users name; it is a named
    // type, so a change of what it stands for is that type's change.
    let named = |ty: &TypeRef| op.response_alias.clone().unwrap_or_else(|| type_text(ty));
    match &op.response {
        ResponseBody::Empty => "nothing".to_owned(),
        ResponseBody::Json(ty) => format!("JSON {}", named(ty)),
        ResponseBody::EventStream(ty) => format!("events of {}", type_text(ty)),
        ResponseBody::Bytes => "bytes".to_owned(),
        ResponseBody::Text => "text".to_owned(),
        ResponseBody::ByStatus(ty) => format!("by status {}", type_text(ty)),
    }
}

/// The fields of one parameters type, by Rust name.
fn parameters(before: &[Param], now: &[Param], owner: &str, pointer: &str, out: &mut Vec<Change>) {
    for pair in paired(before, now) {
        match pair {
            Paired::Added(param) => {
                // Required parameters are the arguments of the type's `new`.
                let required = param.presence == Presence::Required;
                out.push(change(
                    ChangeKind::ParameterAdded,
                    required,
                    own_pointer(&param.pointer, pointer),
                    format!("{owner}::{}", param.rust_name),
                    format!(
                        "new {} {} parameter `{}`",
                        if required { "required" } else { "optional" },
                        param.location.name(),
                        param.wire_name
                    ),
                ));
            }
            Paired::Both(old, param) => {
                let (was, is) = (presence_text(old), presence_text(param));
                if was != is {
                    out.push(change(
                        ChangeKind::ParameterChanged,
                        true,
                        own_pointer(&param.pointer, pointer),
                        format!("{owner}::{}", param.rust_name),
                        format!("`{}` was {was}, now {is}", param.wire_name),
                    ));
                }
            }
            // Where it was declared, in the older spec.
            Paired::Removed(param) => out.push(change(
                ChangeKind::ParameterRemoved,
                true,
                own_pointer(&param.pointer, pointer),
                format!("{owner}::{}", param.rust_name),
                format!(
                    "{} parameter `{}` is gone",
                    param.location.name(),
                    param.wire_name
                ),
            )),
        }
    }
}

fn presence_text(param: &Param) -> String {
    wrapped(&param.ty, param.presence)
}

/// A field's Rust type as the generated code spells it, presence included.
fn wrapped(ty: &TypeRef, presence: Presence) -> String {
    let inner = type_text(ty);
    match presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => format!("Option<{inner}>"),
        Presence::OptionalNullable => format!("Nullable<{inner}>"),
    }
}

/// A type reference as Rust text (`Vec<File>`).
#[must_use]
pub fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".to_owned(),
        TypeRef::Bool => "bool".to_owned(),
        TypeRef::I32 => "i32".to_owned(),
        TypeRef::I64 => "i64".to_owned(),
        TypeRef::U64 => "u64".to_owned(),
        TypeRef::Number => "Number".to_owned(),
        TypeRef::Json => "serde_json::Value".to_owned(),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Vec(inner) => format!("Vec<{}>", type_text(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", type_text(inner)),
        TypeRef::Option(inner) => format!("Option<{}>", type_text(inner)),
        TypeRef::Boxed(inner) => format!("Box<{}>", type_text(inner)),
        TypeRef::File => "FileUpload".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
    }
}

/// Named types, by Rust name: added, removed, and the changes inside those in both.
fn types(old: &Api, new: &Api, krate: &str, out: &mut Vec<Change>) {
    for pair in paired(&old.types, &new.types) {
        match pair {
            Paired::Added(now) => out.push(change(
                ChangeKind::TypeAdded,
                false,
                &now.pointer,
                format!("{krate}::types::{}", now.name),
                format!("new {}", kind_text(&now.kind)),
            )),
            Paired::Both(before, now) => {
                type_def(before, now, &format!("{krate}::types::{}", now.name), out);
            }
            Paired::Removed(before) => out.push(change(
                ChangeKind::TypeRemoved,
                true,
                &before.pointer,
                format!("{krate}::types::{}", before.name),
                format!("the {} is gone", kind_text(&before.kind)),
            )),
        }
    }
}

fn kind_text(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Struct(_) => "struct".to_owned(),
        TypeKind::StringEnum(_) => "enum".to_owned(),
        TypeKind::TaggedUnion { tag, .. } => format!("union tagged by `{tag}`"),
        TypeKind::UntaggedUnion(_) => "union".to_owned(),
        TypeKind::Alias(target) => format!("alias of {}", type_text(target)),
        TypeKind::StatusUnion(_) => "response by status".to_owned(),
    }
}

fn with_article(text: &str) -> String {
    let article = if text.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {text}")
}

fn type_def(before: &TypeDef, now: &TypeDef, rust: &str, out: &mut Vec<Change>) {
    let pointer = now.pointer.as_str();
    accessors(before, now, rust, out);
    match (&before.kind, &now.kind) {
        (TypeKind::Struct(old), TypeKind::Struct(new)) => {
            fields(&old.fields, &new.fields, rust, pointer, out);
            let extra = |extra: &ExtraFields| match extra {
                ExtraFields::Keep { field, value } => Some((
                    field.clone(),
                    format!("BTreeMap<String, {}>", type_text(value)),
                )),
                ExtraFields::Forbidden => None,
            };
            match (extra(&old.extra), extra(&new.extra)) {
                (Some((field, _)), None) => out.push(change(
                    ChangeKind::FieldRemoved,
                    true,
                    pointer,
                    format!("{rust}::{field}"),
                    "undeclared properties are no longer kept (`additionalProperties: false`)"
                        .to_owned(),
                )),
                (None, Some((field, _))) => out.push(change(
                    ChangeKind::FieldAdded,
                    false,
                    pointer,
                    format!("{rust}::{field}"),
                    "undeclared properties are now kept".to_owned(),
                )),
                (Some((field, was)), Some((_, is))) if was != is => out.push(change(
                    ChangeKind::FieldChanged,
                    true,
                    pointer,
                    format!("{rust}::{field}"),
                    format!("undeclared properties were {was}, now {is}"),
                )),
                _ => {}
            }
        }
        (TypeKind::StringEnum(old), TypeKind::StringEnum(new)) => {
            for pair in paired(old, new) {
                match pair {
                    Paired::Added(value) => out.push(change(
                        ChangeKind::EnumValueAdded,
                        false,
                        pointer,
                        format!("{rust}::{}", value.rust_name),
                        format!("new value `{}`", value.wire_value),
                    )),
                    Paired::Removed(value) => out.push(change(
                        ChangeKind::EnumValueRemoved,
                        true,
                        pointer,
                        format!("{rust}::{}", value.rust_name),
                        format!(
                            "value `{}` is gone (it now decodes as `Other`)",
                            value.wire_value
                        ),
                    )),
                    Paired::Both(..) => {}
                }
            }
        }
        (
            TypeKind::TaggedUnion {
                tag: old_tag,
                variants: old,
            },
            TypeKind::TaggedUnion {
                tag: new_tag,
                variants: new,
            },
        ) if old_tag == new_tag => variants(old, new, rust, pointer, out),
        (TypeKind::UntaggedUnion(old), TypeKind::UntaggedUnion(new)) => {
            variants(old, new, rust, pointer, out);
        }
        (TypeKind::Alias(old), TypeKind::Alias(new)) if old == new => {}
        (TypeKind::StatusUnion(old), TypeKind::StatusUnion(new)) => {
            let text = |v: &crate::ir::StatusVariant| {
                format!(
                    "{}({})",
                    v.rust_name,
                    v.ty.as_ref().map(type_text).unwrap_or_default()
                )
            };
            let (was, is): (Vec<String>, Vec<String>) = (
                old.iter().map(text).collect(),
                new.iter().map(text).collect(),
            );
            if was != is {
                out.push(change(
                    ChangeKind::TypeChanged,
                    true,
                    pointer,
                    rust.to_owned(),
                    format!("statuses were {}, now {}", was.join(", "), is.join(", ")),
                ));
            }
        }
        (old, new) => out.push(change(
            ChangeKind::TypeChanged,
            true,
            pointer,
            rust.to_owned(),
            format!(
                "was {}, now {}",
                with_article(&kind_text(old)),
                with_article(&kind_text(new))
            ),
        )),
    }
}

/// A union's read accessors, by name.
fn accessors(before: &TypeDef, now: &TypeDef, owner: &str, out: &mut Vec<Change>) {
    for pair in paired(&before.accessors, &now.accessors) {
        match pair {
            Paired::Added(accessor) => out.push(change(
                ChangeKind::AccessorAdded,
                false,
                &now.pointer,
                format!("{owner}::{}", accessor.name),
                format!("new accessor returning {}", type_text(&accessor.ty)),
            )),
            Paired::Both(old, accessor) if old.ty != accessor.ty => out.push(change(
                ChangeKind::AccessorChanged,
                true,
                &now.pointer,
                format!("{owner}::{}", accessor.name),
                format!(
                    "the accessor returned {}, now {}",
                    type_text(&old.ty),
                    type_text(&accessor.ty)
                ),
            )),
            Paired::Both(..) => {}
            Paired::Removed(accessor) => out.push(change(
                ChangeKind::AccessorRemoved,
                true,
                &before.pointer,
                format!("{owner}::{}", accessor.name),
                "the accessor is gone (no variant has the field any more)".to_owned(),
            )),
        }
    }
}

fn fields(before: &[Field], now: &[Field], owner: &str, pointer: &str, out: &mut Vec<Change>) {
    // What a caller writes: the field's type, and whether `new` asks for it
    // (required, not a fixed tag).
    let in_new = |f: &Field| f.presence == Presence::Required && f.fixed().is_none();
    for pair in paired(before, now) {
        match pair {
            Paired::Added(field) => out.push(change(
                ChangeKind::FieldAdded,
                in_new(field),
                own_pointer(&field.pointer(), pointer),
                format!("{owner}::{}", field.rust_name),
                format!(
                    "new {} field `{}`",
                    if in_new(field) {
                        "required"
                    } else {
                        "optional"
                    },
                    field.wire_name
                ),
            )),
            Paired::Both(old, field) => {
                let (was, is) = (
                    wrapped(&old.ty, old.presence),
                    wrapped(&field.ty, field.presence),
                );
                if was != is || in_new(old) != in_new(field) {
                    out.push(change(
                        ChangeKind::FieldChanged,
                        true,
                        own_pointer(&field.pointer(), pointer),
                        format!("{owner}::{}", field.rust_name),
                        format!("`{}` was {was}, now {is}", field.wire_name),
                    ));
                }
            }
            Paired::Removed(field) => out.push(change(
                ChangeKind::FieldRemoved,
                true,
                own_pointer(&field.pointer(), pointer),
                format!("{owner}::{}", field.rust_name),
                format!("field `{}` is gone", field.wire_name),
            )),
        }
    }
}

fn variants(
    before: &[UnionVariant],
    now: &[UnionVariant],
    owner: &str,
    pointer: &str,
    out: &mut Vec<Change>,
) {
    for pair in paired(before, now) {
        match pair {
            Paired::Added(variant) => out.push(change(
                ChangeKind::VariantAdded,
                false,
                pointer,
                format!("{owner}::{}", variant.rust_name),
                format!("new variant of {}", type_text(&variant.ty)),
            )),
            Paired::Both(old, variant) if old.ty != variant.ty => out.push(change(
                ChangeKind::VariantChanged,
                true,
                pointer,
                format!("{owner}::{}", variant.rust_name),
                format!(
                    "the variant held {}, now {}",
                    type_text(&old.ty),
                    type_text(&variant.ty)
                ),
            )),
            Paired::Both(..) => {}
            Paired::Removed(variant) => out.push(change(
                ChangeKind::VariantRemoved,
                true,
                pointer,
                format!("{owner}::{}", variant.rust_name),
                format!("the variant of {} is gone", type_text(&variant.ty)),
            )),
        }
    }
}
