//! The `generator` command: one spec in, one SDK crate written to a directory.
//!
//! Input: `generator <SPEC> --out <DIR> [--config <FILE>] [--name <CRATE>]`.
//! Output: the crate's files under `<DIR>`; warnings on stderr; exit code 0 on
//! success and 1 when the spec is refused, with every problem listed.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use generator::{Config, GenerateError};

/// Generate a Rust SDK crate from an OpenAPI 3.0 or 3.1 document.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The OpenAPI document (JSON or YAML).
    spec: PathBuf,
    /// The directory to write the crate into.
    #[arg(long)]
    out: PathBuf,
    /// The generator config (TOML); defaults derive everything from the spec.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The crate name; defaults to the config's, then one derived from the spec's title.
    #[arg(long)]
    name: Option<String>,
    /// Benchmark mode for `cargo xtask bench`: generate this many times, write
    /// nothing, and print the median time of each phase, the peak memory and the size
    /// of the output as one JSON line.
    #[arg(long, hide = true)]
    bench_runs: Option<usize>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the pipeline `runs` times and prints medians as JSON.
fn bench(spec: &[u8], source: &str, config: &Config, runs: usize) -> Result<(), String> {
    let mut samples = Vec::new();
    let mut generated = None;
    for _ in 0..runs {
        let (result, timings) = generator::generate_timed(spec, source, config);
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
    let lines: usize = generated
        .files
        .values()
        .map(|text| text.lines().count())
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

fn run(args: &Args) -> Result<(), String> {
    let spec = std::fs::read(&args.spec)
        .map_err(|e| format!("cannot read {}: {e}", args.spec.display()))?;
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Config::from_toml(&text)
                .map_err(|e| format!("invalid config {}: {e}", path.display()))?
        }
        None => Config::default(),
    };
    if let Some(name) = &args.name {
        config.package.name.clone_from(name);
    }
    let source = args
        .spec
        .file_name()
        .map_or_else(|| "spec".to_owned(), |n| n.to_string_lossy().into_owned());
    if let Some(runs) = args.bench_runs {
        return bench(&spec, &source, &config, runs.max(1));
    }
    let text = String::from_utf8_lossy(&spec);
    let shown_name = args.spec.display().to_string();
    let generated = generator::generate(&spec, &source, &config).map_err(|error| match error {
        GenerateError::Spec(diagnostics) => format!(
            "{}{shown_name}: the spec was refused",
            diagnostics.render(&text, &shown_name)
        ),
        other => other.to_string(),
    })?;
    let warnings = generator::Diagnostics(generated.warnings.warnings().cloned().collect());
    if !warnings.0.is_empty() {
        eprint!("{}", warnings.render(&text, &shown_name));
    }
    for (path, contents) in &generated.files {
        let target = args.out.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&target, contents)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    eprintln!(
        "wrote {} files to {}",
        generated.files.len(),
        args.out.display()
    );
    Ok(())
}
