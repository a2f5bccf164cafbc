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

pub mod example_check;
pub mod examples;
pub mod features;
pub mod grouping;
pub mod jobs;
pub mod names;
pub mod pagination;
pub mod type_modules;
pub mod types;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use indexmap::IndexMap;
use openapiv3::{
    MediaType, Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathItem,
    ReferenceOr, RequestBody as SpecRequestBody, Response, StatusCode,
};
use serde_json::Value;

use crate::config::{AuthScheme, Config, OperationSelection};
use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_token};
use crate::ir::{
    Api, Auth, AuthKind, ErrorBody, Meta, Operation, Param, ParamLocation, ParamsType, PathPart,
    Presence, QueryStyle, RequestBody, Resource, ResponseBody, SuccessAnswer, TypeDef, TypeKind,
    TypeRef,
};
use crate::load::{LoadedSpec, resolve};
use names::Namespace;
use types::{SchemaView, TypeLowerer};

/// One operation of the spec, with where it is.
struct SpecOp<'a> {
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
pub fn lower(
    spec: &LoadedSpec,
    config: &Config,
    spec_source: &str,
) -> Result<(Api, Diagnostics), Diagnostics> {
    let document = &spec.document;
    let operations = collect_operations(document);
    let mut diagnostics = Diagnostics::default();
    let mut lowerer = TypeLowerer::new(document, config);

    let mut root = Resource {
        accessor: String::new(),
        module: String::new(),
        type_name: config.client.name.clone(),
        path: String::new(),
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

    let (mut types, type_diagnostics) = lowerer.finish();
    keep_success_accessors(&root, &mut types);
    diagnostics.0.extend(type_diagnostics.0);
    let meta = lower_meta(spec, config, spec_source, &mut diagnostics);
    narrow_operation_auth(&mut root, &meta.auth.schemes, config.auth.scheme.is_some());
    name_sites(&mut root);
    let diagnostics = spec.locate(diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let features = features::assign(&root, &types, &error_bodies);
    let type_modules = type_modules::assign(&root, &types, &features);
    Ok((
        Api {
            meta,
            root,
            types,
            error_bodies,
            features,
            type_modules,
        },
        diagnostics,
    ))
}

/// Gives every operation its SDK-wide unique [`Operation::site_name`], in tree order
/// (a resource's own methods, then its children's), so the first keeps the plain
/// name.
fn name_sites(root: &mut Resource) {
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
        }
        for child in &mut resource.children {
            chain.push(names::bare(&child.accessor).to_owned());
            walk(child, chain, taken);
            chain.pop();
        }
    }
    walk(root, &mut Vec::new(), &mut BTreeSet::new());
}

fn lower_meta(
    spec: &LoadedSpec,
    config: &Config,
    spec_source: &str,
    diagnostics: &mut Diagnostics,
) -> Meta {
    let info = &spec.document.info;
    let base_url = config
        .client
        .base_url
        .clone()
        .or_else(|| spec.document.servers.first().map(server_url))
        .unwrap_or_else(|| "http://localhost".to_owned());
    let base_url = if base_url.starts_with('/') || !base_url.contains("://") {
        let absolute = format!("http://localhost/{}", base_url.trim_start_matches('/'));
        diagnostics.push(Diagnostic::warning(
            "#/servers/0/url",
            format!("the server URL `{base_url}` is relative; the default base URL is `{absolute}`, to be replaced with the builder's `base_url`"),
        ));
        absolute
    } else {
        base_url
    };
    let package_name = if config.package.name.is_empty() {
        crate_name_from_title(&info.title)
    } else {
        config.package.name.clone()
    };
    let env_prefix: String = package_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    let schemes = match config.auth.scheme {
        Some(AuthScheme::Bearer) => vec![AuthKind::Bearer],
        Some(AuthScheme::None) => Vec::new(),
        None => spec_auth_kinds(&spec.document, diagnostics),
    };
    let auth = Auth {
        schemes,
        key_env: if config.auth.env.is_empty() {
            vec![format!("{env_prefix}_API_KEY")]
        } else {
            config.auth.env.clone()
        },
        username_env: config
            .auth
            .username_env
            .clone()
            .unwrap_or_else(|| format!("{env_prefix}_USERNAME")),
        password_env: config
            .auth
            .password_env
            .clone()
            .unwrap_or_else(|| format!("{env_prefix}_PASSWORD")),
    };
    Meta {
        crate_ident: package_name.replace('-', "_"),
        package_name: package_name.clone(),
        version: config.package.version.clone(),
        description: config
            .package
            .description
            .clone()
            .unwrap_or_else(|| format!("Rust SDK for the {} API.", info.title)),
        license: config.package.license.clone(),
        title: info.title.clone(),
        api_version: info.version.clone(),
        api_description: info.description.clone(),
        client_name: config.client.name.clone(),
        product: config
            .client
            .product
            .clone()
            .unwrap_or_else(|| names::pascal_ident(&info.title, "Api")),
        base_url,
        base_url_env: Some(
            config
                .client
                .base_url_env
                .clone()
                .unwrap_or_else(|| format!("{env_prefix}_BASE_URL")),
        ),
        custom_headers_env: Some(
            config
                .client
                .custom_headers_env
                .clone()
                .unwrap_or_else(|| format!("{env_prefix}_CUSTOM_HEADERS")),
        ),
        log_env: Some(
            config
                .client
                .log_env
                .clone()
                .unwrap_or_else(|| format!("{env_prefix}_LOG")),
        ),
        auth,
        quickstart: config.readme.quickstart.clone(),
        handwritten_modules: config.package.handwritten.clone(),
        cli_package: config
            .cli
            .package
            .clone()
            .unwrap_or_else(|| format!("{package_name}-cli")),
        cli_binary: config
            .cli
            .binary
            .clone()
            .unwrap_or_else(|| package_name.replace('-', "")),
        spec_source: spec_source.to_owned(),
        spec_sha256: spec.sha256.clone(),
    }
}

