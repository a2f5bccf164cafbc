//! Stage 3, emit: the intermediate model → the SDK crate's files, in memory.
//!
//! Input: an [`Api`].
//! Output: [`Files`], a sorted map from path (relative to the crate root) to contents.
//! Nothing here writes to disk; `xtask` and the CLI do.
//!
//! Rust code is built as tokens (see [`models`], [`resources`]) and formatted with
//! prettyplease. Whole-file skeletons (`Cargo.toml`, `README.md`, `src/lib.rs`) are
//! askama templates under `templates/crate/`, filled only with values that were
//! escaped for their format first. The HTTP runtime is hand-written Rust kept under
//! `templates/runtime/` and copied in, so every generated SDK carries it.

pub mod blocking;
pub mod cli;
pub mod conformance;
pub mod models;
pub mod resources;
pub mod roundtrip;
pub mod tokens;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use askama::Template;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{Api, AuthKind, Resource};
use crate::lower::names;
use tokens::ident;

/// Generated files: path relative to the crate root → contents.
pub type Files = BTreeMap<String, String>;

/// A failure of the generator itself (never of the spec): the emitted tokens did not
/// parse, or a template failed to render.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// The tokens built for a file are not valid Rust.
    #[error("generator bug: emitted code for `{path}` does not parse: {message}")]
    InvalidRust {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// Two outputs would be written to one file.
    #[error("generator bug: two generated files would both be `{path}`")]
    Collision {
        /// The file.
        path: String,
    },
    /// A template failed to render.
    #[error("template `{template}` failed to render: {message}")]
    Template {
        /// The template.
        template: &'static str,
        /// The renderer's message.
        message: String,
    },
    /// The caller of [`emit_each`] could not take a file (the binary could not
    /// write it).
    #[error("{message}")]
    Write {
        /// The file.
        path: String,
        /// What went wrong, naming the file.
        message: String,
    },
}

/// The runtime serves every spec; a given SDK uses only part of it (no cookie
/// parameters, no uploads, no pagination ...), so its copies allow unused helpers.
const RUNTIME_ALLOW: &str = "#![allow(dead_code, reason = \"the runtime serves every spec; this SDK may not use each of its helpers\")]";

/// The hand-written runtime, copied into every SDK: (file under `src/`, contents).
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    (
        "blocking.rs",
        include_str!("../../../../templates/runtime/blocking.rs"),
    ),
    (
        "call.rs",
        include_str!("../../../../templates/runtime/call.rs"),
    ),
    (
        "client.rs",
        include_str!("../../../../templates/runtime/client.rs"),
    ),
    (
        "error.rs",
        include_str!("../../../../templates/runtime/error.rs"),
    ),
    (
        "file.rs",
        include_str!("../../../../templates/runtime/file.rs"),
    ),
    (
        "log.rs",
        include_str!("../../../../templates/runtime/log.rs"),
    ),
    (
        "nullable.rs",
        include_str!("../../../../templates/runtime/nullable.rs"),
    ),
    (
        "number.rs",
        include_str!("../../../../templates/runtime/number.rs"),
    ),
    (
        "page.rs",
        include_str!("../../../../templates/runtime/page.rs"),
    ),
    (
        "poll.rs",
        include_str!("../../../../templates/runtime/poll.rs"),
    ),
    (
        "redact.rs",
        include_str!("../../../../templates/runtime/redact.rs"),
    ),
    (
        "request.rs",
        include_str!("../../../../templates/runtime/request.rs"),
    ),
    (
        "sse.rs",
        include_str!("../../../../templates/runtime/sse.rs"),
    ),
    (
        "union.rs",
        include_str!("../../../../templates/runtime/union.rs"),
    ),
];

