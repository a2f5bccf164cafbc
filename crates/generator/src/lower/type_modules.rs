//! Stage 2, type modules: which module of `types/` holds each type, and how its
//! module is cut into parts.
//!
//! Input: the lowered resource tree, the named types and params types, and the
//! features ([`crate::ir::Features`]: which resources reach each type, in tree
//! order).
//! Output: [`TypeModule`]s. A type goes to the module of the first top-level
//! resource (in tree order) that reaches it, and a type no feature gates (reached
//! from the client itself, from `ApiError`, or from nothing) to the shared module.
//! Within a module, types that the same features compile form a part, so the
//! `#[cfg]` is written once for all of them instead of on every item; a part
//! bigger than [`TYPE_PART_LINES`] estimated lines is cut in two, so no generated
//! file is too big to review.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ir::{
    Features, ParamsType, Resource, TYPE_PART_LINES, TypeDef, TypeKind, TypeModule, TypePart,
};
use crate::lower::names;

/// Decides the modules (see the module docs). `types` is sorted by name.
#[must_use]
pub fn assign(root: &Resource, types: &[TypeDef], features: &Features) -> Vec<TypeModule> {
    let params = root.params_types();
    let mut sized: Vec<(&str, usize)> = types
        .iter()
        .map(|def| (def.name.as_str(), type_lines(def)))
        .chain(
            params
                .iter()
                .map(|params| (params.name.as_str(), params_lines(params))),
        )
        .collect();
    sized.sort_unstable();

    // By feature (the first that reaches the type), its types in name order.
    let mut by_feature: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    let mut shared = Vec::new();
    for (name, lines) in sized {
        match features.of_type(name).first() {
            Some(first) => by_feature.entry(first).or_default().push((name, lines)),
            None => shared.push((name, lines)),
        }
    }

    let mut modules = Vec::new();
    for (module, feature) in &features.resources {
        let Some(members) = by_feature.remove(feature.as_str()) else {
            continue;
        };
        let accessor = root
            .children
            .iter()
            .find(|child| child.module == *module)
            .map_or(module.as_str(), |child| names::bare(&child.accessor));
        let parts = parts(module, &members, features);
        modules.push(TypeModule {
            name: module.clone(),
            file: names::bare(module).to_owned(),
            features: union(&parts, features),
            doc: format!(
                "Types that `client.{accessor}()` reaches first: its methods' parameters, bodies and responses, and the types they hold.\n\nEach is also at `crate::types::` followed by its name."
            ),
            parts,
        });
    }
    if !shared.is_empty() {
        let name = shared_name(&features.resources);
        modules.push(TypeModule {
            file: name.clone(),
            features: Arc::from([]),
            parts: parts(&name, &shared, features),
            name,
            doc: "Types compiled whatever the features: the ones the client's own methods and `ApiError`'s accessors reach, and the ones no operation reaches.\n\nEach is also at `crate::types::` followed by its name.".to_owned(),
        });
    }
    modules
}

/// The features any of which compiles one of `parts`, in resource order; empty
/// when one part is always compiled.
fn union(parts: &[TypePart], features: &Features) -> Arc<[String]> {
    if parts.iter().any(|part| part.features.is_empty()) {
        return Arc::from([]);
    }
    if let [part] = parts {
        return Arc::clone(&part.features);
    }
    features
        .resources
        .iter()
        .map(|(_, feature)| feature)
        .filter(|feature| parts.iter().any(|part| part.features.contains(feature)))
        .cloned()
        .collect()
}

/// The shared module's name: `shared`, or the first of `shared_types`,
/// `shared_types_2` ... that no resource module takes.
fn shared_name(resources: &[(String, String)]) -> String {
    let taken = |name: &str| resources.iter().any(|(module, _)| module == name);
    let mut name = "shared".to_owned();
    let mut n = 1;
    while taken(&name) {
        name = if n == 1 {
            "shared_types".to_owned()
        } else {
            format!("shared_types_{n}")
        };
        n += 1;
    }
    name
}

