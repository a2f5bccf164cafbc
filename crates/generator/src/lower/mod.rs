//! Stage 2, lower: loaded document + config → the intermediate model ([`crate::ir::Api`]).
//!
//! Input: a [`LoadedSpec`] and a [`Config`].
//! Output: an [`Api`] in which every name, type, module and doc is decided, or every
//! problem found, at once, each with its JSON pointer. Pure: no I/O.
//!
//! The order of work: collect the operations in spec order; place each in the resource
//! tree (the config's methods first, in config order); lower each operation's
//! parameters, body and response; the schemas they reach are lowered on the way by
//! [`types::TypeLowerer`].
//!
//! This module is the driver (the order above, and the operations collected from the
//! document). The work is in one module each: `meta` (crate facts and auth),
//! `placement` (the resource tree and its unique names), `operation` (one operation
//! and its parameters), `body` and `response`; then [`features`] and
//! [`type_modules`] decide what each cargo feature compiles and where each type goes,
//! [`cli`] decides the command-line tool's commands and flags, and [`roundtrip`] the
//! round-trip tests' samples and layout.

pub mod cli;
pub mod example_check;
pub mod examples;
pub mod features;
pub mod graph;
pub mod grouping;
pub mod jobs;
pub mod merge;
pub mod names;
pub mod pagination;
pub mod roundtrip;
pub mod type_modules;
pub mod types;

mod body;
mod meta;
mod operation;
mod placement;
mod response;

use std::collections::BTreeMap;

use openapi_compact::{Operation as SpecOperation, PathItem, ReferenceOr};

use crate::config::{Config, OperationSelection};
use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_token};
use crate::ir::{Api, Resource};
use crate::load::LoadedSpec;
use meta::{lower_meta, narrow_operation_auth};
use operation::lower_operation;
use placement::{
    configured_type_prefixes, fill_resource_docs, name_sites, name_successors, names_in_use,
    push_operation, resource_node,
};
use response::{declares_link, keep_success_accessors, lower_error_bodies, matches_operation};
use types::TypeLowerer;

/// One operation of the spec, with where it is.
pub(super) struct SpecOp<'a> {
    method: &'static str,
    /// The path template, without any `?query` or `#fragment` its key carries.
    path: &'a str,
    /// The path key as the spec writes it (`/files/{id}?beta=true`).
    raw_path: &'a str,
    /// Query parameters fixed by the path key (`?beta=true`), sent with every call.
    fixed_query: Vec<(String, String)>,
    operation: &'a SpecOperation,
    item: &'a PathItem,
    pointer: String,
}

