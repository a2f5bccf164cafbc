//! Stage 2, meta and auth: crate-level facts and the auth schemes.
//!
//! Input: the document's info, servers and security schemes, and the config.
//! Output: [`Meta`] (names, version, base URL, environment variables, README
//! sections) and each operation's auth schemes.

use openapi_compact::ReferenceOr;

use super::SpecOp;
use super::names;
use crate::config::{AuthScheme, Config};
use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_token};
use crate::ir::{Auth, AuthKind, Meta, Resource};
use crate::load::LoadedSpec;

/// A config table of test dependencies as the model lists them, in config order.
fn pairs(map: &indexmap::IndexMap<String, Vec<String>>) -> Vec<(String, Vec<String>)> {
    map.iter()
        .map(|(name, features)| (name.clone(), features.clone()))
        .collect()
}

pub(super) fn lower_meta(
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
        test_dependencies: pairs(&config.package.test_dependencies),
        cli_test_dependencies: pairs(&config.cli.test_dependencies),
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
pub(super) fn crate_name_from_title(title: &str) -> String {
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
pub(super) fn server_url(server: &openapi_compact::Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url
}

/// The credential schemes of a spec that the client can send, preferred first: those
/// the top-level `security` names, in its order, then the rest as declared.
pub(super) fn spec_auth_kinds(
    document: &openapi_compact::OpenAPI,
    diagnostics: &mut Diagnostics,
) -> Vec<AuthKind> {
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
                openapi_compact::SecurityScheme::HTTP { scheme, .. } => scheme.as_str(),
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
            openapi_compact::SecurityScheme::OAuth2 { .. }
                | openapi_compact::SecurityScheme::OpenIDConnect { .. }
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
pub(super) fn scheme_kind(scheme: &openapi_compact::SecurityScheme) -> Option<AuthKind> {
    Some(match scheme {
        openapi_compact::SecurityScheme::HTTP { scheme, .. }
            if scheme.eq_ignore_ascii_case("bearer") =>
        {
            AuthKind::Bearer
        }
        openapi_compact::SecurityScheme::HTTP { scheme, .. }
            if scheme.eq_ignore_ascii_case("basic") =>
        {
            AuthKind::Basic
        }
        openapi_compact::SecurityScheme::HTTP { .. } => return None,
        openapi_compact::SecurityScheme::APIKey { location, name, .. } => match location {
            openapi_compact::APIKeyLocation::Header => AuthKind::ApiKeyHeader(name.clone()),
            openapi_compact::APIKeyLocation::Query => AuthKind::ApiKeyQuery(name.clone()),
            openapi_compact::APIKeyLocation::Cookie => AuthKind::ApiKeyCookie(name.clone()),
        },
        openapi_compact::SecurityScheme::OAuth2 { .. }
        | openapi_compact::SecurityScheme::OpenIDConnect { .. } => AuthKind::Bearer,
    })
}

/// The schemes an operation's `security` (or the document's) accepts, in its order;
/// empty when it says nothing (the client then offers every scheme it knows).
pub(super) fn operation_auth_kinds(
    document: &openapi_compact::OpenAPI,
    op: &SpecOp<'_>,
) -> Vec<AuthKind> {
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
pub(super) fn narrow_operation_auth(
    resource: &mut Resource,
    client_schemes: &[AuthKind],
    fixed: bool,
) {
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
