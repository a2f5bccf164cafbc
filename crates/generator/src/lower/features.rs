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

use std::collections::BTreeMap;

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
///
/// Linear in the size of the model for each resource: types are numbered, each
/// resource's walk marks the types it reaches in one bit of a per-type bit set, and
/// equal bit sets become one entry of [`Features::sets`]. No per-type list of
/// feature names is built, so a spec whose types all reach each other costs bits,
/// not strings.
#[must_use]
pub fn assign(root: &Resource, types: &[TypeDef], error_bodies: &[ErrorBody]) -> Features {
    let graph = Graph::new(types);
    // Types compiled whatever the features: the client's own methods' and the errors'.
    let mut roots = Vec::new();
    for operation in &root.operations {
        operation_types(operation, &mut roots);
    }
    roots.extend(error_bodies.iter().map(|body| body.ty.clone()));
    let always = graph.reach(&roots);

    let mut resources = Vec::new();
    // Names outside `types` (params types), numbered after them.
    let mut extra: BTreeMap<String, usize> = BTreeMap::new();
    let words = root.children.len().div_ceil(64);
    let mut bits: Vec<u64> = vec![0; types.len() * words];
    let mut extra_bits: Vec<u64> = Vec::new();
    for (index, child) in root.children.iter().enumerate() {
        let module = child.module.trim_start_matches("r#");
        let feature = if CRATE_FEATURES.contains(&module) {
            format!("{module}-resource")
        } else {
            module.to_owned()
        };
        let (word, bit) = (index / 64, 1u64 << (index % 64));
        let mut roots = Vec::new();
        for operation in child.operations_within() {
            operation_types(operation, &mut roots);
        }
        for params in child.params_types() {
            let next = extra.len();
            let at = *extra.entry(params.name.clone()).or_insert(next);
            if at == next {
                extra_bits.extend(std::iter::repeat_n(0, words));
            }
            extra_bits[at * words + word] |= bit;
        }
        for ty in graph.reach(&roots).iter_ones() {
            if !always.get(ty) {
                bits[ty * words + word] |= bit;
            }
        }
        resources.push((child.module.clone(), feature));
    }

    // Equal bit sets share one list of names.
    let mut sets: Vec<std::sync::Arc<[String]>> = Vec::new();
    let mut ids: std::collections::HashMap<&[u64], usize> = std::collections::HashMap::new();
    let mut gates = BTreeMap::new();
    let named = types
        .iter()
        .enumerate()
        .map(|(index, def)| (def.name.as_str(), &bits[index * words..(index + 1) * words]));
    let params = extra.iter().map(|(name, &index)| {
        (
            name.as_str(),
            &extra_bits[index * words..(index + 1) * words],
        )
    });
    for (name, set) in named.chain(params) {
        if set.iter().all(|word| *word == 0) {
            continue;
        }
        let id = *ids.entry(set).or_insert_with(|| {
            sets.push(
                resources
                    .iter()
                    .enumerate()
                    .filter(|(index, _)| set[index / 64] & (1 << (index % 64)) != 0)
                    .map(|(_, (_, feature))| feature.clone())
                    .collect(),
            );
            sets.len() - 1
        });
        gates.insert(name.to_owned(), id);
    }
    Features {
        resources,
        sets,
        gates,
    }
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

/// The named types by number (their index in the sorted `types`), and the ones each
/// names directly.
struct Graph<'t> {
    types: &'t [TypeDef],
    edges: Vec<Vec<usize>>,
}

/// A set of type numbers.
struct Marks(Vec<bool>);

impl Marks {
    fn get(&self, index: usize) -> bool {
        self.0.get(index).copied().unwrap_or(false)
    }

    fn iter_ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(index, on)| on.then_some(index))
    }
}

impl<'t> Graph<'t> {
    fn new(types: &'t [TypeDef]) -> Self {
        let mut graph = Self {
            types,
            edges: Vec::with_capacity(types.len()),
        };
        for def in types {
            let mut named = Vec::new();
            let mut pending: Vec<&TypeRef> = def.accessors.iter().map(|a| &a.ty).collect();
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
            for ty in pending {
                graph.named(ty, &mut named);
            }
            graph.edges.push(named);
        }
        graph
    }

    /// The numbers of the named types inside `ty`.
    fn named(&self, ty: &TypeRef, out: &mut Vec<usize>) {
        let mut pending = vec![ty];
        while let Some(ty) = pending.pop() {
            match ty {
                TypeRef::Named(name) => {
                    if let Ok(index) = self
                        .types
                        .binary_search_by(|def| def.name.as_str().cmp(name))
                    {
                        out.push(index);
                    }
                }
                TypeRef::Vec(inner)
                | TypeRef::Map(inner)
                | TypeRef::Option(inner)
                | TypeRef::Boxed(inner) => pending.push(inner),
                _ => {}
            }
        }
    }

    /// Every type `roots` reach.
    fn reach(&self, roots: &[TypeRef]) -> Marks {
        let mut marks = vec![false; self.types.len()];
        let mut pending = Vec::new();
        for root in roots {
            self.named(root, &mut pending);
        }
        while let Some(index) = pending.pop() {
            if std::mem::replace(&mut marks[index], true) {
                continue;
            }
            pending.extend(self.edges[index].iter().copied());
        }
        Marks(marks)
    }
}
