//! `cargo xtask corpus [DIR] [--fast] [--test] [--write-docs]`: the generator against real specs.
//!
//! Input: every `*.json`, `*.yaml` and `*.yml` in DIR (default `../shared/corpus`).
//! Output: a table (spec, operations, generated lines, generation time, `cargo check`
//! result, warnings) on stdout, and with `--write-docs` in `docs/CORPUS.md`.
//!
//! Each spec becomes an SDK crate and its command-line tool's crate (`<name>-cli`)
//! under `target/corpus/`; generated lines count both. One workspace holds them all,
//! with this repository's `Cargo.lock`; checking the tool checks the SDK too, with
//! this repository's target dir, so their shared dependencies compile once. `--fast` takes the small specs only (CI).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use generator::{Config, GenerateError};

use crate::scratch::{self, Scratch};

/// Specs small enough for CI: each generates and checks in seconds.
const FAST: &[&str] = &[
    "oai-petstore.yaml",
    "oai-petstore-expanded.yaml",
    "oai-uspto.yaml",
    "oai-31-non-oauth-scopes.yaml",
    "progenitor-param-collision.json",
    "progenitor-keeper.json",
    "scalar-galaxy-3.1.yaml",
    "swagger-petstore3.yaml",
    "train-travel.yaml",
    "redocly-museum.yaml",
];

/// One spec's row.
struct Row {
    spec: String,
    /// The SDK's package in the scratch workspace (empty when none was generated).
    package: String,
    operations: usize,
    lines: usize,
    generate_ms: u128,
    check: String,
    warnings: usize,
    check_seconds: f64,
}

/// The OpenAPI documents (`.json`, `.yaml`, `.yml`) in a folder, sorted by path.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "json" || ext == "yaml" || ext == "yml")
        })
        .collect();
    specs.sort();
    Ok(specs)
}

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let fast = args.contains(&"--fast");
    let roundtrip = args.contains(&"--test");
    let write_docs = args.contains(&"--write-docs");
    let dir = args
        .iter()
        .find(|arg| !arg.starts_with("--"))
        .map_or_else(|| root.join("../shared/corpus"), PathBuf::from);
    let specs: Vec<PathBuf> = spec_files(&dir)?
        .into_iter()
        .filter(|path| {
            !fast
                || path
                    .file_name()
                    .is_some_and(|name| FAST.contains(&name.to_string_lossy().as_ref()))
        })
        .collect();
    if specs.is_empty() {
        return Err(format!("no specs in {}", dir.display()));
    }

    let mut workspace = Scratch::create(root, "corpus")?;
    let mut rows = Vec::new();
    for spec in &specs {
        let file_name = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let crate_name = format!(
            "corpus-{}",
            file_name
                .trim_end_matches(".json")
                .trim_end_matches(".yaml")
                .trim_end_matches(".yml")
                .replace(['.', '_'], "-")
                .to_ascii_lowercase()
        );
        let bytes =
            std::fs::read(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
        let mut config = Config::default();
        config.package.name.clone_from(&crate_name);
        let started = Instant::now();
        let result = generator::generate(&bytes, &file_name, &config);
        let generate_ms = started.elapsed().as_millis();
        match result {
            Ok(generated) => {
                let operations = generated.api.root.operation_count();
                let lines: usize = generated
                    .files
                    .values()
                    .map(|text| text.lines().count())
                    .sum();
                // The command-line tool is generated and checked beside every SDK.
                let cli_files = &generated.cli;
                let lines = lines
                    + cli_files
                        .values()
                        .map(|text| text.lines().count())
                        .sum::<usize>();
                workspace.add(&crate_name, &generated.files)?;
                workspace.add(&format!("{crate_name}-cli"), cli_files)?;
                rows.push(Row {
                    spec: file_name,
                    package: crate_name.clone(),
                    operations,
                    lines,
                    generate_ms,
                    check: crate_name,
                    warnings: 0,
                    check_seconds: 0.0,
                });
            }
            Err(GenerateError::Spec(diagnostics)) => {
                let first = diagnostics
                    .0
                    .iter()
                    .find(|d| d.severity == generator::Severity::Error)
                    .map_or_else(String::new, |d| d.message.clone());
                rows.push(Row {
                    spec: file_name,
                    package: String::new(),
                    operations: 0,
                    lines: 0,
                    generate_ms,
                    check: format!("refused: {first}"),
                    warnings: 0,
                    check_seconds: 0.0,
                });
            }
            Err(other) => {
                rows.push(Row {
                    spec: file_name,
                    package: String::new(),
                    operations: 0,
                    lines: 0,
                    generate_ms,
                    check: format!("generator error: {other}"),
                    warnings: 0,
                    check_seconds: 0.0,
                });
            }
        }
    }

    workspace.finish(root)?;

    for row in rows
        .iter_mut()
        .filter(|row| workspace.members.contains(&row.check))
    {
        // Checking the tool checks the SDK it depends on; diagnostics of both count.
        let cli_package = format!("{}-cli", row.check);
        let started = Instant::now();
        let output = scratch::cargo(root)
            .args([
                "check",
                "--quiet",
                "--message-format=json",
                "--package",
                &cli_package,
            ])
            .current_dir(&workspace.dir)
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        row.check_seconds = started.elapsed().as_secs_f64();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let (warnings, errors) = count_diagnostics(&stdout, &row.check);
        row.warnings = warnings;
        row.check = if output.status.success() {
            "ok".to_owned()
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            eprintln!(
                "{}: cargo check failed:\n{}",
                row.spec,
                first_errors(&stdout, &stderr)
            );
            format!("FAILED ({errors} errors)")
        };
        eprintln!(
            "{}: {} ({} warnings, {:.1} s)",
            row.spec, row.check, row.warnings, row.check_seconds
        );
    }

    let mut roundtrip_failed = Vec::new();
    if roundtrip {
        for row in rows.iter().filter(|row| row.check == "ok") {
            let package = &row.package;
            let mut output = scratch::cargo(root)
                .args([
                    "test",
                    "--quiet",
                    "--package",
                    package,
                    "--test",
                    "roundtrip",
                ])
                .current_dir(&workspace.dir)
                .output()
                .map_err(|e| format!("cannot run cargo: {e}"))?;
            if output.status.success() {
                output = scratch::cargo(root)
                    .args(["test", "--quiet", "--package", package, "--doc"])
                    .current_dir(&workspace.dir)
                    .output()
                    .map_err(|e| format!("cannot run cargo: {e}"))?;
            }
            if output.status.success() {
                eprintln!("{}: round trip and doctests ok", row.spec);
            } else {
                eprintln!(
                    "{}: round trip or doctests FAILED:\n{}{}",
                    row.spec,
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                );
                roundtrip_failed.push(row.spec.clone());
            }
            let cli_package = format!("{package}-cli");
            scratch::clean(root, &workspace.dir, &[package, &cli_package])?;
        }
    }

    let table = render(&rows);
    println!("{table}");
    if write_docs {
        let doc = format!(
            "# The generator on the real-spec corpus\n\n\
             Made with `cargo xtask corpus --write-docs` on the 2-core CI machine kind; each spec in `shared/corpus` is generated into `target/corpus/`, with its command-line tool, and both are checked with `cargo check` (dependencies already built); generated lines count both crates.\n\
             Generation time is one in-process run of the whole pipeline (load, lower, emit, format); it runs in the debug-built `xtask`, so it is several times the release figures in [BENCHMARKS.md](BENCHMARKS.md); `cargo check` time is per crate.\n\n{table}\n"
        );
        std::fs::write(root.join("docs/CORPUS.md"), doc).map_err(|e| e.to_string())?;
    }
    let failed: Vec<&Row> = rows
        .iter()
        .filter(|row| row.check != "ok" && !row.check.starts_with("refused"))
        .collect();
    let warned: Vec<&Row> = rows.iter().filter(|row| row.warnings > 0).collect();
    if !roundtrip_failed.is_empty() {
        return Err(format!(
            "round trip failed for {}",
            roundtrip_failed.join(", ")
        ));
    }
    if failed.is_empty() && warned.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} spec(s) failed and {} had warnings: {}",
            failed.len(),
            warned.len(),
            failed
                .iter()
                .chain(&warned)
                .map(|row| row.spec.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }
}

