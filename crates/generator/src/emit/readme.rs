//! The SDK crate's `README.md` (also its crate docs) and `src/lib.rs`.
//!
//! Input: the model.
//! Output: the two files' text, rendered from `templates/crate/`, with the
//! README's examples built from the model's first methods.

use std::fmt::Write as _;

use askama::Template;
use proc_macro2::Literal;

use super::format::header;
use super::tokens::ident;
use super::{ALLOWED_LINTS, EmitError, OperationSite, operation_sites, resources, tokens};
use crate::ir::{Api, Resource};

#[derive(Template)]
#[template(path = "crate/README.md", escape = "none")]
struct ReadmeTemplate<'a> {
    package: &'a str,
    version: &'a str,
    crate_ident: &'a str,
    /// Spec text, made one safe line ([`tokens::one_line`]).
    title: String,
    /// Spec text, made one safe line.
    api_version: String,
    description: String,
    client: &'a str,
    key_env: String,
    other_key_envs: String,
    /// Spec text, made one safe line, for prose.
    base_url: String,
    /// The base URL as a Rust string literal, for code.
    base_url_literal: String,
    base_url_env: String,
    custom_headers_env: String,
    log_env: String,
    quickstart: String,
    first_call: String,
    blocking_call: String,
    page_call: String,
    stream_call: String,
    /// The first job's `wait_for_completion` call (with `options` in scope).
    wait_call: String,
    /// The one-call job helpers, as `` `parsing().parse(..)` `` items.
    job_helpers: String,
    error_accessor: String,
    error_status: u16,
    cli_binary: &'a str,
    cli_package: &'a str,
    cli_install_path: String,
    cli_example: String,
    cli_stream_example: String,
    /// The first top-level resource's feature, and every one's, as text.
    first_feature: String,
    resource_features: String,
}