/// Lowers the document into the model.
///
/// The spec is taken by value: once every operation and the types they reach are
/// lowered, the typed document is dropped, before the passes that read only the
/// model (features, type modules, the command-line tool, the round-trip tests), so
/// the two are not both whole in memory at the end (issue 11: peak memory on big
/// specs).
pub fn lower(
    spec: LoadedSpec,
    config: &Config,
    spec_source: &str,
) -> Result<(Api, Diagnostics), Diagnostics> {
    let source = spec.source;
    let (parts, mut diagnostics) = lower_document(&spec, config, spec_source);
    drop(spec);
    let DocumentParts {
        meta,
        meta_diagnostics,
        root,
        lowered,
        error_bodies,
    } = parts;
    let (mut types, type_diagnostics) = types::finish(lowered, !config.keep_twins);
    keep_success_accessors(&root, &mut types);
    diagnostics.0.extend(type_diagnostics.0);
    diagnostics.0.extend(meta_diagnostics.0);
    let diagnostics = crate::load::locate_in(source, diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let features = features::assign(&root, &types, &error_bodies);
    let type_modules = type_modules::assign(&root, &types, &features);
    let cli = cli::lower_cli(&root, &types, &meta.cli_binary);
    let round_trip = roundtrip::lower_round_trip(&types);
    Ok((
        Api {
            meta,
            root,
            types,
            error_bodies,
            features,
            type_modules,
            cli,
            round_trip,
        },
        diagnostics,
    ))
}

/// What [`lower_document`] decides from the typed document; the rest of the model is
/// decided from these alone.
struct DocumentParts {
    meta: crate::ir::Meta,
    /// What deciding `meta` found, reported after the types' problems.
    meta_diagnostics: Diagnostics,
    root: Resource,
    /// The types the operations reach, to be finished ([`types::finish`]) once the
    /// document is dropped: finishing needs a graph of them as big again.
    lowered: types::LoweredDefs,
    error_bodies: Vec<crate::ir::ErrorBody>,
}

/// The part of lowering that reads the typed document: the resource tree with its
/// operations, the types they reach, the crate's facts and auth; with every problem
/// found, not yet located.
fn lower_document(
    spec: &LoadedSpec,
    config: &Config,
    spec_source: &str,
) -> (DocumentParts, Diagnostics) {
    let document = &spec.document;
    let operations = collect_operations(document);
    let mut diagnostics = Diagnostics::default();
    let mut lowerer = TypeLowerer::new(document, config);

    let mut root = Resource {
        accessor: String::new(),
        module: String::new(),
        type_name: config.client.name.clone(),
        path: String::new(),
        reach: "client".to_owned(),
        doc: String::new(),
        children: Vec::new(),
        operations: Vec::new(),
        jobs: Vec::new(),
    };

    let mut used = vec![false; operations.len()];
    let prefixes = configured_type_prefixes(config);
    for (resource_path, resource_config) in &config.resources {
        let node = resource_node(&mut root, resource_path);
        if let Some(doc) = &resource_config.doc {
            node.doc.clone_from(doc);
        }
        for (method_name, method) in &resource_config.methods {
            let matching: Vec<usize> = operations
                .iter()
                .enumerate()
                .filter(|(_, op)| matches_operation(&method.operation, op))
                .map(|(index, _)| index)
                .collect();
            if matching.len() > 1 {
                // A repeated `operationId`: the config must say which one it means.
                diagnostics.push(Diagnostic::error(
                    "#/paths",
                    format!(
                        "config method `{resource_path}.{method_name}` names operation `{}`, which matches {} operations ({}); name it as `METHOD /path`",
                        method.operation,
                        matching.len(),
                        matching
                            .iter()
                            .map(|index| format!("{} {}", operations[*index].method.to_uppercase(), operations[*index].path))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
                continue;
            }
            let found = matching.first().copied();
            let Some(index) = found else {
                let message = format!(
                    "config method `{resource_path}.{method_name}` names operation `{}`, which the spec does not have",
                    method.operation
                );
                diagnostics.push(if config.older_spec {
                    Diagnostic::warning("#/paths", message)
                } else {
                    Diagnostic::error("#/paths", message)
                });
                continue;
            };
            used[index] = true;
            let method_ident = names::snake_ident(method_name, "call");
            let prefix = &prefixes[&(resource_path.clone(), method_name.clone())];
            let params_name = method
                .params
                .clone()
                .unwrap_or_else(|| format!("{prefix}Params"));
            // Named like the method, as the published SDKs name it
            // (`ParsingGetResponse`), even when it is a named schema.
            let response_name = method
                .response
                .clone()
                .unwrap_or_else(|| format!("{prefix}Response"));
            let mut operation = lower_operation(
                &operations[index],
                &method_ident,
                &params_name,
                Some(&response_name),
                config,
                &mut lowerer,
            );
            operation.pagination = match method.paginate.as_deref() {
                Some("none") => None,
                Some(style_name) => match config.pagination.get(style_name) {
                    Some(style) => pagination::configured(
                        &operation,
                        style_name,
                        style,
                        &lowerer,
                        &mut diagnostics,
                    ),
                    None => {
                        diagnostics.push(Diagnostic::error(
                            operation.pointer.clone(),
                            format!(
                                "pagination style `{style_name}` is not declared under [pagination]"
                            ),
                        ));
                        None
                    }
                },
                None => pagination::detect(
                    &operation,
                    declares_link(&operations[index], &lowerer),
                    &lowerer,
                ),
            };
            push_operation(resource_node(&mut root, resource_path), operation);
        }
    }
    if config.operations == OperationSelection::All {
        let pending: Vec<usize> = (0..operations.len())
            .filter(|index| !used[*index])
            .collect();
        let facts: Vec<grouping::OperationFacts<'_>> = pending
            .iter()
            .map(|index| {
                let op = &operations[*index];
                grouping::OperationFacts {
                    method: op.method,
                    path: op.path,
                    tags: &op.operation.tags,
                    operation_id: op.operation.operation_id.as_deref(),
                }
            })
            .collect();
        let resources = grouping::resource_paths(&facts);
        for resource in &resources {
            resource_node(&mut root, resource);
        }
        let mut taken = BTreeMap::new();
        names_in_use(&root, &mut taken);
        let methods = grouping::method_names(&facts, &resources, taken);
        for ((index, resource), method_ident) in pending.iter().zip(&resources).zip(&methods) {
            let prefix: String = if resource.is_empty() {
                config.client.name.clone()
            } else {
                resource
                    .split('.')
                    .map(|part| names::pascal_ident(part, "Resource"))
                    .collect()
            };
            let params_name = format!(
                "{prefix}{}Params",
                names::pascal_ident(names::bare(method_ident), "Call")
            );
            let mut operation = lower_operation(
                &operations[*index],
                method_ident,
                &params_name,
                None,
                config,
                &mut lowerer,
            );
            operation.pagination = pagination::detect(
                &operation,
                declares_link(&operations[*index], &lowerer),
                &lowerer,
            );
            push_operation(resource_node(&mut root, resource), operation);
        }
    }
    fill_resource_docs(&mut root);
    jobs::lower_jobs(&mut root, config, &lowerer, &mut diagnostics);
    name_successors(&mut root);
    let error_bodies = lower_error_bodies(&operations, &used_or_all(&used, config), &mut lowerer);

    let reached_types = lowerer.into_defs();
    let mut meta_diagnostics = Diagnostics::default();
    let meta = lower_meta(spec, config, spec_source, &mut meta_diagnostics);
    narrow_operation_auth(&mut root, &meta.auth.schemes, config.auth.scheme.is_some());
    name_sites(&mut root);
    (
        DocumentParts {
            meta,
            meta_diagnostics,
            root,
            lowered: reached_types,
            error_bodies,
        },
        diagnostics,
    )
}

pub(super) fn collect_operations(document: &openapi_compact::OpenAPI) -> Vec<SpecOp<'_>> {
    let mut operations = Vec::new();
    for (path, item) in &document.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        // A key such as `/files/{id}#get_shared_link` or `/a?beta=true`: the fragment
        // is dropped (a client never sends one), the query becomes fixed parameters.
        let template = path.split(['?', '#']).next().unwrap_or(path);
        let query = path
            .split('#')
            .next()
            .and_then(|before| before.split_once('?'))
            .map(|(_, query)| query)
            .unwrap_or_default();
        let fixed_query: Vec<(String, String)> = form_urlencoded_pairs(query);
        for (method, operation) in item.iter() {
            operations.push(SpecOp {
                method,
                path: template,
                raw_path: path,
                fixed_query: fixed_query.clone(),
                operation,
                item,
                pointer: format!("#/paths/{}/{method}", escape_pointer_token(path)),
            });
        }
    }
    operations
}

/// `a=1&b` → `[("a", "1"), ("b", "")]`, percent-decoded.
pub(super) fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                crate::load::percent_decode_pointer(name),
                crate::load::percent_decode_pointer(value),
            )
        })
        .collect()
}

pub(super) fn used_or_all(used: &[bool], config: &Config) -> Vec<bool> {
    if config.operations == OperationSelection::All {
        vec![true; used.len()]
    } else {
        used.to_vec()
    }
}
