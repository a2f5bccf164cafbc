//! Stage 2, features: one cargo feature per top-level resource, and the types each
//! one compiles.
//!
//! Input: the lowered resource tree, the named types and the error bodies.
//! Output: [`Features`]: each top-level resource's feature name (its module name,
//! or `<module>-resource` where that would take a name the crate's own features
//! use), and for each type the features that reach it through an operation's
//! parameters, body, response, page items or event stream, followed through the
//! types' fields and variants. A type reached from the client's own methods or from
//! `ApiError`'s accessors is always compiled. A type no operation reaches (only a
//! merged twin's former part, see `lower::merge`: schemas nothing uses are not
//! lowered) is compiled with the features every type it names needs, the features
//! those share; one that names types of resources that share none is always
//! compiled, with all it reaches.

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
    let first_always = graph.reach(&roots);

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
            bits[ty * words + word] |= bit;
        }
        resources.push((child.module.clone(), feature));
    }
    let promoted = gate_unreached(&graph, &first_always, &mut bits, words);
    let always = if promoted.is_empty() {
        first_always
    } else {
        roots.extend(
            promoted
                .iter()
                .map(|&index| TypeRef::Named(types[index].name.clone())),
        );
        graph.reach(&roots)
    };
    for index in always.iter_ones() {
        bits[index * words..(index + 1) * words].fill(0);
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
        if no_feature(set) {
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

/// Gives each type no operation and no always-compiled type reaches (`bits` all
/// zero, not in `always`) the features its named types share, taken in an order
/// where a type comes after those it names. Returns the ones whose named types share
/// no feature: they must be always compiled.
fn gate_unreached(graph: &Graph<'_>, always: &Marks, bits: &mut [u64], words: usize) -> Vec<usize> {
    let count = graph.edges.len();
    let unreached: Vec<bool> = (0..count)
        .map(|index| !always.get(index) && no_feature(&bits[index * words..(index + 1) * words]))
        .collect();
    let mut promoted = Vec::new();
    let mut inside = vec![false; count];
    for component in super::graph::strongly_connected(&graph.edges) {
        if !unreached[component[0]] {
            continue;
        }
        for &member in &component {
            inside[member] = true;
        }
        // What every member's outside names need; `None`: nothing gated yet.
        let mut needed: Option<Vec<u64>> = None;
        for &member in &component {
            for &target in &graph.edges[member] {
                if always.get(target) || inside[target] {
                    continue;
                }
                let set = &bits[target * words..(target + 1) * words];
                if no_feature(set) {
                    // An unreached type that needs nothing.
                    continue;
                }
                match &mut needed {
                    Some(needed) => needed.iter_mut().zip(set).for_each(|(a, b)| *a &= b),
                    None => needed = Some(set.to_vec()),
                }
            }
        }
        for &member in &component {
            inside[member] = false;
        }
        match needed {
            None => {}
            Some(needed) if no_feature(&needed) => promoted.extend(component),
            Some(needed) => {
                for &member in &component {
                    bits[member * words..(member + 1) * words].copy_from_slice(&needed);
                }
            }
        }
    }
    promoted
}

/// Whether a type's bit set of features is empty.
fn no_feature(set: &[u64]) -> bool {
    set.iter().all(|word| *word == 0)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::plain_struct;

    fn object(name: &str, refs: &[&str]) -> TypeDef {
        let fields: Vec<(&str, TypeRef)> = refs
            .iter()
            .map(|target| (*target, TypeRef::Named((*target).to_owned())))
            .collect();
        plain_struct(name, "#/x", &fields)
    }

    #[test]
    fn an_unreached_type_takes_what_its_names_share_or_is_always_compiled() {
        // Sorted by name: NeedsA, NeedsBoth, X (features 0 and 1), Y (feature 1
        // only), Z (feature 0 only); nothing reaches the first two.
        let types = [
            object("NeedsA", &["X", "Z"]),
            object("NeedsBoth", &["Y", "Z"]),
            object("X", &[]),
            object("Y", &[]),
            object("Z", &[]),
        ];
        let graph = Graph::new(&types);
        let always = Marks(vec![false; types.len()]);
        let mut bits = vec![0, 0, 0b11, 0b10, 0b01];
        let promoted = gate_unreached(&graph, &always, &mut bits, 1);
        assert_eq!(bits[0], 0b01, "what X and Z share");
        assert_eq!(promoted, [1], "Y and Z share nothing");
    }
}
