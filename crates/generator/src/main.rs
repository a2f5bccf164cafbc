//! The `generator` command: one spec in, one SDK crate written to a directory.
//!
//! Input: `generator <SPEC> --out <DIR> [--cli-out <DIR>] [--config <FILE>] [--name <CRATE>]`,
//! or `generator diff <OLD> <NEW> [--config <FILE>] [--format text|json|markdown]
//! [--version <VERSION>]` to compare two versions of a spec (printed on stdout).
//! Output: the SDK crate's files under `--out`, and with `--cli-out` the command-line
//! tool's crate (which depends on the SDK by a relative path); warnings on stderr;
//! exit code 0 on success and 1 when the spec is refused, with every problem listed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

/// The generator allocates and frees millions of small values (JSON values, tokens,
/// syntax trees); mimalloc does that faster than the system allocator. (Without the
/// default `mimalloc` feature, the system allocator: heap profilers see that one.)
/// It is built with `no_thp`: asking for transparent huge pages made it hold 2 MiB
/// pages where a few KiB were in use, 17 % more resident memory on a 5 MB spec at
/// no gain in time. And it is mimalloc 2 (`v2`), not 3: 3 returns freed pages to the
/// system only after a second, 2 after 10 ms, and what lowering frees is then gone
/// before emitting's threads take memory of their own (a 5 MB spec peaked about 30 %
/// higher with 3; `docs/BENCHMARKS.md`).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use generator::{Config, GenerateError};

/// Generate a Rust SDK crate from an OpenAPI 3.0 or 3.1 document.
#[derive(Debug, Parser)]
#[command(
    version,
    after_help = "To compare two versions of a spec: `generator diff OLD NEW [--config FILE] [--format text|json|markdown]` (see `generator diff --help`)."
)]
struct Args {
    /// The OpenAPI document (JSON or YAML).
    spec: PathBuf,
    /// The directory to write the crate into.
    #[arg(long)]
    out: PathBuf,
    /// The generator config (TOML); defaults derive everything from the spec.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Also write the command-line tool's crate into this directory.
    #[arg(long)]
    cli_out: Option<PathBuf>,
    /// The crate name; defaults to the config's, then one derived from the spec's title.
    #[arg(long)]
    name: Option<String>,
    /// Benchmark mode for `cargo xtask bench`: generate this many times, write
    /// nothing, and print the median time of each phase, the peak memory and the size
    /// of the output as one JSON line.
    #[arg(long, hide = true)]
    bench_runs: Option<usize>,
}

/// Compare two versions of a spec through the SDK generated from them: every
/// change to the Rust API, whether it breaks, the semver class and the next version.
///
/// Run as `generator diff OLD NEW`. Both specs are viewed through one config (the
/// newer spec's, or newer still): a method it names that one side lacks is absent
/// from that side.
#[derive(Debug, Parser)]
#[command(name = "generator diff", bin_name = "generator diff")]
struct DiffArgs {
    /// The older OpenAPI document.
    old: PathBuf,
    /// The newer OpenAPI document.
    new: PathBuf,
    /// The generator config (TOML) of the newer spec.
    #[arg(long)]
    config: Option<PathBuf>,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// The SDK's current version, which the next one is counted from; defaults to
    /// the config's `[package] version`.
    #[arg(long = "version", value_name = "VERSION")]
    current_version: Option<String>,
}

/// The report formats of `generator diff` (documented in `docs/SPEC-DIFF.md`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// Lines for a terminal.
    Text,
    /// One JSON object.
    Json,
    /// A changelog section.
    Markdown,
}

fn main() -> ExitCode {
    // `diff` is a subcommand; anything else is a spec to generate from (write
    // `./diff` for a spec of that name).
    let result = if std::env::args_os()
        .nth(1)
        .is_some_and(|first| first == "diff")
    {
        run_diff(&DiffArgs::parse_from(std::env::args_os().skip(1)))
    } else {
        run(&Args::parse())
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the pipeline `runs` times and prints medians as JSON.
fn bench(path: &Path, source: &str, config: &Config, runs: usize) -> Result<(), String> {
    let mut samples = Vec::new();
    let mut generated = None;
    let mut lines = 0;
    for _ in 0..runs {
        // Files are counted and dropped as they come, as the binary writes and drops
        // them, and the spec is read for each run and handed over, as `run` does: the
        // peak is the pipeline's, not the whole output's.
        lines = 0;
        let spec = read_spec(path)?;
        let (result, timings) = generator::generate_each(
            spec.into(),
            source,
            config,
            generator::Tool::None,
            &mut |_, _path, text| {
                lines += text.lines().count();
                Ok(())
            },
        );
        generated = Some(result.map_err(|error| error.to_string())?);
        samples.push(timings);
    }
    let generated = generated.ok_or("no run")?;
    let median = |pick: &dyn Fn(&generator::Timings) -> std::time::Duration| {
        let mut values: Vec<u128> = samples.iter().map(|t| pick(t).as_micros()).collect();
        values.sort_unstable();
        values[values.len() / 2]
    };
    let operations = generated.api.root.operation_count();
    let runtime: usize = generator::emit::RUNTIME_FILES
        .iter()
        .map(|(_, text)| text.lines().count())
        .sum();
    let peak_kb = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
        })
        .unwrap_or(0);
    println!(
        "{{\"load_us\":{},\"normalize_us\":{},\"deserialize_us\":{},\"lower_us\":{},\"emit_us\":{},\"format_us\":{},\"total_us\":{},\"peak_kb\":{peak_kb},\"operations\":{operations},\"lines\":{lines},\"runtime_lines\":{runtime}}}",
        median(&|t| t.load),
        median(&|t| t.normalize),
        median(&|t| t.deserialize),
        median(&|t| t.lower),
        median(&|t| t.emit),
        median(&|t| t.format),
        median(&|t| t.total()),
    );
    Ok(())
}