/// A crate name from a spec title: kebab case, ASCII, starting with a letter.
fn crate_name_from_title(title: &str) -> String {
    let snake = names::bare(&names::snake_ident(title, "api")).to_owned();
    let kebab = snake.trim_matches('_').replace('_', "-");
    let name = if kebab.is_empty() {
        "openapi-client".to_owned()
    } else {
        kebab
    };
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("api-{name}")
    }
}

/// The server's URL with its variables replaced by their defaults.
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url
}

/// The credential schemes of a spec that the client can send, preferred first: those
/// the top-level `security` names, in its order, then the rest as declared.
fn spec_auth_kinds(document: &openapiv3::OpenAPI, diagnostics: &mut Diagnostics) -> Vec<AuthKind> {
    let Some(components) = &document.components else {
        return Vec::new();
    };
    let mut order: Vec<&str> = document
        .security
        .iter()
        .flatten()
        .flat_map(|requirement| requirement.keys().map(String::as_str))
        .collect();
    order.extend(components.security_schemes.keys().map(String::as_str));
    let mut kinds = Vec::new();
    for name in order {
        let Some(ReferenceOr::Item(scheme)) = components.security_schemes.get(name) else {
            continue;
        };
        let pointer = format!(
            "#/components/securitySchemes/{}",
            escape_pointer_token(name)
        );
        let Some(kind) = scheme_kind(scheme) else {
            let scheme = match scheme {
                openapiv3::SecurityScheme::HTTP { scheme, .. } => scheme.as_str(),
                _ => "",
            };
            diagnostics.push(Diagnostic::warning(
                pointer,
                format!("HTTP auth scheme `{scheme}` is not supported; the client sends no credential for it"),
            ));
            continue;
        };
        if matches!(
            scheme,
            openapiv3::SecurityScheme::OAuth2 { .. }
                | openapiv3::SecurityScheme::OpenIDConnect { .. }
        ) {
            diagnostics.push(Diagnostic::warning(
                pointer,
                "OAuth 2 and OpenID Connect flows are not run by the client; it sends a token you obtained as `Authorization: Bearer`",
            ));
        }
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
}

/// How the client sends a credential for a security scheme; `None` for HTTP schemes
/// other than bearer and basic.
fn scheme_kind(scheme: &openapiv3::SecurityScheme) -> Option<AuthKind> {
    Some(match scheme {
        openapiv3::SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
            AuthKind::Bearer
        }
        openapiv3::SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
            AuthKind::Basic
        }
        openapiv3::SecurityScheme::HTTP { .. } => return None,
        openapiv3::SecurityScheme::APIKey { location, name, .. } => match location {
            openapiv3::APIKeyLocation::Header => AuthKind::ApiKeyHeader(name.clone()),
            openapiv3::APIKeyLocation::Query => AuthKind::ApiKeyQuery(name.clone()),
            openapiv3::APIKeyLocation::Cookie => AuthKind::ApiKeyCookie(name.clone()),
        },
        openapiv3::SecurityScheme::OAuth2 { .. }
        | openapiv3::SecurityScheme::OpenIDConnect { .. } => AuthKind::Bearer,
    })
}

/// The schemes an operation's `security` (or the document's) accepts, in its order;
/// empty when it says nothing (the client then offers every scheme it knows).
fn operation_auth_kinds(document: &openapiv3::OpenAPI, op: &SpecOp<'_>) -> Vec<AuthKind> {
    let Some(requirements) = op
        .operation
        .security
        .as_ref()
        .or(document.security.as_ref())
    else {
        return Vec::new();
    };
    let schemes = document.components.as_ref().map(|c| &c.security_schemes);
    let mut kinds = Vec::new();
    for name in requirements
        .iter()
        .flat_map(|requirement| requirement.keys())
    {
        if let Some(ReferenceOr::Item(scheme)) = schemes.and_then(|s| s.get(name))
            && let Some(kind) = scheme_kind(scheme)
            && !kinds.contains(&kind)
        {
            kinds.push(kind);
        }
    }
    kinds
}

/// Keeps an operation's own scheme list only where it differs from the client's:
/// those operations are told which schemes they accept, the others use the
/// client's. A config that fixes the scheme overrides the spec everywhere.
fn narrow_operation_auth(resource: &mut Resource, client_schemes: &[AuthKind], fixed: bool) {
    for operation in &mut resource.operations {
        let Some(accepted) = operation.auth.take() else {
            continue;
        };
        let usable: Vec<AuthKind> = accepted
            .into_iter()
            .filter(|kind| client_schemes.contains(kind))
            .collect();
        let same = usable.len() == client_schemes.len();
        if !fixed && !usable.is_empty() && !same {
            operation.auth = Some(usable);
        }
    }
    for child in &mut resource.children {
        narrow_operation_auth(child, client_schemes, fixed);
    }
}

