//! Stage 3, emit: the intermediate model → the SDK crate's files, in memory.
//!
//! Input: an [`Api`].
//! Output: [`Files`], a sorted map from path (relative to the crate root) to contents.
//! Nothing here writes to disk; `xtask` and the CLI do.
//!
//! Rust code is built as tokens (see [`models`], [`resources`]) and formatted with
//! prettyplease. Whole-file skeletons (`Cargo.toml`, `README.md`, `src/lib.rs`) are
//! askama templates under `templates/crate/`, filled only with values that were
//! escaped for their format first. The HTTP runtime is the hand-written `sdk-runtime`
//! crate (`crates/runtime/`), copied in by `runtime`, so every generated SDK carries it.
//!
//! This module lists the files and the order they are made in ([`emit_each`]) and
//! the lints the crate allows. The rest, one job each: `runtime` (the runtime's
//! copy and `src/settings.rs`),
//! `format` (tokens to text, and the pool of threads), `manifest` (`Cargo.toml` and
//! the dependency table), `readme` (`README.md` and `lib.rs`), `type_files`
//! (`src/types/`), and the token builders [`models`], [`resources`], [`blocking`],
//! [`conformance`], [`roundtrip`] and [`cli`].

pub mod blocking;
pub mod cli;
pub mod conformance;
mod format;
mod manifest;
pub mod models;
mod readme;
pub mod resources;
pub mod roundtrip;
mod runtime;
pub mod tokens;
mod type_files;

pub use format::take_format_time;
pub(crate) use format::{format_rust, header};
use format::{module_file, rust_file, rust_file_in_pieces};
use manifest::render_manifest;
pub use manifest::{
    Dependency, SDK_DEPENDENCIES, SDK_DEV_DEPENDENCIES, SDK_FEATURES, SDK_OPTIONAL_DEPENDENCIES,
    VERSIONS, toml_string, version_of,
};
use readme::{render_lib, render_readme};
pub(crate) use runtime::auth_scheme_tokens;
pub use runtime::{RUNTIME_FILES, without_tests};
use type_files::{Unit, part_path, type_module_root, type_part_file, types_root};

use std::collections::BTreeMap;

use crate::ir::{Api, Resource};

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

/// A piece of the emitted Rust, built and formatted on one thread.
enum Job<'u, 'a> {
    /// One part of a `types/` module.
    TypePart(&'a crate::ir::TypeModule, &'a crate::ir::TypePart),
    /// One resource module.
    Resource(&'u resources::ResourceFile<'a>),
    /// The blocking client's own methods and accessors.
    Blocking,
    /// The blocking handles of one top-level resource.
    BlockingResource(&'a resources::ResourceFile<'a>),
    /// The conformance tests.
    Conformance,
    /// `tests/roundtrip/main.rs`.
    RoundtripMain,
    /// `tests/roundtrip/part_<n>.rs`.
    RoundtripPart(usize),
}

impl Job<'_, '_> {
    /// The file the job makes.
    fn path(&self) -> String {
        match self {
            Job::TypePart(module, part) => part_path(module, part),
            Job::Resource(file) => format!("src/{}", file.path),
            Job::Blocking => "src/blocking/api/mod.rs".to_owned(),
            Job::BlockingResource(file) => format!(
                "src/blocking/api/{}",
                file.path.strip_prefix("resources/").unwrap_or(&file.path)
            ),
            Job::Conformance => "tests/conformance.rs".to_owned(),
            Job::RoundtripMain => "tests/roundtrip/main.rs".to_owned(),
            Job::RoundtripPart(part) => format!("tests/roundtrip/part_{part}.rs"),
        }
    }
}

fn run_job(
    api: &Api,
    units: &std::collections::BTreeMap<&str, Unit<'_>>,
    job: &Job<'_, '_>,
) -> Result<String, EmitError> {
    let path = job.path();
    match job {
        Job::TypePart(module, part) => type_part_file(api, units, module, part),
        Job::Resource(file) => {
            let doc = if file.chain.is_empty() {
                match api.root.children.first() {
                    Some(first) => format!(
                        "The API's resources, reached from the client (`client.{}()`).",
                        crate::ir::bare(&first.accessor)
                    ),
                    None => "The API's operations, as methods of the client.".to_owned(),
                }
            } else {
                "Methods of one resource.".to_owned()
            };
            module_file(
                api,
                &path,
                &doc,
                &resources::resource_tokens(&api.meta, file, &api.types, &api.features),
            )
        }
        Job::Blocking => module_file(
            api,
            &path,
            "The blocking client's resource handles, mirroring the async ones file for file: the client's own here.",
            &blocking::blocking_api(&api.root, &api.features),
        ),
        Job::BlockingResource(file) => rust_file(
            api,
            &path,
            &blocking::blocking_resource(file.node, &file.chain),
        ),
        Job::Conformance => {
            rust_file_in_pieces(api, &path, conformance::conformance_pieces(api), false)
        }
        Job::RoundtripMain => rust_file(api, &path, &roundtrip::main_file(api)),
        Job::RoundtripPart(part) => {
            rust_file_in_pieces(api, &path, roundtrip::part_file(api, *part), true)
        }
    }
}

/// Emits every file of the SDK crate, in memory.
pub fn emit(api: &Api) -> Result<Files, EmitError> {
    let mut files = Files::new();
    // `emit_each` hands each path on once.
    emit_each(api, &mut |path, text| {
        files.insert(path, text);
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

    for (path, text) in runtime::files(api) {
        files(path, text)?;
    }
    files(
        "src/settings.rs".to_owned(),
        module_file(
            api,
            "src/settings.rs",
            "Settings of this SDK, fixed when it was generated, and the constructors that hand them to the runtime.",
            &runtime::settings(api),
        )?,
    )?;

    // Every Rust file is built and formatted on a pool of threads (tokens are not
    // `Send`, so each job builds its own from the shared model).
    let mut units: std::collections::BTreeMap<&str, Unit<'_>> = api
        .types
        .iter()
        .map(|def| (def.name.as_str(), Unit::Type(def)))
        .collect();
    for params in api.root.params_types() {
        units.insert(params.name.as_str(), Unit::Params(params));
    }
    let resource_files = resources::resource_files(&api.root);
    // The single big files go first, so no thread is left with one at the end.
    let mut jobs: Vec<Job<'_, '_>> = vec![Job::Conformance, Job::Blocking, Job::RoundtripMain];
    jobs.extend((1..=roundtrip::part_count(api)).map(Job::RoundtripPart));
    // The blocking handles mirror `resources/` file for file (the root's is `Blocking`).
    jobs.extend(
        resource_files
            .iter()
            .filter(|file| !file.chain.is_empty())
            .map(Job::BlockingResource),
    );
    for module in &api.type_modules {
        jobs.extend(module.parts.iter().map(|part| Job::TypePart(module, part)));
    }
    jobs.extend(resource_files.iter().map(Job::Resource));
    format::run_pool(
        &jobs,
        &|job| run_job(api, &units, job),
        &mut |index, output| files(jobs[index].path(), output),
    )?;
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
    let mut out = Vec::new();
    root.walk(&mut |chain, resource| {
        for operation in &resource.operations {
            out.push(OperationSite {
                operation,
                chain: chain.to_vec(),
                name: operation.site_name.clone(),
            });
        }
    });
    out
}
