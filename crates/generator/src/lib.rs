//! Generates an idiomatic async Rust SDK crate from an OpenAPI 3.0 or 3.1 document.
//!
//! Input: the spec's bytes (JSON or YAML) and a [`Config`].
//! Output: the SDK crate's files, in memory ([`emit::Files`]); callers decide where
//! to write them (`xtask`, the `generator` binary).
//!
//! Three stages with a pure middle:
//! 1. [`load`]: parse, normalize OpenAPI 3.1 forms, deserialize with `openapi-compact` (our fork of `openapiv3`, whose schemas take a quarter of the memory);
//! 2. [`lower`]: make every naming, typing and doc decision into one model, [`ir::Api`];
//! 3. [`emit`]: render the model as Rust (quote + prettyplease) and whole files (askama).
//!
//! Problems in the spec are collected, located (JSON pointer, line and column) and
//! returned together as [`Diagnostics`].

pub mod config;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod ir;
pub mod load;
pub mod lower;

pub use config::Config;
pub use diagnostics::{Diagnostic, Diagnostics, Severity};

/// The result of a successful run.
#[derive(Debug)]
pub struct Generated {
    /// The crate's files, by path relative to the crate root.
    pub files: emit::Files,
    /// The command-line tool's crate's files, by path relative to its root; it finds
    /// the SDK at `../<the SDK's package name>`.
    pub cli: emit::Files,
    /// Files to write only where none exists (the hand-written modules' start):
    /// never compared, rewritten or removed.
    pub seeds: emit::Files,
    /// Warnings: constructs that were not supported and got a typed fallback.
    pub warnings: Diagnostics,
    /// The model the files were rendered from.
    pub api: ir::Api,
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The spec (or the config's view of it) has problems; all of them are listed.
    #[error("{0}")]
    Spec(Diagnostics),
    /// The config is not valid.
    #[error("invalid config: {0}")]
    Config(String),
    /// The generator itself failed.
    #[error(transparent)]
    Emit(#[from] emit::EmitError),
    /// One side of a spec diff was refused (`old` or `new`).
    #[error("the {side} spec was refused:\n{diagnostics}")]
    DiffSide {
        /// `old` or `new`.
        side: &'static str,
        /// Its problems.
        diagnostics: Diagnostics,
    },
    /// The version to count the next one from is not `MAJOR.MINOR.PATCH`.
    #[error("{0}")]
    Version(String),
}

/// How long each phase of one run took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Parsing the text.
    pub load: std::time::Duration,
    /// Rewriting 3.1 forms and checking structure.
    pub normalize: std::time::Duration,
    /// Deserializing into typed OpenAPI.
    pub deserialize: std::time::Duration,
    /// Building the model.
    pub lower: std::time::Duration,
    /// The emit stage, wall time: building tokens, rendering templates and formatting,
    /// on every core.
    pub emit: std::time::Duration,
    /// Of that, the CPU time spent formatting Rust (syn + prettyplease), summed over
    /// threads; it overlaps `emit` and is not added to the total.
    pub format: std::time::Duration,
}

impl Timings {
    /// The whole run, wall time.
    #[must_use]
    pub fn total(&self) -> std::time::Duration {
        self.load + self.normalize + self.deserialize + self.lower + self.emit
    }
}

/// Which crate a file of a streamed run belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crate {
    /// The SDK.
    Sdk,
    /// The command-line tool.
    Cli,
}

/// Whether a run makes the command-line tool, and where the tool finds the SDK.
#[derive(Debug, Clone, Copy)]
pub enum Tool<'a> {
    /// No tool.
    None,
    /// The tool, beside the SDK: it finds it at `../<the SDK's package name>`.
    Sibling,
    /// The tool, finding the SDK at this path relative to its own directory.
    At(&'a str),
}

/// What a streamed run ([`generate_each`]) returns besides the files it handed on.
#[derive(Debug)]
pub struct Streamed {
    /// Files to write only where none exists (see [`Generated::seeds`]).
    pub seeds: emit::Files,
    /// Warnings (see [`Generated::warnings`]).
    pub warnings: Diagnostics,
    /// The model the files were rendered from.
    pub api: ir::Api,
}

/// [`generate`], recording how long each phase took.
pub fn generate_timed(
    spec: &[u8],
    spec_source: &str,
    config: &Config,
) -> (Result<Generated, GenerateError>, Timings) {
    let (mut files, mut cli) = (emit::Files::new(), emit::Files::new());
    let (result, timings) = generate_each(
        std::borrow::Cow::Borrowed(spec),
        spec_source,
        config,
        Tool::Sibling,
        &mut |krate, path, text| {
            match krate {
                Crate::Sdk => files.insert(path, text),
                Crate::Cli => cli.insert(path, text),
            };
            Ok(())
        },
    );
    let generated = result.map(|streamed| Generated {
        files,
        cli,
        seeds: streamed.seeds,
        warnings: streamed.warnings,
        api: streamed.api,
    });
    (generated, timings)
}