fn collect_operations(document: &openapiv3::OpenAPI) -> Vec<SpecOp<'_>> {
    let mut operations = Vec::new();
    for (path, item) in &document.paths.paths {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let candidates = [
            ("get", &item.get),
            ("put", &item.put),
            ("post", &item.post),
            ("delete", &item.delete),
            ("options", &item.options),
            ("head", &item.head),
            ("patch", &item.patch),
            ("trace", &item.trace),
        ];
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
        for (method, operation) in candidates {
            if let Some(operation) = operation {
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
    }
    operations
}

/// `a=1&b` → `[("a", "1"), ("b", "")]`, percent-decoded.
fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
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

/// The node at a dotted path, created (in order) as needed.
fn resource_node<'r>(root: &'r mut Resource, dotted: &str) -> &'r mut Resource {
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
            node.children.push(Resource {
                accessor,
                module,
                type_name: names::pascal_ident(segment, "Resource"),
                path,
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
fn configured_type_prefixes(config: &Config) -> BTreeMap<(String, String), String> {
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

fn fill_resource_docs(resource: &mut Resource) {
    if resource.doc.is_empty() && !resource.path.is_empty() {
        resource.doc = format!("Operations under `{}`.", resource.path);
    }
    for child in &mut resource.children {
        fill_resource_docs(child);
    }
}

/// Adds an operation to a resource, and its `_stream` twin when it has one.
fn push_operation(resource: &mut Resource, operation: Operation) {
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
fn names_in_use(resource: &Resource, taken: &mut BTreeMap<String, Namespace>) {
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

/// The written style of a query parameter; the default (`form`, exploded) needs no
/// annotation.
fn query_style(
    style: &openapiv3::QueryStyle,
    explode: Option<bool>,
    ty: &TypeRef,
    lowerer: &TypeLowerer<'_>,
) -> QueryStyle {
    let is_object = matches!(ty, TypeRef::Map(_)) || lowerer.is_struct(ty);
    match (
        style,
        explode.unwrap_or(matches!(style, openapiv3::QueryStyle::Form)),
    ) {
        (openapiv3::QueryStyle::Form, true) if is_object => QueryStyle::FormObject,
        (openapiv3::QueryStyle::Form, true) => QueryStyle::FormExploded,
        (openapiv3::QueryStyle::Form, false) => QueryStyle::Form,
        (openapiv3::QueryStyle::SpaceDelimited, _) => QueryStyle::SpaceDelimited,
        (openapiv3::QueryStyle::PipeDelimited, _) => QueryStyle::PipeDelimited,
        (openapiv3::QueryStyle::DeepObject, _) => QueryStyle::DeepObject,
    }
}

/// Parameter names the generated method body uses for itself.
const RESERVED_PARAM_NAMES: &[&str] = &[
    "params",
    "self",
    "client",
    "request",
    "options",
    "extra_fields",
    "form",
    "body",
];

fn lower_operation<'a>(
    op: &SpecOp<'a>,
    method_name: &str,
    params_name: &str,
    response_alias: Option<&str>,
    config: &Config,
    lowerer: &mut TypeLowerer<'a>,
) -> Operation {
    let mut path_params = Vec::new();
    let mut fields = Vec::new();
    let mut local_names = Namespace::with_reserved(RESERVED_PARAM_NAMES);
    // `new` and `default` would clash with the constructor and `Default::default`.
    let mut field_names = Namespace::with_reserved(&["extra_fields", "new", "default"]);

    for (parameter, pointer) in merged_parameters(op, lowerer) {
        let data = parameter.parameter_data_ref();
        let location_name = match parameter {
            Parameter::Query { .. } => "query",
            Parameter::Header { .. } => "header",
            Parameter::Path { .. } => "path",
            Parameter::Cookie { .. } => "cookie",
        };
        if config
            .skip_parameters
            .iter()
            .any(|skip| skip.name == data.name && skip.location == location_name)
        {
            continue;
        }
        let location = match parameter {
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Cookie { .. } => ParamLocation::Cookie,
        };
        let hint = format!("{params_name}{}", names::pascal_ident(&data.name, "Param"));
        let (ty, nullable) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                lowerer.type_of(schema.into(), &hint, &format!("{pointer}/schema"))
            }
            ParameterSchemaOrContent::Content(_) => (TypeRef::Json, false),
        };
        let spec_doc = data.description.clone().or_else(|| match &data.format {
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => {
                types::schema_doc(schema)
            }
            _ => None,
        });
        let doc = match spec_doc {
            Some(doc) if location != ParamLocation::Path => {
                format!(
                    "{doc}\n\nSent as the `{}` {location_name} parameter.",
                    data.name
                )
            }
            Some(doc) => doc,
            None => format!("The `{}` {location_name} parameter.", data.name),
        };
        let presence = Presence::of_parameter(location, data.required, nullable);
        let names = if location == ParamLocation::Path {
            &mut local_names
        } else {
            &mut field_names
        };
        let style = match parameter {
            Parameter::Query { style, .. } => query_style(style, data.explode, &ty, lowerer),
            _ => QueryStyle::FormExploded,
        };
        let param = Param {
            wire_name: data.name.clone(),
            rust_name: names.claim(&names::snake_ident(&data.name, "param")),
            location,
            ty,
            presence,
            style,
            doc,
            example: lowerer.examples().parameter(parameter, &pointer),
            pointer,
        };
        if location == ParamLocation::Path {
            path_params.push(param);
        } else {
            fields.push(param);
        }
    }

    let override_ = config
        .overrides
        .iter()
        .find(|o| matches_operation(&o.operation, op));
    let body = match override_.filter(|o| o.request_content_type.is_some()) {
        Some(override_) => override_body(
            op,
            override_,
            params_name,
            lowerer,
            &mut fields,
            &mut field_names,
        ),
        None => lower_body(op, params_name, lowerer, &mut fields, &mut field_names),
    };
    let base_name = params_name.strip_suffix("Params").unwrap_or(params_name);
    let mut stream_alternative = None;
    let mut accept = None;
    let response = lower_response(
        op,
        response_alias.unwrap_or(&format!("{base_name}Response")),
        override_,
        lowerer,
        &mut stream_alternative,
        &mut accept,
    );

    let alias = match (&response, response_alias) {
        (
            ResponseBody::Json(TypeRef::Named(name))
            | ResponseBody::EventStream(TypeRef::Named(name)),
            Some(alias),
        ) if name == alias => None,
        (ResponseBody::Json(ty) | ResponseBody::EventStream(ty), Some(alias)) => {
            let alias_name = lowerer.claim_type_name(alias);
            let what = if matches!(response, ResponseBody::EventStream(_)) {
                "One event of the stream returned by"
            } else {
                "The response of"
            };
            lowerer.add_def(TypeDef {
                name: alias_name.clone(),
                doc: format!("{what} `{} {}`.", op.method.to_uppercase(), op.path),
                pointer: format!("{}/responses", op.pointer),
                kind: TypeKind::Alias(ty.clone()),
                accessors: Vec::new(),
            });
            Some(alias_name)
        }
        _ => None,
    };

    let params = if fields.is_empty() {
        None
    } else {
        Some(ParamsType {
            name: lowerer.claim_type_name(params_name),
            doc: format!("Parameters of `{} {}`.", op.method.to_uppercase(), op.path),
            fields,
        })
    };

    reconcile_path_params(
        op,
        &mut path_params,
        &mut local_names,
        &mut lowerer.diagnostics,
    );
    let path = split_path(op.path, &path_params);
    let response_example_defects =
        if matches!(response, ResponseBody::EventStream(_) | ResponseBody::Empty) {
            Vec::new()
        } else {
            response_example_defects(op, lowerer)
        };
    if op.raw_path.contains('#') {
        lowerer.diagnostics.push(Diagnostic::warning(
            format!("#/paths/{}", escape_pointer_token(op.raw_path)),
            format!(
                "the path key `{}` holds a `#fragment`, which a client never sends; it is dropped",
                op.raw_path
            ),
        ));
    }
    Operation {
        method_name: method_name.to_owned(),
        http_method: op.method.to_uppercase(),
        path_template: op.path.to_owned(),
        path,
        operation_id: op.operation.operation_id.clone(),
        doc: operation_doc(op),
        deprecated: op.operation.deprecated,
        successor: None,
        no_auth: op
            .operation
            .security
            .as_ref()
            .is_some_and(|alternatives| alternatives.iter().all(indexmap::IndexMap::is_empty)),
        path_params,
        params,
        body,
        body_from_config: override_.is_some_and(|o| o.request_content_type.is_some()),
        fixed_query: op.fixed_query.clone(),
        response,
        response_alias: alias,
        pagination: None,
        stream_alternative,
        accept,
        auth: {
            let kinds = operation_auth_kinds(lowerer.document(), op);
            (!kinds.is_empty()).then_some(kinds)
        },
        response_example_defects,
        success: match (declares(op, 2), declares(op, 3)) {
            (true, _) => SuccessAnswer::Response,
            (false, true) => SuccessAnswer::Redirect,
            (false, false) => SuccessAnswer::Nothing,
        },
        pointer: op.pointer.clone(),
        // Given once the tree is complete (`name_sites`).
        site_name: String::new(),
    }
}

/// The operation's first `2XX` response, the one a call decodes (and a mock serves).
fn success_response<'a>(op: &SpecOp<'a>) -> Option<(&'a StatusCode, &'a ReferenceOr<Response>)> {
    op.operation
        .responses
        .responses
        .iter()
        .find(|(status, _)| status_class(status) == 2)
}

/// Names the successor of each deprecated operation that has one: the route its
/// description names (``Deprecated: use `GET /files` ``), or else the same route
/// without its `/beta` segment, when that one is not deprecated.
fn name_successors(root: &mut Resource) {
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

/// Keeps union accessors only on the unions a successful answer reaches: those
/// are read, and the accessors are code every build compiles.
fn keep_success_accessors(root: &Resource, types: &mut [TypeDef]) {
    fn push_refs<'t>(ty: &'t TypeRef, pending: &mut Vec<&'t str>) {
        match ty {
            TypeRef::Named(name) => pending.push(name),
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Boxed(inner) => {
                push_refs(inner, pending);
            }
            _ => {}
        }
    }
    let mut pending: Vec<&str> = Vec::new();
    let mut stack = vec![root];
    let mut answers = Vec::new();
    while let Some(resource) = stack.pop() {
        stack.extend(resource.children.iter());
        for operation in &resource.operations {
            match &operation.response {
                ResponseBody::Json(ty)
                | ResponseBody::EventStream(ty)
                | ResponseBody::ByStatus(ty) => {
                    answers.push(ty.clone());
                }
                _ => {}
            }
            if let Some(pagination) = &operation.pagination {
                answers.push(pagination.item.clone());
            }
        }
    }
    for ty in &answers {
        push_refs(ty, &mut pending);
    }
    let index: BTreeMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(at, def)| (def.name.clone(), at))
        .collect();
    let mut reached = vec![false; types.len()];
    while let Some(name) = pending.pop() {
        let Some(&at) = index.get(name) else {
            continue;
        };
        if std::mem::replace(&mut reached[at], true) {
            continue;
        }
        let mut next = Vec::new();
        match &types[at].kind {
            TypeKind::Struct(def) => {
                for field in &def.fields {
                    push_refs(&field.ty, &mut next);
                }
            }
            TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
                for variant in variants {
                    push_refs(&variant.ty, &mut next);
                }
            }
            TypeKind::Alias(target) => push_refs(target, &mut next),
            TypeKind::StatusUnion(variants) => {
                for ty in variants.iter().filter_map(|variant| variant.ty.as_ref()) {
                    push_refs(ty, &mut next);
                }
            }
            TypeKind::StringEnum(_) => {}
        }
        // Named by `types` itself, which outlives the walk.
        pending.extend(
            next.into_iter()
                .filter_map(|name| index.get(name).map(|&at| types[at].name.as_str())),
        );
    }
    for (def, reached) in types.iter_mut().zip(reached) {
        if !reached {
            def.accessors.clear();
        }
    }
}

