//! Stage 2, placement: where each operation sits in the resource tree, and the
//! names that must be unique across it.
//!
//! Input: the configured resource paths and the lowered operations.
//! Output: the [`Resource`] tree filled in (nodes, docs, methods in order), the
//! config's type-name prefixes, each operation's SDK-wide unique site name and the
//! job successors' names.

use std::collections::{BTreeMap, BTreeSet};

use super::names::Namespace;
use super::{grouping, names};
use crate::config::Config;
use crate::ir::{Operation, Resource, ResponseBody};

/// Gives every operation its SDK-wide unique [`Operation::site_name`], in tree order
/// (a resource's own methods, then its children's), so the first keeps the plain
/// name.
pub(super) fn name_sites(root: &mut Resource) {
    fn walk(resource: &mut Resource, chain: &mut Vec<String>, taken: &mut BTreeSet<String>) {
        for operation in &mut resource.operations {
            let base = chain
                .iter()
                .map(String::as_str)
                .chain([names::bare(&operation.method_name)])
                .collect::<Vec<_>>()
                .join("_");
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            operation.site_name = name;
            operation.log_name = chain
                .iter()
                .map(String::as_str)
                .chain([names::bare(&operation.method_name)])
                .collect::<Vec<_>>()
                .join(".");
        }
        for child in &mut resource.children {
            chain.push(names::bare(&child.accessor).to_owned());
            walk(child, chain, taken);
            chain.pop();
        }
    }
    walk(root, &mut Vec::new(), &mut BTreeSet::new());
}

/// The node at a dotted path, created (in order) as needed.
pub(super) fn resource_node<'r>(root: &'r mut Resource, dotted: &str) -> &'r mut Resource {
    let mut node = root;
    for segment in dotted.split('.').filter(|s| !s.is_empty()) {
        let accessor = names::snake_ident(segment, "resource");
        // A module `mod` would be written to the parent's own `mod.rs`.
        let module = if names::bare(&accessor) == "mod" {
            "mod_".to_owned()
        } else {
            accessor.clone()
        };
        let position = node
            .children
            .iter()
            .position(|child| child.module == module);
        let index = if let Some(index) = position {
            index
        } else {
            let path = if node.path.is_empty() {
                segment.to_owned()
            } else {
                format!("{}.{segment}", node.path)
            };
            let reach = format!("{}.{accessor}()", node.reach);
            node.children.push(Resource {
                accessor,
                module,
                type_name: names::pascal_ident(segment, "Resource"),
                path,
                reach,
                doc: String::new(),
                children: Vec::new(),
                operations: Vec::new(),
                jobs: Vec::new(),
            });
            node.children.len() - 1
        };
        node = &mut node.children[index];
    }
    node
}

/// The type-name prefix of each configured method (keyed by resource path and
/// method name): the resource's last segment and the method (`ParsingCreate` for
/// `parsing.create`, `ChatCreate` for `beta.chat.create`), as the published SDKs
/// name their types. Where several methods would share a prefix (`files.list`,
/// `pipelines.files.list`), the one nearest the root keeps it and the others spell
/// their whole path (`PipelinesFilesList`); when none is nearest, all do.
pub(super) fn configured_type_prefixes(config: &Config) -> BTreeMap<(String, String), String> {
    let pascal = |segments: &[&str], method: &str| -> String {
        let mut name: String = segments
            .iter()
            .map(|segment| names::pascal_ident(segment, "Resource"))
            .collect();
        name.push_str(&names::pascal_ident(method, "Call"));
        name
    };
    let mut by_short: BTreeMap<String, Vec<(String, String, usize)>> = BTreeMap::new();
    for (resource_path, resource_config) in &config.resources {
        let segments: Vec<&str> = resource_path.split('.').collect();
        for method_name in resource_config.methods.keys() {
            let short = pascal(&segments[segments.len() - 1..], method_name);
            by_short.entry(short).or_default().push((
                resource_path.clone(),
                method_name.clone(),
                segments.len(),
            ));
        }
    }
    let mut prefixes = BTreeMap::new();
    for (short, claimants) in by_short {
        let nearest = claimants.iter().map(|c| c.2).min().unwrap_or(0);
        let sole_nearest = claimants.iter().filter(|c| c.2 == nearest).count() == 1;
        for (resource_path, method_name, depth) in claimants {
            let name = if depth == nearest && sole_nearest {
                short.clone()
            } else {
                let segments: Vec<&str> = resource_path.split('.').collect();
                pascal(&segments, &method_name)
            };
            prefixes.insert((resource_path, method_name), name);
        }
    }
    prefixes
}