fn read_config(path: Option<&Path>) -> Result<Config, String> {
    match path {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Config::from_toml(&text).map_err(|e| format!("invalid config {}: {e}", path.display()))
        }
        None => Ok(Config::default()),
    }
}

fn run_diff(args: &DiffArgs) -> Result<(), String> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let (old, new) = (read(&args.old)?, read(&args.new)?);
    let config = read_config(args.config.as_deref())?;
    let report = generator::diff_specs(&old, &new, &config, args.current_version.as_deref())
        .map_err(|error| match error {
            GenerateError::DiffSide { side, diagnostics } => {
                let (bytes, path) = if side == "old" {
                    (&old, &args.old)
                } else {
                    (&new, &args.new)
                };
                let shown = path.display().to_string();
                format!(
                    "{}{shown}: the spec was refused",
                    diagnostics.render(&String::from_utf8_lossy(bytes), &shown)
                )
            }
            other => other.to_string(),
        })?;
    print!(
        "{}",
        match args.format {
            Format::Text => report.text(),
            Format::Json => report.json(),
            Format::Markdown => report.markdown(),
        }
    );
    Ok(())
}

/// The spec's bytes.
fn read_spec(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn run(args: &Args) -> Result<(), String> {
    let mut config = read_config(args.config.as_deref())?;
    if let Some(name) = &args.name {
        if !generator::config::valid_package_name(name) {
            return Err(format!(
                "--name `{name}` is not a valid crate name: use ASCII letters, digits, `-` and `_`, starting with a letter"
            ));
        }
        config.package.name.clone_from(name);
    }
    let source = args
        .spec
        .file_name()
        .map_or_else(|| "spec".to_owned(), |n| n.to_string_lossy().into_owned());
    if let Some(runs) = args.bench_runs {
        return bench(&args.spec, &source, &config, runs.max(1));
    }
    let shown_name = args.spec.display().to_string();
    let sdk_path = match &args.cli_out {
        Some(cli_out) => Some(relative_path(cli_out, &args.out)?),
        None => None,
    };
    let tool = sdk_path
        .as_deref()
        .map_or(generator::Tool::None, generator::Tool::At);
    // Each file is written as soon as it is formatted and then dropped.
    let (mut written, mut written_cli) = (0, 0);
    // The bytes are handed over, so the pipeline frees them before emitting; the
    // text is read again only to show problems in it.
    let spec = read_spec(&args.spec)?;
    let spec_text =
        || read_spec(&args.spec).map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    let (result, _) = generator::generate_each(
        spec.into(),
        &source,
        &config,
        tool,
        &mut |krate, path, text| {
            let (dir, count) = match (krate, &args.cli_out) {
                (generator::Crate::Cli, Some(cli_out)) => (cli_out, &mut written_cli),
                _ => (&args.out, &mut written),
            };
            write_file(dir, &path, &text)
                .map_err(|message| generator::emit::EmitError::Write { path, message })?;
            *count += 1;
            Ok(())
        },
    );
    let generated = result.map_err(|error| match error {
        GenerateError::Spec(diagnostics) => format!(
            "{}{shown_name}: the spec was refused",
            diagnostics.render(&spec_text().unwrap_or_default(), &shown_name)
        ),
        other => other.to_string(),
    })?;
    eprintln!("wrote {written} files to {}", args.out.display());
    if let Some(cli_out) = &args.cli_out {
        eprintln!("wrote {written_cli} files to {}", cli_out.display());
    }
    let warnings = generator::Diagnostics(generated.warnings.warnings().cloned().collect());
    if !warnings.0.is_empty() {
        eprint!("{}", warnings.render(&spec_text()?, &shown_name));
    }
    // Hand-written modules start from a seed, written only where no file exists.
    for (path, contents) in &generated.seeds {
        let target = args.out.join(path);
        if !target.exists() {
            std::fs::write(&target, contents)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// Writes one file under `dir`, making its directories.
fn write_file(dir: &Path, path: &str, contents: &str) -> Result<(), String> {
    let target = dir.join(path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&target, contents).map_err(|e| format!("cannot write {}: {e}", target.display()))
}

/// The path of `to` relative to `from` (both directories), with `/` separators.
fn relative_path(from: &Path, to: &Path) -> Result<String, String> {
    let absolute = |path: &Path| -> Result<PathBuf, String> {
        std::fs::create_dir_all(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        path.canonicalize()
            .map_err(|e| format!("cannot resolve {}: {e}", path.display()))
    };
    let (from, to) = (absolute(from)?, absolute(to)?);
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from.components().count() - common;
    let parts: Vec<String> = std::iter::repeat_n("..".to_owned(), ups)
        .chain(
            to.components()
                .skip(common)
                .map(|c| c.as_os_str().to_string_lossy().into_owned()),
        )
        .collect();
    Ok(if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    })
}

#[cfg(test)]
mod tests {
    use super::relative_path;

    #[test]
    fn the_tool_names_the_sdk_by_a_relative_path() {
        let root = std::env::temp_dir().join(format!("generator-paths-{}", std::process::id()));
        let sdk = root.join("out/my-sdk");
        let cli = root.join("tools/my-sdk-cli");
        assert_eq!(relative_path(&cli, &sdk).as_deref(), Ok("../../out/my-sdk"));
        assert_eq!(relative_path(&sdk, &sdk).as_deref(), Ok("."));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn toml_strings_are_escaped() {
        assert_eq!(generator::emit::toml_string(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