/// Whether the operation's success response declares a `Link` header (RFC 8288
/// paging, as GitHub's lists do).
fn declares_link(op: &SpecOp<'_>, lowerer: &TypeLowerer<'_>) -> bool {
    let components = lowerer_components(lowerer);
    success_response(op)
        .and_then(|(_, response)| {
            resolve::<Response>(response, "responses", components.map(|c| &c.responses))
        })
        .is_some_and(|(response, _)| {
            response
                .headers
                .keys()
                .any(|name| name.eq_ignore_ascii_case("link"))
        })
}

/// A status code's class (`2` for `201` and for `2XX`).
fn status_class(status: &StatusCode) -> u16 {
    match status {
        StatusCode::Code(code) => code / 100,
        StatusCode::Range(range) => *range,
    }
}

/// Whether the operation declares a response of this class (`2` for `2XX`); the
/// `default` response counts for none.
fn declares(op: &SpecOp<'_>, class: u16) -> bool {
    op.operation
        .responses
        .responses
        .keys()
        .any(|status| status_class(status) == class)
}

/// A media type's `examples` entries, resolved, each with the pointer of its value.
///
/// `value: null` reads as no value in the typed document, so an entry with neither a
/// value nor an external one is a `null` example (GitHub's, for its empty objects),
/// which is what a mock server serves for it.
fn media_examples(
    media: &MediaType,
    components: Option<&openapiv3::Components>,
    media_pointer: &str,
) -> Vec<(String, Value)> {
    let mut examples = Vec::new();
    for (name, example) in &media.examples {
        let resolved =
            resolve::<openapiv3::Example>(example, "examples", components.map(|c| &c.examples));
        if let Some((example, example_name)) = resolved
            && (example.value.is_some() || example.external_value.is_none())
        {
            let at = match example_name {
                Some(name) => format!("#/components/examples/{}", escape_pointer_token(name)),
                None => format!("{media_pointer}/examples/{}", escape_pointer_token(name)),
            };
            examples.push((
                format!("{at}/value"),
                example.value.clone().unwrap_or(Value::Null),
            ));
        }
    }
    examples
}