pub(super) fn fill_resource_docs(resource: &mut Resource) {
    if resource.doc.is_empty() && !resource.path.is_empty() {
        resource.doc = format!("Operations under `{}`.", resource.path);
    }
    for child in &mut resource.children {
        fill_resource_docs(child);
    }
}

/// Adds an operation to a resource, and its `_stream` twin when it has one.
pub(super) fn push_operation(resource: &mut Resource, operation: Operation) {
    let twin = operation.stream_alternative.clone().map(|event| {
        let taken = |name: &str| {
            resource.operations.iter().any(|op| op.method_name == name)
                || resource.children.iter().any(|child| child.accessor == name)
                || name == operation.method_name
        };
        let base = format!("{}_stream", names::bare(&operation.method_name));
        let bound = resource.operations.len() + resource.children.len() + 2;
        let method_name = (1..=bound)
            .map(|n| if n == 1 { base.clone() } else { format!("{base}_{n}") })
            .find(|name| !taken(name))
            .unwrap_or(base);
        Operation {
            method_name,
            doc: format!(
                "{}\n\nThe same operation with its response as a stream of Server-Sent Events; the request must ask for streaming (often a `stream: true` field).",
                operation.doc
            ),
            response: ResponseBody::EventStream(event),
            response_alias: None,
            pagination: None,
            stream_alternative: None,
            ..operation.clone()
        }
    });
    resource.operations.push(operation);
    if let Some(twin) = twin {
        resource.operations.push(twin);
    }
}

/// The names each resource already uses (configured methods, child accessors).
pub(super) fn names_in_use(resource: &Resource, taken: &mut BTreeMap<String, Namespace>) {
    let names = taken
        .entry(resource.path.clone())
        .or_insert_with(|| Namespace::with_reserved(grouping::RESERVED_METHODS));
    for operation in &resource.operations {
        names.claim(&operation.method_name);
    }
    for child in &resource.children {
        names.claim(&child.accessor);
    }
    for child in &resource.children {
        names_in_use(child, taken);
    }
}

/// Names the successor of each deprecated operation that has one: the route its
/// description names (``Deprecated: use `GET /files` ``), or else the same route
/// without its `/beta` segment, when that one is not deprecated.
pub(super) fn name_successors(root: &mut Resource) {
    // (method, path, deprecated, the call as a user writes it)
    fn routes(resource: &Resource, chain: &str, out: &mut Vec<(String, String, bool, String)>) {
        for op in &resource.operations {
            out.push((
                op.http_method.clone(),
                op.path_template.clone(),
                op.deprecated,
                format!("client{chain}.{}(..)", names::bare(&op.method_name)),
            ));
        }
        for child in &resource.children {
            routes(
                child,
                &format!("{chain}.{}()", names::bare(&child.accessor)),
                out,
            );
        }
    }
    fn named(doc: &str) -> Option<(String, String)> {
        let lower = doc.to_ascii_lowercase();
        let at = lower.find("use `")? + "use `".len();
        let end = at + doc[at..].find('`')?;
        let (method, path) = doc[at..end].split_once(' ')?;
        Some((method.to_ascii_uppercase(), path.trim().to_owned()))
    }
    fn assign(resource: &mut Resource, all: &[(String, String, bool, String)]) {
        for op in resource.operations.iter_mut().filter(|op| op.deprecated) {
            let live = |method: &str, path: &str| {
                all.iter()
                    .find(|(m, p, deprecated, _)| m == method && p == path && !deprecated)
                    .map(|route| route.3.clone())
            };
            let from_doc = named(&op.doc).and_then(|(method, path)| {
                // The nearest route ending with the named path (`/files` is
                // `/api/v1/beta/files` beside `/api/v1/beta/files/query`).
                all.iter()
                    .filter(|(m, p, deprecated, _)| {
                        *m == method && p.ends_with(&path) && !deprecated
                    })
                    .max_by_key(|(_, p, _, _)| {
                        p.chars()
                            .zip(op.path_template.chars())
                            .take_while(|(a, b)| a == b)
                            .count()
                    })
                    .map(|route| route.3.clone())
            });
            op.successor = from_doc.or_else(|| {
                op.path_template
                    .contains("/beta/")
                    .then(|| op.path_template.replacen("/beta/", "/", 1))
                    .and_then(|path| live(&op.http_method, &path))
            });
        }
        for child in &mut resource.children {
            assign(child, all);
        }
    }
    let mut all = Vec::new();
    routes(root, "", &mut all);
    assign(root, &all);
}
