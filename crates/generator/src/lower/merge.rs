//! Types that are the same but for their names become one type (issue 14: less code
//! per operation).
//!
//! Input: the lowered types by name, before the passes that see through aliases.
//! Output: the same map, where each inline type identical to another type in all but
//! its name, docs and pointer is `TypeKind::Alias` of that other type, its
//! canonical: a component schema if one is in the group, else the group's shortest
//! name (the first in name order among the shortest), usually the most general.
//!
//! Specs repeat inline schemas: Stripe writes the same `metadata`, `created` range
//! filter and `expand` form in hundreds of operations. Every repeat was a struct
//! with its derives, builder and serde impls; now each is one `pub type` line, so
//! every name a user can read in the docs still compiles, and the compiler sees each
//! shape once.
//!
//! "Identical" is decided on the lowered types, not on the spec's JSON, so two
//! schemas that lower differently (a request body's and a response's, say) are never
//! merged. A type refers to others by name, so the types are numbered from the
//! leaves up: in an order where every type comes after those it refers to (the
//! strongly connected components of the reference graph), each gets the number of
//! its shape (with its name, docs, pointers and references blanked, hashed) together
//! with the numbers of the types it refers to. Equal numbers mean equal types, unless
//! two hashes collide; so before a type becomes an alias, its shape is compared with
//! `==` against the canonical's (references mapped to their numbers). One pass, no
//! copy of a shape is kept, so big specs stay linear in time and memory.
//!
//! Types that refer to themselves, directly or through others (Stripe's components
//! form one cycle of hundreds, with their inline parts), are numbered a cycle at a
//! time by refining a partition, at most 64 rounds, so twins inside one cycle are
//! merged too.
//!
//! Component schemas keep their definitions: each is a name the spec gives, and a
//! user may implement a trait of theirs for two of them.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash as _, Hasher as _};

use super::graph::strongly_connected;
use crate::ir::{ExtraFields, TypeDef, TypeKind, TypeRef};

/// Makes each inline type identical to another an alias of its group's canonical.
pub fn merge_identical(defs: &mut BTreeMap<String, TypeDef>) {
    let names: Vec<&String> = defs.keys().collect();
    let index: HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(at, name)| (name.as_str(), at))
        .collect();
    // Each type's shape, hashed, and the types it refers to in the order the shape
    // holds them (`None`: not in this model).
    let mut shapes = Vec::with_capacity(names.len());
    let mut refs_of: Vec<Vec<Option<usize>>> = Vec::with_capacity(names.len());
    for def in defs.values() {
        let mut refs = Vec::new();
        let shape = blanked(def, &mut |name| {
            refs.push(index.get(name).copied());
            String::new()
        });
        shapes.push(shape_hash(&shape));
        refs_of.push(refs);
    }
    let numbers = number_types(&shapes, &refs_of);

    let mut members: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (at, number) in numbers.iter().enumerate() {
        members.entry(*number).or_default().push(at);
    }
    let is_component = |at: usize| is_component_pointer(&defs[names[at]].pointer);
    let mut merges: Vec<(String, String)> = Vec::new();
    for list in members.values().filter(|list| list.len() > 1) {
        // `list` is in name order; a component, if any, is preferred, then the
        // shortest name.
        let canonical = list
            .iter()
            .copied()
            .min_by_key(|at| (!is_component(*at), names[*at].len()))
            .unwrap_or(list[0]);
        if !mergeable(&defs[names[canonical]]) {
            continue;
        }
        let key = |at: usize| {
            blanked(&defs[names[at]], &mut |name| {
                index
                    .get(name)
                    .map_or_else(|| name.to_owned(), |other| format!("#{}", numbers[*other]))
            })
        };
        let canonical_key = key(canonical);
        for &at in list {
            if at != canonical && !is_component(at) && key(at) == canonical_key {
                merges.push((names[at].clone(), names[canonical].clone()));
            }
        }
    }
    for (alias, canonical) in merges {
        if let Some(def) = defs.get_mut(&alias) {
            def.kind = TypeKind::Alias(TypeRef::Named(canonical));
            def.accessors.clear();
        }
    }
}

