//! Stage 2, features: one cargo feature per top-level resource, and the types each
//! one compiles.
//!
//! Input: the lowered resource tree, the named types and the error bodies.
//! Output: [`Features`]: each top-level resource's feature name (its module name,
//! or `<module>-resource` where that would take a name the crate's own features
//! use), and for each type the features that reach it through an operation's
//! parameters, body, response, page items or event stream, followed through the
//! types' fields and variants. A type reached from the client's own methods or from
//! `ApiError`'s accessors, or from nothing, is always compiled.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{
    ErrorBody, ExtraFields, Features, Operation, Resource, TypeDef, TypeKind, TypeRef,
};

/// Features the generated crate defines for itself: the names of
/// `emit::SDK_FEATURES`, which a test keeps equal to this list.
pub const CRATE_FEATURES: &[&str] = &[
    "default",
    "env-log",
    "blocking",
    "rustls",
    "rustls-ring",
    "native-tls",
    "rustls-no-provider",
];

/// Decides the features (see the module docs).
#[must_use]
pub fn assign(root: &Resource, types: &[TypeDef], error_bodies: &[ErrorBody]) -> Features {
    let by_name: BTreeMap<&str, &TypeDef> =
        types.iter().map(|def| (def.name.as_str(), def)).collect();
    // Types compiled whatever the features: the client's own methods' and the errors'.
    let mut always = BTreeSet::new();
    let mut roots = Vec::new();
    for operation in &root.operations {
        operation_types(operation, &mut roots);
    }
    roots.extend(error_bodies.iter().map(|body| body.ty.clone()));
    reach(&roots, &by_name, &mut always);

    let mut resources = Vec::new();
    let mut gates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for child in &root.children {
        let module = child.module.trim_start_matches("r#");
        let feature = if CRATE_FEATURES.contains(&module) {
            format!("{module}-resource")
        } else {
            module.to_owned()
        };
        let mut roots = Vec::new();
        let mut params = Vec::new();
        for operation in child.operations_within() {
            operation_types(operation, &mut roots);
            params.extend(operation.params.iter().map(|p| p.name.clone()));
        }
        let mut reached = BTreeSet::new();
        reach(&roots, &by_name, &mut reached);
        for name in reached.into_iter().chain(params) {
            if always.contains(&name) {
                continue;
            }
            let entry = gates.entry(name).or_default();
            if !entry.contains(&feature) {
                entry.push(feature.clone());
            }
        }
        resources.push((child.module.clone(), feature));
    }
    Features { resources, gates }
}

/// Every type an operation's signature names.
fn operation_types(operation: &Operation, out: &mut Vec<TypeRef>) {
    out.extend(operation.path_params.iter().map(|p| p.ty.clone()));
    if let Some(params) = &operation.params {
        out.extend(params.fields.iter().map(|p| p.ty.clone()));
    }
    match &operation.response {
        crate::ir::ResponseBody::Json(ty)
        | crate::ir::ResponseBody::EventStream(ty)
        | crate::ir::ResponseBody::ByStatus(ty) => out.push(ty.clone()),
        crate::ir::ResponseBody::Empty
        | crate::ir::ResponseBody::Bytes
        | crate::ir::ResponseBody::Text => {}
    }
    out.extend(operation.response_alias.iter().cloned().map(TypeRef::Named));
    out.extend(operation.pagination.iter().map(|p| p.item.clone()));
    out.extend(operation.stream_alternative.iter().cloned());
}

/// Adds the names of every type `roots` reach to `out`.
fn reach(roots: &[TypeRef], types: &BTreeMap<&str, &TypeDef>, out: &mut BTreeSet<String>) {
    let mut pending: Vec<&TypeRef> = roots.iter().collect();
    while let Some(ty) = pending.pop() {
        let name = match ty {
            TypeRef::Named(name) => name,
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Boxed(inner) => {
                pending.push(inner);
                continue;
            }
            _ => continue,
        };
        if !out.insert(name.clone()) {
            continue;
        }
        let Some(def) = types.get(name.as_str()) else {
            continue;
        };
        pending.extend(def.accessors.iter().map(|accessor| &accessor.ty));
        match &def.kind {
            TypeKind::Struct(fields) => {
                pending.extend(fields.fields.iter().map(|field| &field.ty));
                if let ExtraFields::Keep { value, .. } = &fields.extra {
                    pending.push(value);
                }
            }
            TypeKind::StringEnum(_) => {}
            TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
                pending.extend(variants.iter().map(|variant| &variant.ty));
            }
            TypeKind::Alias(target) => pending.push(target),
            TypeKind::StatusUnion(variants) => {
                pending.extend(variants.iter().filter_map(|variant| variant.ty.as_ref()));
            }
        }
    }
}