/// The pipeline, handing each file to `file` (crate, path, text) as soon as it is
/// formatted instead of holding them all: the `generator` binary writes and drops
/// each, so its peak memory does not grow with the whole output. The SDK's files
/// come first, then the command-line tool's, as `tool` says. Spec problems are
/// found before the first file is made; an error from `file` stops the run. This is
/// the one pipeline: [`generate`] and [`generate_timed`] collect what it hands on.
///
/// Spec bytes handed over owned are freed once lowered, before emitting (problems
/// are located by then): on a big spec they are a tenth of what emitting holds.
pub fn generate_each(
    spec: std::borrow::Cow<'_, [u8]>,
    spec_source: &str,
    config: &Config,
    tool: Tool<'_>,
    file: &mut dyn FnMut(Crate, String, String) -> Result<(), emit::EmitError>,
) -> (Result<Streamed, GenerateError>, Timings) {
    let mut timings = Timings::default();
    let lowered = on_big_stack(|| {
        let mut load = load::LoadTimings::default();
        let loaded = load::load_timed(&spec, &mut load);
        timings.load = load.parse;
        timings.normalize = load.normalize;
        timings.deserialize = load.deserialize;
        let loaded = loaded?;
        let started = std::time::Instant::now();
        let lowered = lower::lower(loaded, config, spec_source);
        timings.lower = started.elapsed();
        lowered
    });
    drop(spec);
    let (api, warnings) = match lowered {
        Ok(lowered) => lowered,
        Err(diagnostics) => return (Err(GenerateError::Spec(diagnostics)), timings),
    };
    let started = std::time::Instant::now();
    let _ = emit::take_format_time();
    let emitted =
        emit::emit_each(&api, &mut |path, text| file(Crate::Sdk, path, text)).and_then(|()| {
            let sdk_path = match tool {
                Tool::None => return Ok(()),
                Tool::Sibling => format!("../{}", api.meta.package_name),
                Tool::At(path) => path.to_owned(),
            };
            emit::cli::emit_cli(&api, &sdk_path)?
                .into_iter()
                .try_for_each(|(path, text)| file(Crate::Cli, path, text))
        });
    timings.emit = started.elapsed();
    timings.format = emit::take_format_time();
    (
        emitted
            .map(|()| Streamed {
                seeds: emit::seeds(&api),
                warnings,
                api,
            })
            .map_err(GenerateError::from),
        timings,
    )
}

/// Runs the three stages on one spec.
///
/// `spec_source` names the spec in generated headers (`spec/openapi.json`).
pub fn generate(
    spec: &[u8],
    spec_source: &str,
    config: &Config,
) -> Result<Generated, GenerateError> {
    generate_timed(spec, spec_source, config).0
}

/// Loads and lowers a spec, on the same big stack as [`generate`], without emitting:
/// the model and its warnings, or every problem. The fuzz target drives this.
pub fn load_and_lower(
    spec: &[u8],
    spec_source: &str,
    config: &Config,
) -> Result<(ir::Api, Diagnostics), GenerateError> {
    on_big_stack(|| {
        let loaded = load::load(spec)?;
        lower::lower(loaded, config, spec_source)
    })
    .map_err(GenerateError::Spec)
}

/// Compares two versions of a spec through their models ([`diff`]), both lowered
/// with `config` viewing them as older specs ([`Config::older_spec`]): the config
/// may be newer than both (a step of the history), and a method it names that a
/// side lacks is simply absent there. The version the next one is counted from is
/// `version`, else the config's.
///
/// # Errors
/// Either spec's problems ([`GenerateError::DiffSide`]), or a version that is not
/// `MAJOR.MINOR.PATCH`.
pub fn diff_specs(
    old: &[u8],
    new: &[u8],
    config: &Config,
    version: Option<&str>,
) -> Result<diff::Report, GenerateError> {
    let mut older = config.clone();
    older.older_spec = true;
    older.keep_twins = true;
    let side = |side: &'static str, error: GenerateError| match error {
        GenerateError::Spec(diagnostics) => GenerateError::DiffSide { side, diagnostics },
        other => other,
    };
    let (old_api, _) = load_and_lower(old, "old", &older).map_err(|e| side("old", e))?;
    let (new_api, _) = load_and_lower(new, "new", &older).map_err(|e| side("new", e))?;
    let version = version.unwrap_or(&config.package.version);
    diff::Report::new(diff::diff(&old_api, &new_api), version).map_err(GenerateError::Version)
}

/// The stack loading and lowering run on: they recurse as deep as the document nests,
/// which loading bounds at 1000 levels; this is far more than that takes, and costs
/// only address space until used.
const STAGE_STACK: usize = 512 * 1024 * 1024;

/// Runs `stage` on a thread with [`STAGE_STACK`] of stack, so no valid document can
/// overflow the caller's stack. When no such thread can be made the stage does not
/// run on the caller's smaller stack instead: that is an error.
fn on_big_stack<T: Send>(
    stage: impl FnOnce() -> Result<T, Diagnostics> + Send,
) -> Result<T, Diagnostics> {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("generator".to_owned())
            .stack_size(STAGE_STACK)
            .spawn_scoped(scope, stage);
        match spawned {
            Ok(handle) => match handle.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(error) => Err(Diagnostics(vec![Diagnostic::error(
                "#",
                format!("cannot start the generator's worker thread: {error}"),
            )])),
        }
    })
}