/// Lints the generated crate allows, each with the reason; emitted into `lib.rs`.
///
/// Prefer fixing the emitter to adding a line here.
pub const ALLOWED_LINTS: &[(&str, &str)] = &[
    (
        "clippy::doc_lazy_continuation",
        "docs are the spec's Markdown, reproduced as written",
    ),
    (
        "clippy::doc_overindented_list_items",
        "docs are the spec's Markdown, reproduced as written",
    ),
    (
        "clippy::too_long_first_doc_paragraph",
        "docs are the spec's Markdown, reproduced as written",
    ),
    (
        "rustdoc::bare_urls",
        "docs are the spec's Markdown, reproduced as written",
    ),
    (
        "rustdoc::broken_intra_doc_links",
        "spec text uses [brackets] that are not Rust paths",
    ),
    (
        "rustdoc::invalid_html_tags",
        "spec text may contain angle brackets that are not HTML",
    ),
    (
        "clippy::large_enum_variant",
        "union variants mirror the spec; boxing each payload would cost every user an allocation",
    ),
    (
        "clippy::too_many_arguments",
        "a parameters type's `new` takes every required field of the operation",
    ),
    (
        "clippy::enum_variant_names",
        "variant names come from the spec's schema names",
    ),
    (
        "clippy::upper_case_acronyms",
        "type names keep the spec's spelling (`HTTPValidationError`)",
    ),
    (
        "clippy::module_inception",
        "resource modules mirror the API's resource tree",
    ),
];

/// The header of every generated file, in the file format's comment syntax.
pub(crate) fn header(api: &Api, comment: &str) -> String {
    format!(
        "{comment} @generated by `cargo xtask generate` from {} (sha256 {}).\n{comment} Do not edit: change the spec, the config or the generator, then regenerate.\n",
        tokens::one_line(&api.meta.spec_source),
        tokens::one_line(&api.meta.spec_sha256)
    )
}

thread_local! {
    /// Time spent formatting (parsing tokens into syn and printing them), so the
    /// benchmark can report it apart from building the tokens.
    static FORMAT_TIME: std::cell::Cell<std::time::Duration> = const { std::cell::Cell::new(std::time::Duration::ZERO) };
}

/// Takes the formatting time accumulated on this thread since the last call.
#[must_use]
pub fn take_format_time() -> std::time::Duration {
    FORMAT_TIME.with(|cell| cell.replace(std::time::Duration::ZERO))
}

/// Formats tokens as a Rust file with the generated-file header.
fn rust_file(api: &Api, path: &str, body: &TokenStream) -> Result<String, EmitError> {
    let started = std::time::Instant::now();
    let result = format_rust(api, path, body);
    FORMAT_TIME.with(|cell| cell.set(cell.get() + started.elapsed()));
    result
}

/// A Rust file whose first piece holds its inner attributes and docs, each piece
/// formatted on its own and joined by a blank line: the syntax tree in memory is one
/// piece's, not the file's.
fn rust_file_in_pieces(api: &Api, path: &str, pieces: &[TokenStream]) -> Result<String, EmitError> {
    let Some((first, rest)) = pieces.split_first() else {
        return rust_file(api, path, &TokenStream::new());
    };
    let mut text = rust_file(api, path, first)?;
    for piece in rest {
        let started = std::time::Instant::now();
        let file: syn::File =
            syn::parse2(piece.clone()).map_err(|error| EmitError::InvalidRust {
                path: path.to_owned(),
                message: error.to_string(),
            })?;
        text.push('\n');
        text.push_str(&prettyplease::unparse(&file));
        FORMAT_TIME.with(|cell| cell.set(cell.get() + started.elapsed()));
    }
    Ok(text)
}

pub(crate) fn format_rust(api: &Api, path: &str, body: &TokenStream) -> Result<String, EmitError> {
    let file: syn::File = syn::parse2(quote! {
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #body
    })
    .map_err(|error| EmitError::InvalidRust {
        path: path.to_owned(),
        message: error.to_string(),
    })?;
    Ok(format!(
        "{}\n{}",
        header(api, "//"),
        prettyplease::unparse(&file)
    ))
}

