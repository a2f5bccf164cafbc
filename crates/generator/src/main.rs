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