/// Splits a module's types (in name order) into parts: one per set of features,
/// in order of first appearance, each cut where it would pass the line budget.
fn parts(module: &str, members: &[(&str, usize)], features: &Features) -> Vec<TypePart> {
    // (features, the types they compile with their sizes), in order of appearance.
    // Equal sets are one shared list in `features` (none: always compiled), so they
    // are told apart by address and each part shares its list rather than copying it.
    type Set<'n> = (Option<&'n Arc<[String]>>, Vec<(&'n str, usize)>);
    let mut sets: Vec<Set<'_>> = Vec::new();
    for &(name, lines) in members {
        let gate = features.set_of_type(name);
        match sets
            .iter_mut()
            .find(|(set, _)| set.map(Arc::as_ptr) == gate.map(Arc::as_ptr))
        {
            Some((_, list)) => list.push((name, lines)),
            None => sets.push((gate, vec![(name, lines)])),
        }
    }
    let mut parts = Vec::new();
    for (gate, list) in sets {
        let gate: Arc<[String]> = gate.map_or_else(|| Arc::from([]), Arc::clone);
        let mut current = Vec::new();
        let mut size = 0;
        for (name, lines) in list {
            if !current.is_empty() && size + lines > TYPE_PART_LINES {
                parts.push(TypePart {
                    name: String::new(),
                    doc: String::new(),
                    features: Arc::clone(&gate),
                    types: std::mem::take(&mut current),
                });
                size = 0;
            }
            current.push(name.to_owned());
            size += lines;
        }
        parts.push(TypePart {
            name: String::new(),
            doc: String::new(),
            features: gate,
            types: current,
        });
    }
    if parts.len() > 1 {
        let module = names::bare(module);
        for (index, part) in parts.iter_mut().enumerate() {
            let compiled = match &*part.features {
                [] => "always compiled".to_owned(),
                [one] => format!("compiled with the feature `{one}`"),
                many => format!(
                    "compiled with any of the features {}",
                    many.iter()
                        .map(|feature| format!("`{feature}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            part.name = format!("part_{}", index + 1);
            part.doc = format!("Part {} of `types::{module}`: types {compiled}.", index + 1);
        }
    }
    parts
}

/// Lines of a doc comment.
fn doc_lines(doc: &str) -> usize {
    doc.lines().count() + 1
}

/// The formatted lines a model type takes, estimated high: per field its doc, attribute,
/// declaration, constructor line and setters; per variant its declaration, arms,
/// constructor, `From` and accessors.
fn type_lines(def: &TypeDef) -> usize {
    let own = doc_lines(&def.doc) + 12 * def.accessors.len();
    own + match &def.kind {
        TypeKind::Struct(fields) => {
            30 + fields
                .fields
                .iter()
                .map(|field| 20 + doc_lines(&field.doc()))
                .sum::<usize>()
        }
        TypeKind::StringEnum(variants) => 80 + 6 * variants.len(),
        TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
            60 + 30 * variants.len()
        }
        TypeKind::Alias(_) => 3,
        TypeKind::StatusUnion(variants) => 30 + 8 * variants.len(),
    }
}

/// The formatted lines a params type takes, estimated high like [`type_lines`].
fn params_lines(params: &ParamsType) -> usize {
    40 + doc_lines(&params.doc)
        + params
            .fields
            .iter()
            .map(|field| 25 + doc_lines(&field.doc))
            .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_module_avoids_a_resource_named_shared() {
        let resources = |names: &[&str]| -> Vec<(String, String)> {
            names
                .iter()
                .map(|name| ((*name).to_owned(), (*name).to_owned()))
                .collect()
        };
        assert_eq!(shared_name(&resources(&["files"])), "shared");
        assert_eq!(shared_name(&resources(&["shared"])), "shared_types");
        assert_eq!(
            shared_name(&resources(&["shared", "shared_types"])),
            "shared_types_2"
        );
    }

    #[test]
    fn a_part_holds_one_set_of_features_and_is_cut_at_the_budget() {
        let mut features = Features {
            sets: vec![
                Arc::from(["x".to_owned()]),
                Arc::from(["x".to_owned(), "y".to_owned()]),
            ],
            ..Features::default()
        };
        for name in ["A", "B", "C"] {
            features.gates.insert(name.to_owned(), 0);
        }
        features.gates.insert("D".to_owned(), 1);
        let big = TYPE_PART_LINES / 2 + 1;
        let members = [("A", big), ("B", big), ("C", 10), ("D", 10)];
        let parts = parts("m", &members, &features);
        let listed: Vec<(Vec<String>, Vec<String>)> = parts
            .into_iter()
            .map(|part| (part.features.to_vec(), part.types))
            .collect();
        let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            listed,
            vec![
                (strings(&["x"]), strings(&["A"])),
                (strings(&["x"]), strings(&["B", "C"])),
                (strings(&["x", "y"]), strings(&["D"])),
            ]
        );
    }
}