/// Numbers each type by its shape and the numbers of the types it refers to, leaves
/// first. The types of a reference cycle are numbered together (see
/// [`number_cycle`]).
fn number_types(shapes: &[u128], refs_of: &[Vec<Option<usize>>]) -> Vec<u32> {
    let edges: Vec<Vec<usize>> = refs_of
        .iter()
        .map(|refs| refs.iter().flatten().copied().collect())
        .collect();
    let mut numbers = vec![u32::MAX; shapes.len()];
    let mut interned: HashMap<(u128, Vec<u32>), u32> = HashMap::new();
    let mut next: u32 = 0;
    for component in strongly_connected(&edges) {
        if let [only] = component.as_slice()
            && !edges[*only].contains(only)
        {
            let key = (
                shapes[*only],
                refs_of[*only]
                    .iter()
                    .map(|target| target.map_or(u32::MAX, |other| numbers[other]))
                    .collect(),
            );
            numbers[*only] = *interned.entry(key).or_insert_with(|| {
                next += 1;
                next - 1
            });
        } else {
            number_cycle(&component, shapes, refs_of, &mut numbers, &mut next);
        }
    }
    numbers
}

/// The most rounds [`number_cycle`] refines a cycle's groups; a cycle that needs
/// more (a long ring of look-alikes) has each type numbered apart, so time stays
/// linear whatever the spec.
const MAX_ROUNDS: usize = 64;

/// Numbers the types of one reference cycle (`component`), whose outside references
/// are numbered already: they are grouped by shape and outside references, and each
/// group split by the groups its inside references fall in, until no group splits.
/// Two types left in one group unfold to the same infinite type, so they get one
/// number (numbers are not shared across cycles).
fn number_cycle(
    component: &[usize],
    shapes: &[u128],
    refs_of: &[Vec<Option<usize>>],
    numbers: &mut [u32],
    next: &mut u32,
) {
    let position: HashMap<usize, usize> = component
        .iter()
        .enumerate()
        .map(|(position, at)| (*at, position))
        .collect();
    let inside = u32::MAX - 1;
    let mut first: HashMap<(u128, Vec<u32>), u32> = HashMap::new();
    let mut groups: Vec<u32> = component
        .iter()
        .map(|&at| {
            let key = (
                shapes[at],
                refs_of[at]
                    .iter()
                    .map(|target| match target {
                        Some(other) if position.contains_key(other) => inside,
                        Some(other) => numbers[*other],
                        None => u32::MAX,
                    })
                    .collect(),
            );
            let id = u32::try_from(first.len()).unwrap_or(u32::MAX);
            *first.entry(key).or_insert(id)
        })
        .collect();
    let mut count = first.len();
    let mut stable = false;
    for _ in 0..MAX_ROUNDS {
        let mut split: HashMap<(u32, Vec<u32>), u32> = HashMap::new();
        let refined: Vec<u32> = component
            .iter()
            .zip(&groups)
            .map(|(&at, own)| {
                let key = (
                    *own,
                    refs_of[at]
                        .iter()
                        .filter_map(|target| position.get(&(*target)?))
                        .map(|inner| groups[*inner])
                        .collect(),
                );
                let id = u32::try_from(split.len()).unwrap_or(u32::MAX);
                *split.entry(key).or_insert(id)
            })
            .collect();
        groups = refined;
        if split.len() == count {
            stable = true;
            break;
        }
        count = split.len();
    }
    let mut global: HashMap<u32, u32> = HashMap::new();
    for (&at, group) in component.iter().zip(&groups) {
        let mut fresh = || {
            *next += 1;
            *next - 1
        };
        numbers[at] = if stable {
            *global.entry(*group).or_insert_with(fresh)
        } else {
            fresh()
        };
    }
}

/// A 128-bit hash of a shape's `Debug` text, written straight into the hasher.
fn shape_hash(shape: &TypeDef) -> u128 {
    struct Hashing(DefaultHasher, DefaultHasher);
    impl std::fmt::Write for Hashing {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            text.hash(&mut self.0);
            text.len().hash(&mut self.1);
            text.hash(&mut self.1);
            Ok(())
        }
    }
    let mut hashing = Hashing(DefaultHasher::new(), DefaultHasher::new());
    // Writing into a hasher cannot fail.
    let _ = std::fmt::Write::write_fmt(&mut hashing, format_args!("{shape:?}"));
    (u128::from(hashing.0.finish()) << 64) | u128::from(hashing.1.finish())
}