/// The call expression of the first method `wanted` accepts that has one.
fn first_call(
    sites: &[OperationSite<'_>],
    meta: &crate::ir::Meta,
    types: &[crate::ir::TypeDef],
    wanted: &dyn Fn(&crate::ir::Operation) -> bool,
) -> String {
    sites
        .iter()
        .filter(|site| wanted(site.operation))
        .find_map(|site| resources::call_expression(meta, site.operation, &site.chain, types))
        .unwrap_or_default()
}

/// The `wait_for_completion` call of the job nearest the root (the first in tree
/// order among equals): `parsing` before `beta.split`.
fn first_wait_call(
    root: &Resource,
    meta: &crate::ir::Meta,
    types: &[crate::ir::TypeDef],
) -> Option<String> {
    let mut found: Option<(usize, String)> = None;
    root.walk(&mut |chain, resource| {
        for job in &resource.jobs {
            let status = resource
                .operations
                .iter()
                .find(|op| op.method_name == job.status_method);
            let nearer = found.as_ref().is_none_or(|(depth, _)| chain.len() < *depth);
            if nearer
                && let Some(call) = status.and_then(|status| {
                    resources::wait_call_expression(meta, chain, status, job, types)
                })
            {
                found = Some((chain.len(), call));
            }
        }
    });
    found.map(|(_, call)| call)
}

/// Every job helper, as ``- `client.parsing().parse(..)` `` list items.
fn job_helpers(root: &Resource) -> String {
    let mut out = String::new();
    root.walk(&mut |_, resource| {
        for job in &resource.jobs {
            for helper in &job.helpers {
                let _ = writeln!(
                    out,
                    "- `{}.{}(..)`",
                    resource.reach,
                    crate::ir::bare(&helper.name)
                );
            }
        }
    });
    out
}

pub(super) fn render_readme(api: &Api) -> Result<String, EmitError> {
    use crate::ir::Returns;
    let meta = &api.meta;
    let (key_env, other_key_envs) = if meta.auth.schemes.is_empty() {
        (String::new(), String::new())
    } else {
        (
            meta.auth.key_env.first().cloned().unwrap_or_default(),
            meta.auth
                .key_env
                .iter()
                .skip(1)
                .map(|env| format!("`{env}`"))
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    let plain = |op: &crate::ir::Operation| {
        op.pagination.is_none()
            && matches!(
                op.returns(),
                Returns::Json(_) | Returns::Empty | Returns::ByStatus(_)
            )
    };
    let sites = operation_sites(&api.root);
    let first = first_call(&sites, meta, &api.types, &plain);
    let quickstart_body = match &meta.quickstart {
        Some(body) => body.trim_matches('\n').to_owned(),
        None if !first.is_empty() => format!(
            "let client = {}::{}::from_env()?;\nlet response = {first}.await?;\nprintln!(\"{{response:?}}\");",
            meta.crate_ident, meta.client_name
        ),
        None => format!(
            "let client = {}::{}::from_env()?;",
            meta.crate_ident, meta.client_name
        ),
    };
    let quickstart = example_program(&quickstart_body, &meta.crate_ident);
    let description = meta
        .api_description
        .as_deref()
        .map(|text| {
            let first = text.split("\n\n").next().unwrap_or_default();
            tokens::sanitize_markdown(first).trim().to_owned()
        })
        .filter(|text| !text.is_empty())
        .map(|text| format!("\n{text}\n"))
        .unwrap_or_default();
    let (cli_example, cli_stream_example) =
        (api.cli.example.clone(), api.cli.stream_example.clone());
    let error = api.error_bodies.first();
    ReadmeTemplate {
        package: &meta.package_name,
        version: &meta.version,
        crate_ident: &meta.crate_ident,
        title: tokens::one_line(&meta.title),
        api_version: tokens::one_line(&meta.api_version),
        description,
        client: &meta.client_name,
        key_env,
        other_key_envs,
        base_url: tokens::one_line(&meta.base_url),
        base_url_literal: format!("{:?}", meta.base_url),
        base_url_env: meta.base_url_env.clone().unwrap_or_default(),
        custom_headers_env: meta.custom_headers_env.clone().unwrap_or_default(),
        log_env: meta.log_env.clone().unwrap_or_default(),
        quickstart,
        blocking_call: first.clone(),
        first_call: first,
        page_call: first_call(&sites, meta, &api.types, &|op| op.pagination.is_some()),
        wait_call: first_wait_call(&api.root, meta, &api.types).unwrap_or_default(),
        job_helpers: job_helpers(&api.root),
        stream_call: first_call(&sites, meta, &api.types, &|op| {
            matches!(op.returns(), Returns::Events(_))
        }),
        error_accessor: error.map(|e| e.accessor.clone()).unwrap_or_default(),
        error_status: error.map_or(0, |e| e.status),
        cli_binary: &meta.cli_binary,
        cli_package: &meta.cli_package,
        cli_install_path: format!("../{}", meta.cli_package),
        cli_example,
        cli_stream_example,
        first_feature: api
            .features
            .resources
            .first()
            .map(|(_, feature)| feature.clone())
            .unwrap_or_default(),
        resource_features: api
            .features
            .resources
            .iter()
            .map(|(_, feature)| format!("`{feature}`"))
            .collect::<Vec<_>>()
            .join(", "),
    }
    .render()
    .map(|text| {
        format!(
            "<!-- {} -->\n\n{text}",
            header(api, "").trim().replace('\n', " ")
        )
    })
    .map_err(|error| EmitError::Template {
        template: "crate/README.md",
        message: error.to_string(),
    })
}

/// An example as a whole program, for the README (which shows hidden `# ` lines).
fn example_program(example: &str, crate_ident: &str) -> String {
    let body: String = example
        .lines()
        .filter(|line| !line.starts_with('#'))
        .flat_map(|line| [if line.is_empty() { "" } else { "    " }, line, "\n"])
        .collect();
    format!(
        "#[tokio::main]\nasync fn main() -> Result<(), {crate_ident}::Error> {{\n{body}    Ok(())\n}}\n"
    )
}

#[derive(Template)]
#[template(path = "crate/lib.rs", escape = "none")]
struct LibTemplate {
    header: String,
    crate_doc: String,
    allows: String,
    client_alias: String,
    /// `pub mod` lines of the hand-written modules.
    handwritten: String,
}

pub(super) fn render_lib(api: &Api) -> Result<String, EmitError> {
    let meta = &api.meta;
    // The README is the crate's front page: its examples are the crate's doctests,
    // and the only spec text in it went through `sanitize_markdown`.
    let crate_doc = "#![doc = include_str!(\"../README.md\")]".to_owned();
    let allows = ALLOWED_LINTS
        .iter()
        .map(|(lint, reason)| format!("#![allow({lint}, reason = {})]", Literal::string(reason)))
        .collect::<Vec<_>>()
        .join("\n");
    let client_alias = if meta.client_name == "Client" {
        String::new()
    } else {
        let alias = ident(&meta.client_name);
        format!("/// The API client.\npub type {alias} = Client;\n")
    };
    let mut handwritten = String::new();
    for module in &meta.handwritten_modules {
        let _ = writeln!(
            handwritten,
            "/// Hand-written, not generated (`package.handwritten` in the generator config).\npub mod {module};"
        );
    }
    LibTemplate {
        header: header(api, "//"),
        crate_doc,
        allows,
        client_alias,
        handwritten,
    }
    .render()
    .map_err(|error| EmitError::Template {
        template: "crate/lib.rs",
        message: error.to_string(),
    })
}