/// The examples of an operation's success JSON response that do not validate against
/// its schema, each `pointer: violation`, also pushed as warnings. These are what a
/// mock server (Prism) answers with: the response's first example; without one, a
/// value built from the schema's own nested examples, so those are checked then.
fn response_example_defects<'a>(op: &SpecOp<'a>, lowerer: &mut TypeLowerer<'a>) -> Vec<String> {
    let components = lowerer_components(lowerer);
    let Some((status, response)) = success_response(op) else {
        return Vec::new();
    };
    let Some((response, response_name)) =
        resolve::<Response>(response, "responses", components.map(|c| &c.responses))
    else {
        return Vec::new();
    };
    let pointer = match response_name {
        Some(name) => format!("#/components/responses/{}", escape_pointer_token(name)),
        None => format!("{}/responses/{status}", op.pointer),
    };
    let Some((media_type, media)) = json_media(&response.content) else {
        return Vec::new();
    };
    let Some(schema) = &media.schema else {
        return Vec::new();
    };
    let media_pointer = format!("{pointer}/content/{}", escape_pointer_token(media_type));
    let mut examples: Vec<(String, Value)> = Vec::new();
    if let Some(example) = &media.example {
        examples.push((format!("{media_pointer}/example"), example.clone()));
    }
    examples.extend(media_examples(media, components, &media_pointer));
    let check = lowerer.examples().check();
    let view = SchemaView::from(schema);
    let mut mock_limit = None;
    let defects: Vec<(String, String)> = if examples.is_empty() {
        let schema_at = format!("{media_pointer}/schema");
        if check.is_recursive(view) {
            // Not a spec defect but the mock's own limit, listed without a warning.
            mock_limit = Some(format!(
                "{schema_at}: the schema is recursive, and the mock cuts the example it builds from it short"
            ));
        }
        check.invalid_examples_within(view, &schema_at)
    } else {
        examples
            .into_iter()
            .filter_map(|(at, value)| match check.check(view, &value) {
                crate::lower::example_check::Verdict::Invalid(violation) => Some((at, violation)),
                _ => None,
            })
            .collect()
    };
    for (at, violation) in &defects {
        lowerer.diagnostics.push(Diagnostic::warning(
            at.clone(),
            format!("this response example does not match its schema: {violation}"),
        ));
    }
    defects
        .into_iter()
        .map(|(at, violation)| format!("{at}: {violation}"))
        .chain(mock_limit)
        .collect()
}

/// Whether a config's operation reference (`METHOD /path` or an `operationId`) names `op`.
fn matches_operation(reference: &str, op: &SpecOp<'_>) -> bool {
    reference == format!("{} {}", op.method.to_uppercase(), op.path)
        || reference == format!("{} {}", op.method.to_uppercase(), op.raw_path)
        || op.operation.operation_id.as_deref() == Some(reference)
}

fn used_or_all(used: &[bool], config: &Config) -> Vec<bool> {
    if config.operations == OperationSelection::All {
        vec![true; used.len()]
    } else {
        used.to_vec()
    }
}

/// The typed error bodies of the generated operations: each distinct (status, named
/// schema) pair among their 4xx/5xx JSON responses.
fn lower_error_bodies<'a>(
    operations: &[SpecOp<'a>],
    generated: &[bool],
    lowerer: &mut TypeLowerer<'a>,
) -> Vec<ErrorBody> {
    let components = lowerer_components(lowerer);
    let mut bodies: Vec<ErrorBody> = Vec::new();
    let mut accessors = Namespace::with_reserved(&["new", "body_text", "body_as"]);
    for (op, _) in operations
        .iter()
        .zip(generated)
        .filter(|(_, generated)| **generated)
    {
        for (status, response) in &op.operation.responses.responses {
            let StatusCode::Code(code) = status else {
                continue;
            };
            if *code < 400 {
                continue;
            }
            let Some((response, _)) =
                resolve::<Response>(response, "responses", components.map(|c| &c.responses))
            else {
                continue;
            };
            let Some((media_type, media)) = json_media(&response.content) else {
                continue;
            };
            let Some(ReferenceOr::Reference { .. }) = &media.schema else {
                continue;
            };
            let pointer = format!(
                "{}/responses/{code}/content/{}/schema",
                op.pointer,
                escape_pointer_token(media_type)
            );
            let Some(schema) = &media.schema else {
                continue;
            };
            let (ty, _) = lowerer.type_of(schema.into(), "ErrorBody", &pointer);
            let TypeRef::Named(name) = &ty else {
                continue;
            };
            if bodies
                .iter()
                .any(|body| body.status == *code && body.ty == ty)
            {
                continue;
            }
            let accessor = accessors.claim(&names::snake_ident(name, "error_body"));
            bodies.push(ErrorBody {
                status: *code,
                ty,
                accessor,
            });
        }
    }
    bodies
}

fn operation_doc(op: &SpecOp<'_>) -> String {
    let mut doc = String::new();
    if let Some(summary) = op
        .operation
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        doc.push_str(summary);
    }
    if let Some(description) = op
        .operation
        .description
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(description);
    }
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    let _ = write!(doc, "`{} {}`", op.method.to_uppercase(), op.path);
    doc
}