/// Warnings and errors cargo reported for this package (JSON messages).
fn count_diagnostics(stdout: &str, package: &str) -> (usize, usize) {
    let mut warnings = 0;
    let mut errors = 0;
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" {
            continue;
        }
        let target = message["package_id"].as_str().unwrap_or_default();
        if !target.contains(package) {
            continue;
        }
        match message["message"]["level"].as_str() {
            Some("warning")
                if !message["message"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("warnings emitted") =>
            {
                warnings += 1;
            }
            Some("error") => errors += 1,
            _ => {}
        }
    }
    (warnings, errors)
}

fn first_errors(stdout: &str, stderr: &str) -> String {
    let mut out = String::new();
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] == "compiler-message"
            && let Some(rendered) = message["message"]["rendered"].as_str()
        {
            out.push_str(rendered);
            if out.len() > 4000 {
                break;
            }
        }
    }
    if out.is_empty() {
        out.push_str(stderr);
    }
    out
}

fn render(rows: &[Row]) -> String {
    let mut table = String::from(
        "| spec | operations | generated lines | generation ms | cargo check | warnings | check s |\n| --- | ---: | ---: | ---: | --- | ---: | ---: |\n",
    );
    for row in rows {
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {} | {} | {:.1} |",
            row.spec,
            row.operations,
            row.lines,
            row.generate_ms,
            row.check,
            row.warnings,
            row.check_seconds
        );
    }
    let generated = rows.iter().filter(|row| row.check == "ok").count();
    let _ = writeln!(
        table,
        "\n{generated} of {} specs generated and checked clean; {} refused.",
        rows.len(),
        rows.iter()
            .filter(|row| row.check.starts_with("refused"))
            .count()
    );
    table
}