/// Whether a type of this kind may be merged with its twins.
fn mergeable(def: &TypeDef) -> bool {
    matches!(
        def.kind,
        TypeKind::Struct(_)
            | TypeKind::StringEnum(_)
            | TypeKind::TaggedUnion { .. }
            | TypeKind::UntaggedUnion(_)
    )
}

/// Whether `pointer` names a component schema itself (`#/components/schemas/Name`).
fn is_component_pointer(pointer: &str) -> bool {
    pointer
        .strip_prefix("#/components/schemas/")
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// `def` without what may differ between twins (its name, docs and pointers), each
/// reference to a named type replaced by what `name_of` gives for it.
fn blanked(def: &TypeDef, name_of: &mut dyn FnMut(&str) -> String) -> TypeDef {
    let mut shape = TypeDef {
        name: String::new(),
        doc: String::new(),
        pointer: String::new(),
        kind: def.kind.clone(),
        accessors: def.accessors.clone(),
    };
    let mut rename = |ty: &mut TypeRef| rename_refs(ty, name_of);
    match &mut shape.kind {
        TypeKind::Struct(fields) => {
            for field in &mut fields.fields {
                field.forget_pointer();
                rename(&mut field.ty);
            }
            if let ExtraFields::Keep { value, .. } = &mut fields.extra {
                rename(value);
            }
        }
        TypeKind::StringEnum(_) => {}
        TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
            for variant in variants {
                rename(&mut variant.ty);
            }
        }
        TypeKind::Alias(target) => rename(target),
        TypeKind::StatusUnion(variants) => {
            for ty in variants
                .iter_mut()
                .filter_map(|variant| variant.ty.as_mut())
            {
                rename(ty);
            }
        }
    }
    for accessor in &mut shape.accessors {
        rename(&mut accessor.ty);
    }
    shape
}