/// One item of a `types/` part.
#[derive(Clone, Copy)]
enum Unit<'a> {
    Type(&'a crate::ir::TypeDef),
    Params(&'a crate::ir::ParamsType),
}

/// Builds and formats one item.
fn format_unit(api: &Api, path: &str, unit: Unit<'_>) -> Result<String, EmitError> {
    let tokens = match unit {
        Unit::Type(def) => models::type_def(def, &api.types),
        Unit::Params(params) => models::params_type(params),
    };
    if tokens.is_empty() {
        return Ok(String::new());
    }
    let started = std::time::Instant::now();
    let file: syn::File = syn::parse2(tokens).map_err(|error| EmitError::InvalidRust {
        path: path.to_owned(),
        message: error.to_string(),
    })?;
    let text = prettyplease::unparse(&file);
    FORMAT_TIME.with(|cell| cell.set(cell.get() + started.elapsed()));
    Ok(text)
}

/// The path of a top-level resource's blocking handles.
fn blocking_path(resource: &crate::ir::Resource) -> String {
    format!(
        "src/blocking/api/{}.rs",
        crate::lower::names::bare(&resource.module)
    )
}

/// The path of a `types/` part's file.
fn part_path(module: &crate::ir::TypeModule, part: &crate::ir::TypePart) -> String {
    if module.parts.len() == 1 {
        format!("src/types/{}.rs", module.file)
    } else {
        format!("src/types/{}/{}.rs", module.file, part.name)
    }
}

/// A `types/` part's file: the header, its module doc and its items.
fn type_part_file(
    api: &Api,
    units: &std::collections::BTreeMap<&str, Unit<'_>>,
    module: &crate::ir::TypeModule,
    part: &crate::ir::TypePart,
) -> Result<String, EmitError> {
    let path = part_path(module, part);
    let doc = if module.parts.len() == 1 {
        &module.doc
    } else {
        &part.doc
    };
    let mut text = format!("{}\n{}", header(api, "//"), module_head(doc)?);
    for name in &part.types {
        let unit = units
            .get(name.as_str())
            .ok_or_else(|| EmitError::InvalidRust {
                path: path.clone(),
                message: format!("the model places `{name}` here but defines no such type"),
            })?;
        text.push_str(&format_unit(api, &path, *unit)?);
    }
    Ok(text)
}

/// `types/mod.rs`: each module, gated by its features, and re-exported, so
/// `crate::types::Name` works for every type; and `ApiError`'s accessors.
fn types_root(api: &Api) -> TokenStream {
    let modules = api.type_modules.iter().map(|module| {
        let name = tokens::ident(&module.name);
        let gate = tokens::feature_gate(&module.features);
        quote! {
            #gate
            pub mod #name;
            #gate
            pub use #name::*;
        }
    });
    let accessors = error_accessors(api);
    quote! { #(#modules)* #accessors }
}

/// A several-part module's `mod.rs`: each part, gated by its features, re-exported.
fn type_module_root(module: &crate::ir::TypeModule) -> TokenStream {
    let parts = module.parts.iter().map(|part| {
        let name = tokens::ident(&part.name);
        let gate = tokens::feature_gate(&part.features);
        quote! {
            #gate
            mod #name;
            #gate
            pub use #name::*;
        }
    });
    quote! { #(#parts)* }
}

/// A piece of the emitted Rust, built and formatted on one thread.
enum Job<'u, 'a> {
    /// One part of a `types/` module.
    TypePart(&'a crate::ir::TypeModule, &'a crate::ir::TypePart),
    /// One resource module.
    Resource(&'u resources::ResourceFile<'a>),
    /// The blocking client's own methods and accessors.
    Blocking,
    /// The blocking handles of one top-level resource.
    BlockingResource(&'a crate::ir::Resource),
    /// The conformance tests.
    Conformance,
    /// `tests/roundtrip/main.rs`.
    RoundtripMain,
    /// `tests/roundtrip/part_<n>.rs`.
    RoundtripPart(usize),
}

fn run_job(
    api: &Api,
    units: &std::collections::BTreeMap<&str, Unit<'_>>,
    job: &Job<'_, '_>,
) -> Result<String, EmitError> {
    match job {
        Job::TypePart(module, part) => type_part_file(api, units, module, part),
        Job::Resource(file) => {
            let doc = if file.chain.is_empty() {
                match api.root.children.first() {
                    Some(first) => format!(
                        "The API's resources, reached from the client (`client.{}()`).",
                        crate::lower::names::bare(&first.accessor)
                    ),
                    None => "The API's operations, as methods of the client.".to_owned(),
                }
            } else {
                "Methods of one resource.".to_owned()
            };
            let path = format!("src/{}", file.path);
            module_file(
                api,
                &path,
                &doc,
                &resources::resource_tokens(&api.meta, file, &api.types, &api.features),
            )
        }
        Job::Blocking => module_file(
            api,
            "src/blocking/api/mod.rs",
            "The blocking client's resource handles, mirroring the async ones: the client's own here, one file per top-level resource.",
            &blocking::blocking_api(&api.root, &api.features),
        ),
        Job::BlockingResource(resource) => rust_file(
            api,
            &blocking_path(resource),
            &blocking::blocking_resource(resource),
        ),
        Job::Conformance => rust_file(
            api,
            "tests/conformance.rs",
            &conformance::conformance_tests(api),
        ),
        Job::RoundtripMain => rust_file(api, "tests/roundtrip/main.rs", &roundtrip::main_file(api)),
        Job::RoundtripPart(part) => {
            let path = format!("tests/roundtrip/part_{part}.rs");
            rust_file_in_pieces(api, &path, &roundtrip::part_file(api, *part))
        }
    }
}

/// Runs the jobs on every core, each thread taking the next job as it finishes,
/// and hands each output to `done` on this thread as soon as it is formatted, so
/// only the outputs not yet taken are in memory.
fn run_jobs(
    api: &Api,
    units: &std::collections::BTreeMap<&str, Unit<'_>>,
    jobs: &[Job<'_, '_>],
    done: &mut dyn FnMut(usize, String) -> Result<(), EmitError>,
) -> Result<(), EmitError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 8)
        .min(jobs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Bounded, so formatting waits for a slow consumer instead of piling up output.
    let (sender, receiver) = std::sync::mpsc::sync_channel(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let sender = sender.clone();
                let next = &next;
                scope.spawn(move || {
                    let _ = take_format_time();
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(job) = jobs.get(index) else {
                            break;
                        };
                        if sender.send((index, run_job(api, units, job))).is_err() {
                            break;
                        }
                    }
                    take_format_time()
                })
            })
            .collect();
        drop(sender);
        let mut outcome = Ok(());
        for (index, output) in receiver {
            if outcome.is_ok() {
                outcome = output.and_then(|text| done(index, text));
            }
            if outcome.is_err() {
                // Stop handing out jobs; the threads finish the ones they hold.
                next.store(jobs.len(), std::sync::atomic::Ordering::Relaxed);
            }
        }
        for handle in handles {
            match handle.join() {
                // Report the formatting work done, summed over threads (CPU time).
                Ok(format_time) => FORMAT_TIME.with(|cell| cell.set(cell.get() + format_time)),
                Err(_) => {
                    if outcome.is_ok() {
                        outcome = Err(EmitError::InvalidRust {
                            path: "emit".to_owned(),
                            message: "an emitting thread panicked".to_owned(),
                        });
                    }
                }
            }
        }
        outcome
    })
}