/// The operation's parameters, path-item ones first unless the operation overrides them.
fn merged_parameters<'a>(
    op: &SpecOp<'a>,
    lowerer: &mut TypeLowerer<'a>,
) -> Vec<(&'a Parameter, String)> {
    let components = lowerer_components(lowerer);
    let mut merged: IndexMap<(String, String), (&'a Parameter, String)> = IndexMap::new();
    let path_pointer = op
        .pointer
        .rsplit_once('/')
        .map_or(String::new(), |(p, _)| p.to_owned());
    let sources = [
        (&op.item.parameters, format!("{path_pointer}/parameters")),
        (
            &op.operation.parameters,
            format!("{}/parameters", op.pointer),
        ),
    ];
    for (list, base) in sources {
        for (index, parameter) in list.iter().enumerate() {
            let pointer = format!("{base}/{index}");
            match resolve(parameter, "parameters", components.map(|c| &c.parameters)) {
                Some((parameter, _)) => {
                    let data = parameter.parameter_data_ref();
                    let location = match parameter {
                        Parameter::Query { .. } => "query",
                        Parameter::Header { .. } => "header",
                        Parameter::Path { .. } => "path",
                        Parameter::Cookie { .. } => "cookie",
                    };
                    merged.insert(
                        (data.name.clone(), location.to_owned()),
                        (parameter, pointer),
                    );
                }
                None => lowerer.diagnostics.push(Diagnostic::error(
                    pointer,
                    "cannot resolve this parameter `$ref`",
                )),
            }
        }
    }
    merged.into_values().collect()
}

fn lowerer_components<'a>(lowerer: &TypeLowerer<'a>) -> Option<&'a openapiv3::Components> {
    lowerer.document().components.as_ref()
}

/// The JSON media type of a content map, if any (`application/json`, `*/*+json`).
fn json_media(content: &IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    content.iter().find(|(media_type, _)| {
        let essence = media_type.split(';').next().unwrap_or("").trim();
        essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
    })
}

/// How a body's media type is sent, in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum BodyKind {
    Json,
    Form,
    Multipart,
    Binary,
    Text,
}

fn media_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn body_kind(media_type: &str) -> BodyKind {
    let essence = media_essence(media_type);
    if essence == "application/json"
        || essence.ends_with("+json")
        || essence == "*/*"
        || essence == "text/json"
    {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if essence.starts_with("multipart/") {
        BodyKind::Multipart
    } else if essence.starts_with("text/")
        || essence.ends_with("+xml")
        || essence == "application/xml"
    {
        BodyKind::Text
    } else {
        BodyKind::Binary
    }
}

fn lower_body<'a>(
    op: &SpecOp<'a>,
    params_name: &str,
    lowerer: &mut TypeLowerer<'a>,
    fields: &mut Vec<Param>,
    field_names: &mut Namespace,
) -> Option<RequestBody> {
    let body = op.operation.request_body.as_ref()?;
    let components = lowerer_components(lowerer);
    let pointer = format!("{}/requestBody", op.pointer);
    let Some((body, _)) =
        resolve::<SpecRequestBody>(body, "requestBodies", components.map(|c| &c.request_bodies))
    else {
        lowerer.diagnostics.push(Diagnostic::error(
            pointer,
            "cannot resolve this request body `$ref`",
        ));
        return None;
    };
    // The preferred media type the spec offers (JSON first).
    let (media_type, media, kind) = body
        .content
        .iter()
        .map(|(media_type, media)| (media_type, media, body_kind(media_type)))
        .min_by_key(|(_, _, kind)| *kind)?;
    let schema_pointer = format!(
        "{pointer}/content/{}/schema",
        escape_pointer_token(media_type)
    );
    let hint = format!("{params_name}Body");
    let body_doc = body
        .description
        .clone()
        .unwrap_or_else(|| "The request body.".to_owned());
    let whole_presence = if body.required {
        Presence::Required
    } else {
        Presence::Optional
    };
    match kind {
        BodyKind::Binary | BodyKind::Text => {
            let rust_name = field_names.claim("body");
            fields.push(Param {
                wire_name: "body".to_owned(),
                rust_name: rust_name.clone(),
                location: ParamLocation::Body,
                ty: if kind == BodyKind::Binary {
                    TypeRef::Bytes
                } else {
                    TypeRef::String
                },
                presence: whole_presence,
                style: QueryStyle::FormExploded,
                doc: body_doc,
                example: Value::String("hello".to_owned()),
                pointer: schema_pointer.clone(),
            });
            let content_type = if media_essence(media_type).contains('*') {
                "application/octet-stream".to_owned()
            } else {
                media_type.clone()
            };
            return Some(if kind == BodyKind::Binary {
                RequestBody::Binary {
                    field: rust_name,
                    content_type,
                }
            } else {
                RequestBody::Text {
                    field: rust_name,
                    content_type,
                }
            });
        }
        BodyKind::Json | BodyKind::Form | BodyKind::Multipart => {}
    }
    let Some(schema) = media.schema.as_ref() else {
        if kind == BodyKind::Json {
            return None;
        }
        lowerer.diagnostics.push(Diagnostic::warning(
            schema_pointer,
            "a form body without a schema has no fields to send; the body is left out",
        ));
        return None;
    };
    let view: SchemaView<'a> = schema.into();
    let media_pointer = format!("{pointer}/content/{}", escape_pointer_token(media_type));
    let examples = media_examples(media, lowerer_components(lowerer), &media_pointer);
    let body_example =
        lowerer
            .examples()
            .media_body(view, media.example.as_ref(), &examples, &media_pointer);
    if let Some(properties) = lowerer.body_fields(view, &schema_pointer, &hint) {
        for field in properties {
            let ty = if kind == BodyKind::Multipart {
                lowerer.file_type(&field.ty, view, &schema_pointer, &field.wire_name)
            } else {
                field.ty
            };
            fields.push(Param {
                rust_name: field_names.claim(&field.rust_name),
                location: ParamLocation::Body,
                ty,
                presence: field.presence,
                style: QueryStyle::FormExploded,
                doc: field.doc,
                example: body_example
                    .get(&field.wire_name)
                    .cloned()
                    .unwrap_or(Value::Null),
                wire_name: field.wire_name,
                pointer: field.pointer,
            });
        }
        return Some(match kind {
            BodyKind::Form => RequestBody::Form,
            BodyKind::Multipart => RequestBody::Multipart,
            _ => RequestBody::JsonFields {
                required: body.required,
            },
        });
    }
    if kind != BodyKind::Json {
        // An object without properties (Stripe's `DELETE` bodies) is a form with no fields.
        if lowerer.is_empty_object(view, &schema_pointer) {
            return Some(if kind == BodyKind::Form {
                RequestBody::Form
            } else {
                RequestBody::Multipart
            });
        }
        lowerer.diagnostics.push(Diagnostic::warning(
            schema_pointer,
            "a form body whose schema is not an object has no fields to send; the body is left out",
        ));
        return None;
    }
    let (ty, nullable) = lowerer.type_of(view, &hint, &schema_pointer);
    let rust_name = field_names.claim("body");
    fields.push(Param {
        wire_name: "body".to_owned(),
        rust_name: rust_name.clone(),
        location: ParamLocation::Body,
        ty,
        presence: match (body.required, nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, _) => Presence::Optional,
        },
        style: QueryStyle::FormExploded,
        doc: body_doc,
        example: body_example,
        pointer: schema_pointer,
    });
    Some(RequestBody::JsonValue { field: rust_name })
}