fn rename_refs(ty: &mut TypeRef, name_of: &mut dyn FnMut(&str) -> String) {
    match ty {
        TypeRef::Named(name) => *name = name_of(name),
        TypeRef::Vec(inner)
        | TypeRef::Map(inner)
        | TypeRef::Option(inner)
        | TypeRef::Boxed(inner) => {
            rename_refs(inner, name_of);
        }
        TypeRef::String
        | TypeRef::Bool
        | TypeRef::I32
        | TypeRef::I64
        | TypeRef::U64
        | TypeRef::Number
        | TypeRef::Json
        | TypeRef::File
        | TypeRef::Bytes => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::plain_struct;

    fn object(name: &str, pointer: &str, fields: &[(&str, TypeRef)]) -> (String, TypeDef) {
        (name.to_owned(), plain_struct(name, pointer, fields))
    }

    fn named(name: &str) -> TypeRef {
        TypeRef::Named(name.to_owned())
    }

    fn kind_of<'a>(defs: &'a BTreeMap<String, TypeDef>, name: &str) -> &'a TypeKind {
        &defs[name].kind
    }

    #[test]
    fn inline_twins_become_aliases_of_one_and_their_children_too() {
        let op = "#/paths/~1a/post/requestBody/content/application~1json/schema";
        let mut defs: BTreeMap<String, TypeDef> = [
            object("APostBody", op, &[("range", named("APostBodyRange"))]),
            object(
                "APostBodyRange",
                &format!("{op}/properties/range"),
                &[("gt", TypeRef::I64), ("lt", TypeRef::I64)],
            ),
            object(
                "BPostBody",
                "#/paths/~1b/post/x",
                &[("range", named("BPostBodyRange"))],
            ),
            object(
                "BPostBodyRange",
                "#/paths/~1b/post/x/properties/range",
                &[("gt", TypeRef::I64), ("lt", TypeRef::I64)],
            ),
            // The same fields but one type differs: not a twin.
            object(
                "CPostBodyRange",
                "#/paths/~1c/post/x/properties/range",
                &[("gt", TypeRef::I64), ("lt", TypeRef::String)],
            ),
        ]
        .into_iter()
        .collect();
        merge_identical(&mut defs);
        assert_eq!(
            kind_of(&defs, "BPostBody"),
            &TypeKind::Alias(named("APostBody"))
        );
        assert_eq!(
            kind_of(&defs, "BPostBodyRange"),
            &TypeKind::Alias(named("APostBodyRange"))
        );
        assert!(matches!(kind_of(&defs, "APostBody"), TypeKind::Struct(_)));
        assert!(matches!(
            kind_of(&defs, "CPostBodyRange"),
            TypeKind::Struct(_)
        ));
        assert_eq!(
            defs["BPostBody"].doc, "The BPostBody type.",
            "an alias keeps its docs"
        );
    }

    #[test]
    fn a_component_is_the_canonical_and_is_never_an_alias() {
        let mut defs: BTreeMap<String, TypeDef> = [
            object("AInline", "#/paths/~1a/get/x", &[("id", TypeRef::String)]),
            object(
                "Zed",
                "#/components/schemas/Zed",
                &[("id", TypeRef::String)],
            ),
            object(
                "Other",
                "#/components/schemas/Other",
                &[("id", TypeRef::String)],
            ),
        ]
        .into_iter()
        .collect();
        merge_identical(&mut defs);
        assert_eq!(
            kind_of(&defs, "AInline"),
            &TypeKind::Alias(named("Zed")),
            "the shortest component name"
        );
        assert!(matches!(kind_of(&defs, "Zed"), TypeKind::Struct(_)));
        assert!(matches!(kind_of(&defs, "Other"), TypeKind::Struct(_)));
    }

    #[test]
    fn twins_that_differ_only_deep_down_stay_apart() {
        let mut defs: BTreeMap<String, TypeDef> = [
            object("A", "#/paths/a", &[("x", named("AX"))]),
            object("AX", "#/paths/a/x", &[("y", named("AXY"))]),
            object("AXY", "#/paths/a/x/y", &[("z", TypeRef::Bool)]),
            object("B", "#/paths/b", &[("x", named("BX"))]),
            object("BX", "#/paths/b/x", &[("y", named("BXY"))]),
            object("BXY", "#/paths/b/x/y", &[("z", TypeRef::String)]),
        ]
        .into_iter()
        .collect();
        merge_identical(&mut defs);
        for name in ["A", "AX", "AXY", "B", "BX", "BXY"] {
            assert!(
                matches!(kind_of(&defs, name), TypeKind::Struct(_)),
                "{name}"
            );
        }
    }

    #[test]
    fn twins_inside_one_cycle_merge_and_separate_cycles_stay_apart() {
        let mut defs: BTreeMap<String, TypeDef> = [
            object(
                "ANode",
                "#/paths/a",
                &[("next", TypeRef::Vec(Box::new(named("ANode"))))],
            ),
            object(
                "BNode",
                "#/paths/b",
                &[("next", TypeRef::Vec(Box::new(named("BNode"))))],
            ),
            // Twins that refer to the same recursive type do merge.
            object("AHolder", "#/paths/c", &[("node", named("ANode"))]),
            object("BHolder", "#/paths/d", &[("node", named("ANode"))]),
        ]
        .into_iter()
        .collect();
        merge_identical(&mut defs);
        assert!(matches!(kind_of(&defs, "ANode"), TypeKind::Struct(_)));
        assert!(matches!(kind_of(&defs, "BNode"), TypeKind::Struct(_)));
        assert_eq!(
            kind_of(&defs, "BHolder"),
            &TypeKind::Alias(named("AHolder"))
        );
    }

    #[test]
    fn a_long_chain_is_numbered_in_one_pass() {
        // Each type holds the next; 20,000 deep, like the synthetic big specs.
        let depth = 20_000;
        let mut defs: BTreeMap<String, TypeDef> = BTreeMap::new();
        for side in ["A", "B"] {
            for at in 0..depth {
                let fields = if at + 1 < depth {
                    vec![("next", named(&format!("{side}{:05}", at + 1)))]
                } else {
                    vec![("end", TypeRef::Bool)]
                };
                let (name, def) = object(
                    &format!("{side}{at:05}"),
                    &format!("#/paths/{side}/{at}"),
                    &fields,
                );
                defs.insert(name, def);
            }
        }
        merge_identical(&mut defs);
        assert!(matches!(kind_of(&defs, "A00000"), TypeKind::Struct(_)));
        assert_eq!(kind_of(&defs, "B00000"), &TypeKind::Alias(named("A00000")));
        assert_eq!(kind_of(&defs, "B19999"), &TypeKind::Alias(named("A19999")));
    }
}