/// The formatted head of a module file: the rustfmt opt-out and the module doc.
fn module_head(doc: &str) -> Result<String, EmitError> {
    let doc_lines = doc.lines().map(|line| {
        let line = format!(" {line}");
        quote! { #![doc = #line] }
    });
    let file: syn::File = syn::parse2(quote! {
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #(#doc_lines)*
    })
    .map_err(|error| EmitError::InvalidRust {
        path: "module head".to_owned(),
        message: error.to_string(),
    })?;
    Ok(prettyplease::unparse(&file))
}

/// Adds the `//!`-style module doc and formats a module file.
fn module_file(api: &Api, path: &str, doc: &str, body: &TokenStream) -> Result<String, EmitError> {
    let doc_lines = doc.lines().map(|line| {
        let line = format!(" {line}");
        quote! { #![doc = #line] }
    });
    rust_file(api, path, &quote! { #(#doc_lines)* #body })
}

/// Emits every file of the SDK crate, in memory.
pub fn emit(api: &Api) -> Result<Files, EmitError> {
    let mut files = Files::new();
    emit_each(api, &mut |path, text| {
        if files.insert(path.clone(), text).is_some() {
            return Err(EmitError::Collision { path });
        }
        Ok(())
    })?;
    Ok(files)
}

/// Emits every file of the SDK crate, handing each (path, text) to `file` as soon
/// as it is made, in no fixed order, so a caller that writes and drops them never
/// holds the whole output. Each path comes once.
pub fn emit_each(
    api: &Api,
    file: &mut dyn FnMut(String, String) -> Result<(), EmitError>,
) -> Result<(), EmitError> {
    // A hand-written module's place is its own: nothing generated may land there.
    let mut paths = std::collections::BTreeSet::new();
    let mut files = |path: String, text: String| -> Result<(), EmitError> {
        let handwritten = api.meta.handwritten_modules.iter().any(|module| {
            path == format!("src/{module}.rs") || path.starts_with(&format!("src/{module}/"))
        });
        if handwritten || !paths.insert(path.clone()) {
            return Err(EmitError::Collision { path });
        }
        file(path, text)
    };

    files("Cargo.toml".to_owned(), render_manifest(api)?)?;
    files("README.md".to_owned(), render_readme(api)?)?;
    files("src/lib.rs".to_owned(), render_lib(api)?)?;

    for (name, source) in RUNTIME_FILES {
        // The copy is not for rustfmt: `templates/runtime/` is where it is formatted.
        files(
            format!("src/{name}"),
            format!(
                "{}\n#![cfg_attr(rustfmt, rustfmt::skip)]\n{RUNTIME_ALLOW}\n{source}",
                header(api, "//")
            ),
        )?;
    }

    files(
        "src/settings.rs".to_owned(),
        module_file(
            api,
            "src/settings.rs",
            "Settings of this SDK, fixed when it was generated.",
            &settings(api),
        )?,
    )?;

    // Every Rust file is built and formatted on a pool of threads (tokens are not
    // `Send`, so each job builds its own from the shared model).
    let mut units: std::collections::BTreeMap<&str, Unit<'_>> = api
        .types
        .iter()
        .map(|def| (def.name.as_str(), Unit::Type(def)))
        .collect();
    for operation in api.root.operations_within() {
        if let Some(params) = &operation.params {
            units.insert(params.name.as_str(), Unit::Params(params));
        }
    }
    let resource_files = resources::resource_files(&api.root);
    // The single big files go first, so no thread is left with one at the end.
    let mut jobs: Vec<Job<'_, '_>> = vec![Job::Conformance, Job::Blocking, Job::RoundtripMain];
    jobs.extend((1..=roundtrip::part_count(api)).map(Job::RoundtripPart));
    jobs.extend(api.root.children.iter().map(Job::BlockingResource));
    for module in &api.type_modules {
        jobs.extend(module.parts.iter().map(|part| Job::TypePart(module, part)));
    }
    jobs.extend(resource_files.iter().map(Job::Resource));
    run_jobs(api, &units, &jobs, &mut |index, output| {
        let path = match &jobs[index] {
            Job::TypePart(module, part) => part_path(module, part),
            Job::Resource(file) => format!("src/{}", file.path),
            Job::Blocking => "src/blocking/api/mod.rs".to_owned(),
            Job::BlockingResource(resource) => blocking_path(resource),
            Job::Conformance => "tests/conformance.rs".to_owned(),
            Job::RoundtripMain => "tests/roundtrip/main.rs".to_owned(),
            Job::RoundtripPart(part) => format!("tests/roundtrip/part_{part}.rs"),
        };
        files(path, output)
    })?;
    files(
        "src/types/mod.rs".to_owned(),
        module_file(
            api,
            "src/types/mod.rs",
            "Every type the API's operations send or return, and each method's parameters type, in one module per resource (the first that reaches the type) and a shared one.\n\nEach type is re-exported here: `crate::types::Name` works for all of them.",
            &types_root(api),
        )?,
    )?;
    for module in api
        .type_modules
        .iter()
        .filter(|module| module.parts.len() > 1)
    {
        let path = format!("src/types/{}/mod.rs", module.file);
        let text = module_file(api, &path, &module.doc, &type_module_root(module))?;
        files(path, text)?;
    }
    Ok(())
}

/// The files of the hand-written modules, to write only where none exists yet:
/// a starting point the generator then never touches again.
#[must_use]
pub fn seeds(api: &Api) -> Files {
    api.meta
        .handwritten_modules
        .iter()
        .map(|module| {
            (
                format!("src/{module}.rs"),
                format!(
                    "//! Hand-written code of `{}`, declared by the generator config's `package.handwritten`.\n//!\n//! Regenerating never rewrites or removes this file; write here what the config cannot express.\n",
                    api.meta.package_name
                ),
            )
        })
        .collect()
}

/// Typed accessors on `ApiError` for the error bodies the spec declares.
fn error_accessors(api: &Api) -> TokenStream {
    if api.error_bodies.is_empty() {
        return TokenStream::new();
    }
    let accessors = api.error_bodies.iter().map(|body| {
        let accessor = ident(&body.accessor);
        let ty = tokens::type_tokens(&body.ty);
        let status = body.status;
        let doc = format!(
            " The body of this error as the type the spec declares for status {status}, when the status is {status} and the body decodes."
        );
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #accessor(&self) -> Option<#ty> {
                if self.status.as_u16() != #status {
                    return None;
                }
                self.body_as().ok()
            }
        }
    });
    quote! {
        impl crate::ApiError {
            #(#accessors)*
        }
    }
}

fn settings(api: &Api) -> TokenStream {
    let meta = &api.meta;
    let base_url = &meta.base_url;
    let product = &meta.product;
    let option = |value: &Option<String>| {
        if let Some(value) = value {
            quote! { Some(#value) }
        } else {
            quote! { None }
        }
    };
    let base_url_env = option(&meta.base_url_env);
    let custom_headers_env = option(&meta.custom_headers_env);
    let log_env = option(&meta.log_env);
    let schemes = meta.auth.schemes.iter().map(auth_scheme_tokens);
    let key_env = &meta.auth.key_env;
    let username_env = &meta.auth.username_env;
    let password_env = &meta.auth.password_env;
    quote! {
        /// The base URL used when neither the builder nor the environment sets one.
        pub(crate) const DEFAULT_BASE_URL: &str = #base_url;
        /// The environment variable that overrides the base URL.
        pub(crate) const BASE_URL_ENV: Option<&str> = #base_url_env;
        /// Environment variables holding the key or token, tried in order.
        pub(crate) const API_KEY_ENV: &[&str] = &[#(#key_env),*];
        /// The environment variable holding the basic-auth user name.
        pub(crate) const USERNAME_ENV: &str = #username_env;
        /// The environment variable holding the basic-auth password.
        pub(crate) const PASSWORD_ENV: &str = #password_env;
        /// How credentials are sent, preferred first: the client sends the first
        /// scheme it has a credential for.
        pub(crate) const AUTH: &[crate::client::AuthScheme] = &[#(#schemes),*];
        /// The product name at the start of the `User-Agent` header.
        pub(crate) const PRODUCT: &str = #product;
        /// The environment variable with extra `Name: value` headers, one per line.
        pub(crate) const CUSTOM_HEADERS_ENV: Option<&str> = #custom_headers_env;
        /// The environment variable that sets the SDK's log level.
        pub(crate) const LOG_ENV: Option<&str> = #log_env;
    }
}

/// The runtime's `AuthScheme` value for a scheme of the model.
pub(crate) fn auth_scheme_tokens(kind: &AuthKind) -> TokenStream {
    match kind {
        AuthKind::Bearer => quote! { crate::client::AuthScheme::Bearer },
        AuthKind::Basic => quote! { crate::client::AuthScheme::Basic },
        AuthKind::ApiKeyHeader(name) => quote! { crate::client::AuthScheme::ApiKeyHeader(#name) },
        AuthKind::ApiKeyQuery(name) => quote! { crate::client::AuthScheme::ApiKeyQuery(#name) },
        AuthKind::ApiKeyCookie(name) => quote! { crate::client::AuthScheme::ApiKeyCookie(#name) },
    }
}

/// A TOML basic string for any text (a JSON string literal is one).
#[must_use]
pub fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

#[derive(Template)]
#[template(path = "crate/Cargo.toml", escape = "none")]
struct ManifestTemplate<'a> {
    header: String,
    name: String,
    version: String,
    description: String,
    license: String,
    dependencies: &'a [(&'static str, &'static str)],
    optional_dependencies: &'a [(&'static str, &'static str)],
    features: Vec<(String, String)>,
    dev_dependencies: &'a [(&'static str, &'static str)],
    /// The features the generated tests need (every resource's), as a TOML list;
    /// empty when the crate has no resource features.
    test_features: String,
}

/// The generated crate's dependencies: (name, TOML value). Kept in step with the
/// workspace's `[workspace.dependencies]` by a test.
pub const SDK_DEPENDENCIES: &[(&str, &str)] = &[
    ("base64", r#""0.23""#),
    ("bytes", r#""1""#),
    ("fastrand", r#""2""#),
    (
        "futures",
        r#"{ version = "0.3", default-features = false, features = ["std"] }"#,
    ),
    ("form_urlencoded", r#""1""#),
    ("httpdate", r#""1""#),
    ("mime_guess", r#""2""#),
    ("percent-encoding", r#""2""#),
    // The TLS backend is a feature of this crate (`SDK_FEATURES`), not fixed here.
    (
        "reqwest",
        r#"{ version = "0.13", default-features = false, features = ["json", "stream", "http2", "multipart", "gzip", "brotli", "zstd"] }"#,
    ),
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    // `preserve_order`: objects keep the order they were built or received in, so
    // an object query parameter and a re-serialized response are exact on the wire
    // even where no other crate switches the feature on.
    (
        "serde_json",
        r#"{ version = "1", features = ["preserve_order"] }"#,
    ),
    ("serde_path_to_error", r#""0.1""#),
    ("thiserror", r#""2""#),
    ("tokio", r#"{ version = "1", features = ["time", "fs"] }"#),
    (
        "tracing",
        r#"{ version = "0.1", default-features = false, features = ["std"] }"#,
    ),
];

/// Optional dependencies, switched on by the crate's features.
pub const SDK_OPTIONAL_DEPENDENCIES: &[(&str, &str)] = &[
    // Only for the TLS features without aws-lc-rs: to install ring as the crypto
    // provider, or to see that the program installed one.
    (
        "rustls",
        r#"{ version = "0.23", default-features = false, features = ["std"], optional = true }"#,
    ),
    (
        "tracing-subscriber",
        r#"{ version = "0.3", default-features = false, features = ["fmt", "std", "registry"], optional = true }"#,
    ),
];

/// The generated crate's features: (name, TOML list).
pub const SDK_FEATURES: &[(&str, &str)] = &[
    ("default", r#"["env-log", "rustls"]"#),
    // TLS backends; enable one. `rustls` uses the aws-lc-rs provider (a C build),
    // `rustls-ring` the ring provider, `native-tls` the platform's library (OpenSSL
    // on Linux), and `rustls-no-provider` whichever provider the program installs.
    ("rustls", r#"["reqwest/rustls"]"#),
    (
        "rustls-ring",
        r#"["reqwest/rustls-no-provider", "dep:rustls", "rustls/ring"]"#,
    ),
    ("native-tls", r#"["reqwest/native-tls"]"#),
    (
        "rustls-no-provider",
        r#"["reqwest/rustls-no-provider", "dep:rustls"]"#,
    ),
    ("env-log", r#"["dep:tracing-subscriber"]"#),
    ("blocking", r#"["tokio/rt", "tokio/net"]"#),
];

/// The generated crate's dev-dependencies.
pub const SDK_DEV_DEPENDENCIES: &[(&str, &str)] = &[
    (
        "tokio",
        r#"{ version = "1", features = ["macros", "rt-multi-thread", "net", "io-util", "test-util"] }"#,
    ),
    ("wiremock", r#""0.6""#),
];

/// `"a", "b"`: each name escaped as a TOML string, the list's inside.
fn toml_items<'s>(names: impl Iterator<Item = &'s str>) -> String {
    names.map(toml_string).collect::<Vec<_>>().join(", ")
}

/// The crate's own features, with one per top-level resource, all in `default`.
fn manifest_features(api: &Api) -> Vec<(String, String)> {
    let resources = &api.features.resources;
    SDK_FEATURES
        .iter()
        .map(|(name, value)| {
            let value = if *name == "default" && !resources.is_empty() {
                // The list's own names, then the resources'.
                let own = value.trim_start_matches('[').trim_end_matches(']');
                let resources = toml_items(resources.iter().map(|(_, f)| f.as_str()));
                format!("[{own}, {resources}]")
            } else {
                (*value).to_owned()
            };
            ((*name).to_owned(), value)
        })
        .chain(
            resources
                .iter()
                .map(|(_, feature)| (toml_key(feature), "[]".to_owned())),
        )
        .collect()
}

/// A feature name as a TOML key: bare when it can be, quoted otherwise.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        name.to_owned()
    } else {
        toml_string(name)
    }
}

fn render_manifest(api: &Api) -> Result<String, EmitError> {
    let meta = &api.meta;
    ManifestTemplate {
        header: header(api, "#"),
        name: toml_string(&meta.package_name),
        version: toml_string(&meta.version),
        description: toml_string(&tokens::one_line(&meta.description)),
        license: toml_string(&meta.license),
        dependencies: SDK_DEPENDENCIES,
        optional_dependencies: SDK_OPTIONAL_DEPENDENCIES,
        features: manifest_features(api),
        dev_dependencies: SDK_DEV_DEPENDENCIES,
        test_features: if api.features.resources.is_empty() {
            String::new()
        } else {
            format!(
                "[{}]",
                toml_items(api.features.resources.iter().map(|(_, f)| f.as_str()))
            )
        },
    }
    .render()
    .map_err(|error| EmitError::Template {
        template: "crate/Cargo.toml",
        message: error.to_string(),
    })
}

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

/// One method of the SDK where it sits: the resources from the root down to it, and
/// its SDK-wide unique name ([`crate::ir::Operation::site_name`], decided in
/// lowering), which names the method's conformance test and its command-line
/// function.
pub(crate) struct OperationSite<'a> {
    /// The operation.
    pub operation: &'a crate::ir::Operation,
    /// The resources from the root down to the one holding it (empty for the root).
    pub chain: Vec<&'a Resource>,
    /// The operation's `site_name`.
    pub name: String,
}

/// Every method of the SDK, in SDK order (a resource's own methods, then its
/// children's).
pub(crate) fn operation_sites(root: &Resource) -> Vec<OperationSite<'_>> {
    fn walk<'a>(
        resource: &'a Resource,
        chain: &mut Vec<&'a Resource>,
        out: &mut Vec<OperationSite<'a>>,
    ) {
        for operation in &resource.operations {
            out.push(OperationSite {
                operation,
                chain: chain.clone(),
                name: operation.site_name.clone(),
            });
        }
        for child in &resource.children {
            chain.push(child);
            walk(child, chain, out);
            chain.pop();
        }
    }
    let mut out = Vec::new();
    walk(root, &mut Vec::new(), &mut out);
    out
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
    fn collect<'a>(
        resource: &'a Resource,
        chain: &[&'a Resource],
        meta: &crate::ir::Meta,
        types: &[crate::ir::TypeDef],
        found: &mut Vec<(usize, String)>,
    ) {
        let mut here = chain.to_vec();
        if !resource.path.is_empty() {
            here.push(resource);
        }
        for job in &resource.jobs {
            let status = resource
                .operations
                .iter()
                .find(|op| op.method_name == job.status_method);
            if let Some(call) = status
                .and_then(|status| resources::wait_call_expression(meta, &here, status, job, types))
            {
                found.push((here.len(), call));
            }
        }
        for child in &resource.children {
            collect(child, &here, meta, types, found);
        }
    }
    let mut found = Vec::new();
    collect(root, &[], meta, types, &mut found);
    // `min_by_key` keeps the first of equals.
    found
        .into_iter()
        .min_by_key(|(depth, _)| *depth)
        .map(|(_, call)| call)
}

/// Every job helper, as ``, `parsing().parse(..)`` list items.
fn job_helpers(resource: &Resource, prefix: &str) -> String {
    let path = if resource.accessor.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}{}().", names::bare(&resource.accessor))
    };
    let mut out = String::new();
    for job in &resource.jobs {
        for helper in &job.helpers {
            let _ = writeln!(out, "- `client.{path}{}(..)`", names::bare(&helper.name));
        }
    }
    for child in &resource.children {
        out.push_str(&job_helpers(child, &path));
    }
    out
}

fn render_readme(api: &Api) -> Result<String, EmitError> {
    use crate::ir::ResponseBody;
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
                op.response,
                ResponseBody::Json(_) | ResponseBody::Empty | ResponseBody::ByStatus(_)
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
    let (cli_example, cli_stream_example) = cli::readme_examples(api, &sites);
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
        job_helpers: job_helpers(&api.root, ""),
        stream_call: first_call(&sites, meta, &api.types, &|op| {
            matches!(op.response, ResponseBody::EventStream(_))
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

fn render_lib(api: &Api) -> Result<String, EmitError> {
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