/// A request body the config gives in place of the spec's (a spec gap: LlamaCloud's
/// `POST /api/v2/parse/upload` declares none, though the server takes a multipart
/// file and a JSON `configuration`).
fn override_body<'a>(
    op: &SpecOp<'a>,
    override_: &crate::config::OperationOverride,
    params_name: &str,
    lowerer: &mut TypeLowerer<'a>,
    fields: &mut Vec<Param>,
    field_names: &mut Namespace,
) -> Option<RequestBody> {
    let pointer = format!("{}/requestBody", op.pointer);
    if override_.request_content_type.as_deref() != Some("multipart/form-data") {
        lowerer.diagnostics.push(Diagnostic::error(
            pointer,
            "the config's `request_content_type` must be `multipart/form-data`, the one media type a body override supports",
        ));
        return None;
    }
    for (name, field) in &override_.request_fields {
        let ty = if field.file {
            TypeRef::File
        } else if let Some(schema) = &field.schema {
            let hint = format!("{params_name}{}", names::pascal_ident(name, "Field"));
            if let Some((ty, _)) = lowerer.type_at_pointer(schema, &hint) {
                ty
            } else {
                lowerer.diagnostics.push(Diagnostic::error(
                    pointer.clone(),
                    format!("the config's body field `{name}` names the schema `{schema}`, which the spec does not have"),
                ));
                TypeRef::Json
            }
        } else {
            TypeRef::String
        };
        fields.push(Param {
            wire_name: name.clone(),
            rust_name: field_names.claim(&names::snake_ident(name, "field")),
            location: ParamLocation::Body,
            example: match &field.schema {
                Some(schema) if !field.file => {
                    lowerer.examples().body(SchemaView::Ref(schema), schema)
                }
                _ => Value::Null,
            },
            ty,
            presence: if field.required {
                Presence::Required
            } else {
                Presence::Optional
            },
            style: QueryStyle::FormExploded,
            doc: field
                .doc
                .clone()
                .unwrap_or_else(|| format!("The `{name}` part of the multipart body.")),
            pointer: pointer.clone(),
        });
    }
    Some(RequestBody::Multipart)
}

/// The success response; when it offers both JSON and an event stream, JSON is the
/// response and the stream's event type goes to `stream_alternative`.
fn lower_response<'a>(
    op: &SpecOp<'a>,
    hint: &str,
    override_: Option<&crate::config::OperationOverride>,
    lowerer: &mut TypeLowerer<'a>,
    stream_alternative: &mut Option<TypeRef>,
    accept: &mut Option<String>,
) -> ResponseBody {
    let components = lowerer_components(lowerer);
    // A HEAD response has no body, whatever the spec declares for it.
    if op.method.eq_ignore_ascii_case("head") {
        return ResponseBody::Empty;
    }
    if let Some(override_) = override_ {
        let event_stream = override_.response_content_type.as_deref() == Some("text/event-stream");
        if let Some(schema_pointer) = &override_.response_schema {
            let Some((ty, _)) = lowerer.type_at_pointer(schema_pointer, hint) else {
                lowerer.diagnostics.push(Diagnostic::error(
                    op.pointer.clone(),
                    format!("the config's response override names schema `{schema_pointer}`, which the spec does not have"),
                ));
                return ResponseBody::Json(TypeRef::Json);
            };
            return if event_stream {
                ResponseBody::EventStream(ty)
            } else {
                ResponseBody::Json(ty)
            };
        }
        if event_stream {
            return ResponseBody::EventStream(TypeRef::Json);
        }
    }
    if let Some(union) = lower_status_union(op, hint, lowerer) {
        return union;
    }
    let Some((status, response)) = success_response(op) else {
        return ResponseBody::Empty;
    };
    let pointer = format!("{}/responses/{status}", op.pointer);
    let Some((response, _)) =
        resolve::<Response>(response, "responses", components.map(|c| &c.responses))
    else {
        lowerer.diagnostics.push(Diagnostic::error(
            pointer,
            "cannot resolve this response `$ref`",
        ));
        return ResponseBody::Empty;
    };
    if matches!(status, StatusCode::Code(204 | 205)) || response.content.is_empty() {
        return ResponseBody::Empty;
    }
    // JSON wins when a response offers both (the stream is then opt-in by a request flag).
    let event_stream = response.content.iter().find(|(media_type, _)| {
        media_type
            .split(';')
            .next()
            .is_some_and(|m| m.trim() == "text/event-stream")
    });
    if let Some((media_type, media)) = event_stream {
        let ty = match &media.schema {
            Some(schema) => {
                let schema_pointer = format!(
                    "{pointer}/content/{}/schema",
                    escape_pointer_token(media_type)
                );
                lowerer
                    .type_of(schema.into(), &format!("{hint}Event"), &schema_pointer)
                    .0
            }
            None => TypeRef::Json,
        };
        if json_media(&response.content).is_none() {
            return ResponseBody::EventStream(ty);
        }
        *stream_alternative = Some(ty);
    }
    let Some((media_type, media)) = json_media(&response.content) else {
        // No JSON: text as a `String`, anything else as raw bytes.
        let text = response
            .content
            .keys()
            .all(|media_type| body_kind(media_type) == BodyKind::Text);
        // Ask for what the spec says comes back (a server may refuse the JSON default);
        // only media types that are valid header text are kept.
        let offered: Vec<&str> = response
            .content
            .keys()
            .map(String::as_str)
            .filter(|media_type| {
                !media_type.is_empty()
                    && media_type
                        .bytes()
                        .all(|b| (b' '..=b'~').contains(&b) && b != b',')
            })
            .collect();
        if !offered.is_empty() {
            *accept = Some(offered.join(", "));
        }
        return if text {
            ResponseBody::Text
        } else {
            ResponseBody::Bytes
        };
    };
    // Ask for the media type the spec names (`application/jwk-set+json`, `*/*`): a
    // server, or the spec's mock, may refuse `application/json` for it.
    let essence = media_essence(media_type);
    if essence != "application/json"
        && media_type
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) && b != b',')
    {
        *accept = Some(media_type.clone());
    }
    let Some(schema) = &media.schema else {
        return ResponseBody::Json(TypeRef::Json);
    };
    let schema_pointer = format!(
        "{pointer}/content/{}/schema",
        escape_pointer_token(media_type)
    );
    let (ty, nullable) = lowerer.type_of(schema.into(), hint, &schema_pointer);
    // `*/*` says nothing of JSON: a string schema there is text, binary is bytes.
    if essence == "*/*" && ty == TypeRef::String {
        return if lowerer.is_binary_schema(schema.into(), &schema_pointer) {
            ResponseBody::Bytes
        } else {
            ResponseBody::Text
        };
    }
    ResponseBody::Json(if nullable {
        TypeRef::Option(Box::new(ty))
    } else {
        ty
    })
}

/// The `{name}` placeholders of a path template, in order.
fn template_params(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        names.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    names
}

/// Makes the path parameters match the template: a placeholder nobody declared
/// becomes a string parameter, a declared parameter the template lacks is dropped;
/// both with a warning, since the spec contradicts itself.
fn reconcile_path_params(
    op: &SpecOp<'_>,
    path_params: &mut Vec<Param>,
    local_names: &mut Namespace,
    diagnostics: &mut Diagnostics,
) {
    let placeholders = template_params(op.path);
    path_params.retain(|param| {
        let found = placeholders.contains(&param.wire_name.as_str());
        if !found {
            diagnostics.push(Diagnostic::warning(
                op.pointer.clone(),
                format!(
                    "path parameter `{}` does not appear in the path; it is left out",
                    param.wire_name
                ),
            ));
        }
        found
    });
    for placeholder in placeholders {
        if path_params
            .iter()
            .any(|param| param.wire_name == placeholder)
        {
            continue;
        }
        diagnostics.push(Diagnostic::warning(
            op.pointer.clone(),
            format!("the path has `{{{placeholder}}}` but declares no such parameter; it is taken as a string"),
        ));
        path_params.push(Param {
            wire_name: placeholder.to_owned(),
            rust_name: local_names.claim(&names::snake_ident(placeholder, "param")),
            location: ParamLocation::Path,
            ty: TypeRef::String,
            presence: Presence::Required,
            style: QueryStyle::FormExploded,
            doc: format!("The `{placeholder}` path parameter."),
            example: Value::String("string".to_owned()),
            pointer: op.pointer.clone(),
        });
    }
    // Positional arguments follow the template's order.
    let order = template_params(op.path);
    path_params.sort_by_key(|param| order.iter().position(|name| *name == param.wire_name));
}

/// When an operation declares several 2xx responses with different bodies (a JSON
/// type, another, or none), its response is an enum with a variant per status,
/// decoded by the status the server sends.
fn lower_status_union<'a>(
    op: &SpecOp<'a>,
    hint: &str,
    lowerer: &mut TypeLowerer<'a>,
) -> Option<ResponseBody> {
    let components = lowerer_components(lowerer);
    let successes: Vec<_> = op
        .operation
        .responses
        .responses
        .iter()
        .filter_map(|(status, response)| match status {
            StatusCode::Code(code) if (200..300).contains(code) => Some((code, response)),
            _ => None,
        })
        .collect();
    if successes.len() < 2 {
        return None;
    }
    let mut variants: Vec<(u16, Option<TypeRef>)> = Vec::new();
    for (code, response) in successes {
        let (response, _) =
            resolve::<Response>(response, "responses", components.map(|c| &c.responses))?;
        if response.content.is_empty() || *code == 204 {
            variants.push((*code, None));
            continue;
        }
        let (media_type, media) = json_media(&response.content)?;
        let schema = media.schema.as_ref()?;
        let pointer = format!(
            "{}/responses/{code}/content/{}/schema",
            op.pointer,
            escape_pointer_token(media_type)
        );
        let (ty, _) = lowerer.type_of(schema.into(), &format!("{hint}{code}"), &pointer);
        variants.push((*code, Some(ty)));
    }
    let first = variants.first()?.1.clone();
    if variants.len() < 2 || variants.iter().all(|(_, ty)| *ty == first) {
        return None;
    }
    let name = lowerer.claim_type_name(&names::pascal_ident(hint, "Response"));
    lowerer.add_def(TypeDef {
        name: name.clone(),
        doc: format!(
            "The response of `{} {}`, which depends on the status.",
            op.method.to_uppercase(),
            op.path
        ),
        pointer: format!("{}/responses", op.pointer),
        kind: TypeKind::StatusUnion(
            variants
                .into_iter()
                .map(|(status, ty)| crate::ir::StatusVariant {
                    status,
                    rust_name: format!("Status{status}"),
                    ty,
                })
                .collect(),
        ),
        accessors: Vec::new(),
    });
    Some(ResponseBody::ByStatus(TypeRef::Named(name)))
}

/// Splits `/api/v1/chat/{session_id}` into literal text and parameters.
fn split_path(template: &str, path_params: &[Param]) -> Vec<PathPart> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        let name = &rest[open + 1..open + close];
        match path_params.iter().find(|p| p.wire_name == name) {
            Some(param) => parts.push(PathPart::Param(param.rust_name.clone())),
            None => parts.push(PathPart::Literal(rest[open..=open + close].to_owned())),
        }
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    parts
}
