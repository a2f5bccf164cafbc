//! `cargo xtask bench --peers-only` (or `--peers` with the whole bench): this
//! generator side by side with its peers, in one run.
//!
//! Input: the release `generator` binary, the specs in [`SPECS`], and the peers,
//! installed here on first use from the package registries: progenitor 0.15.1
//! (`cargo install cargo-progenitor`, into `target/peers/progenitor`) and OpenAPI
//! Generator 7.26.0 (the PyPI package `openapi-generator-cli`, which bundles the JAR,
//! into a venv at `target/peers/openapi-generator`; it needs a Java runtime).
//! Output: a Markdown table on stdout (and in `docs/BENCHMARKS.md` with `--peers`):
//! per spec and tool, the median generation time of N interleaved runs (the tools
//! take turns within each round), the `cargo check` time of the generated crate
//! with its dependencies already built, and that time per operation; then the two
//! ratios the targets are about.
//!
//! Each tool's crate is checked in its own workspace under `target/peers/check/`,
//! all sharing `target/peers/target`: a first `cargo check` builds the dependencies
//! (not timed), then the crate's sources are touched and it is checked again (timed),
//! with incremental compilation off so that the timed check does the whole crate.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// (label, spec path from the workspace root).
const SPECS: &[(&str, &str)] = &[
    (
        "progenitor-nexus.json",
        "../shared/corpus/progenitor-nexus.json",
    ),
    ("oai-petstore.yaml", "../shared/corpus/oai-petstore.yaml"),
    ("LlamaCloud", "spec/openapi.json"),
];

const PROGENITOR_VERSION: &str = "0.15.1";
const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";

/// The tools compared.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    Ours,
    Progenitor,
    OpenApiGenerator,
}

impl Tool {
    fn label(self) -> &'static str {
        match self {
            Self::Ours => "this generator",
            Self::Progenitor => "progenitor 0.15.1",
            Self::OpenApiGenerator => "OpenAPI Generator 7.26.0 (`rust`)",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Self::Ours => "ours",
            Self::Progenitor => "progenitor",
            Self::OpenApiGenerator => "openapi-generator",
        }
    }
}

/// Where each tool's executable is.
struct Installed {
    ours: PathBuf,
    progenitor: PathBuf,
    openapi_generator: PathBuf,
}

/// Installs the peers under `target/peers` when they are missing.
fn install(root: &Path) -> Result<(PathBuf, PathBuf), String> {
    let peers = root.join("target/peers");
    let progenitor = peers.join("progenitor/bin/cargo-progenitor");
    if !progenitor.is_file() {
        eprintln!("installing progenitor {PROGENITOR_VERSION} (cargo install) ...");
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .args([
                "install",
                "cargo-progenitor",
                "--version",
                PROGENITOR_VERSION,
                "--locked",
                "--root",
            ])
            .arg(peers.join("progenitor"))
            .status()
            .map_err(|e| format!("cannot run cargo install: {e}"))?;
        if !status.success() {
            return Err("cargo install cargo-progenitor failed".to_owned());
        }
    }
    let venv = peers.join("openapi-generator");
    let openapi_generator = venv.join("bin/openapi-generator-cli");
    if !openapi_generator.is_file() {
        eprintln!(
            "installing OpenAPI Generator {OPENAPI_GENERATOR_VERSION} (pip, into a venv) ..."
        );
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .map_err(|e| format!("cannot run python3: {e}"))?;
        let installed = status.success()
            && Command::new(venv.join("bin/pip"))
                .args([
                    "install",
                    "--quiet",
                    &format!("openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}"),
                ])
                .status()
                .map_err(|e| format!("cannot run pip: {e}"))?
                .success();
        if !installed {
            return Err("pip install openapi-generator-cli failed".to_owned());
        }
    }
    let java = Command::new("java").arg("-version").output();
    if !java.is_ok_and(|output| output.status.success()) {
        return Err(
            "OpenAPI Generator needs a Java runtime (e.g. Debian's openjdk-17-jre-headless)"
                .to_owned(),
        );
    }
    Ok((progenitor, openapi_generator))
}

/// The command that generates `spec` into `out` with `tool`.
fn generate_command(installed: &Installed, tool: Tool, spec: &Path, out: &Path) -> Command {
    match tool {
        Tool::Ours => {
            let mut command = Command::new(&installed.ours);
            command
                .arg(spec)
                .arg("--out")
                .arg(out)
                .args(["--name", "peer-bench"]);
            command
        }
        Tool::Progenitor => {
            let mut command = Command::new(&installed.progenitor);
            command
                .args(["progenitor", "-i"])
                .arg(spec)
                .arg("-o")
                .arg(out)
                .args(["-n", "peer-bench", "-v", "0.1.0"]);
            command
        }
        Tool::OpenApiGenerator => {
            let mut command = Command::new(&installed.openapi_generator);
            command
                .args([
                    "generate",
                    "-g",
                    "rust",
                    "--package-name",
                    "peer-bench",
                    "-i",
                ])
                .arg(spec)
                .arg("-o")
                .arg(out);
            command
        }
    }
}

/// One tool on one spec: the generation times, and where its last output is.
struct Run {
    tool: Tool,
    seconds: Vec<f64>,
    out: PathBuf,
    failure: Option<String>,
}

fn median(values: &mut [f64]) -> f64 {
    crate::bench::median(values).unwrap_or(f64::NAN)
}

/// The first line of a failure's output that says what went wrong.
fn first_error(output: &std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    text.lines()
        .find(|line| {
            let lower = line.to_ascii_lowercase();
            lower.contains("error") || lower.contains("exception") || lower.contains("panic")
        })
        .or_else(|| text.lines().find(|line| !line.trim().is_empty()))
        .unwrap_or("failed")
        .trim()
        .chars()
        .take(160)
        .collect()
}

/// `cargo check` of a generated crate with its dependencies already built: seconds.
fn check(root: &Path, tool: Tool, label: &str, out: &Path) -> Result<f64, String> {
    let dir = root.join("target/peers/check").join(format!(
        "{}-{}",
        tool.slug(),
        label.replace('.', "-")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(out, &dir)?;
    // Its own workspace: `target/` is inside this repository's.
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    if !text.contains("[workspace]") {
        text.push_str("\n[workspace]\n");
        std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
    }
    let target = root.join("target/peers/target");
    let cargo = || {
        // The peers' own target dir, not this repository's.
        let mut command = crate::scratch::cargo(root);
        command
            .args(["check", "--quiet"])
            .env("CARGO_TARGET_DIR", &target)
            // Incremental caches would let the timed check reuse the first one's
            // work on unchanged sources: each check is of the whole crate.
            .env("CARGO_INCREMENTAL", "0")
            .current_dir(&dir);
        command
    };
    eprintln!("  {}: building its dependencies ...", tool.label());
    let warm = cargo().output().map_err(|e| e.to_string())?;
    if !warm.status.success() {
        return Err(format!("does not compile: {}", first_error(&warm)));
    }
    touch_sources(&dir.join("src"))?;
    let started = Instant::now();
    let timed = cargo().output().map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    if timed.status.success() {
        Ok(seconds)
    } else {
        Err(format!("does not compile: {}", first_error(&timed)))
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// Makes cargo see every source file as changed (rewriting it as it is).
fn touch_sources(dir: &Path) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            touch_sources(&path)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read(&path).map_err(|e| e.to_string())?;
            std::fs::write(&path, text).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// The comparison table: each spec × tool, then the target ratios.
pub fn peers(root: &Path, binary: &Path, runs: usize) -> Result<String, String> {
    let (progenitor, openapi_generator) = install(root)?;
    let installed = Installed {
        ours: binary.to_path_buf(),
        progenitor,
        openapi_generator,
    };
    let tools = [Tool::Ours, Tool::Progenitor, Tool::OpenApiGenerator];
    let mut table = format!(
        "| spec | operations | tool | generation (median of {runs}) | `cargo check` | check per operation |\n| --- | ---: | --- | ---: | ---: | ---: |\n"
    );
    let mut ratios = String::new();
    for (label, spec) in SPECS {
        let spec = root.join(spec);
        let operations = operation_count(binary, &spec)?;
        eprintln!("{label} ({operations} operations): generating, {runs} rounds ...");
        let mut results: Vec<Run> = tools
            .iter()
            .map(|&tool| Run {
                tool,
                seconds: Vec::new(),
                out: root.join("target/peers/out").join(format!(
                    "{}-{}",
                    tool.slug(),
                    label.replace('.', "-")
                )),
                failure: None,
            })
            .collect();
        // Interleaved: each round runs every tool once, so a slow minute of this
        // noisy machine falls on all of them.
        for _ in 0..runs {
            for run in results.iter_mut().filter(|run| run.failure.is_none()) {
                let _ = std::fs::remove_dir_all(&run.out);
                let started = Instant::now();
                let output = generate_command(&installed, run.tool, &spec, &run.out)
                    .output()
                    .map_err(|e| format!("cannot run {}: {e}", run.tool.label()))?;
                let seconds = started.elapsed().as_secs_f64();
                if output.status.success() {
                    run.seconds.push(seconds);
                } else {
                    run.failure = Some(format!("cannot generate: {}", first_error(&output)));
                }
            }
        }
        let mut checks: Vec<(Tool, f64, f64)> = Vec::new();
        for run in &mut results {
            let generation = if run.failure.is_some() {
                "—".to_owned()
            } else {
                format!("{:.3} s", median(&mut run.seconds))
            };
            let check = match &run.failure {
                Some(failure) => Err(failure.clone()),
                None => check(root, run.tool, label, &run.out),
            };
            #[allow(clippy::cast_precision_loss, reason = "small counts")]
            let (check_text, per_op) = match check {
                Ok(seconds) => {
                    let per_op = seconds / operations.max(1) as f64;
                    checks.push((run.tool, median(&mut run.seconds), per_op));
                    (format!("{seconds:.1} s"), format!("{per_op:.3} s"))
                }
                Err(failure) => (failure.replace('|', "\\|"), "—".to_owned()),
            };
            let _ = writeln!(
                table,
                "| {label} | {operations} | {} | {generation} | {check_text} | {per_op} |",
                run.tool.label()
            );
        }
        let ours = checks.iter().find(|(tool, _, _)| *tool == Tool::Ours);
        let best_peer = checks
            .iter()
            .filter(|(tool, _, _)| *tool != Tool::Ours)
            .min_by(|a, b| a.2.total_cmp(&b.2));
        if let (Some(ours), Some(peer)) = (ours, best_peer) {
            let ratio = ours.2 / peer.2;
            let _ = writeln!(
                ratios,
                "- {label}: our `cargo check` per operation is {ratio:.2}× the best peer's ({}); target at most 0.5: **{}**.",
                peer.0.label(),
                if ratio <= 0.5 { "met" } else { "not met" }
            );
        }
        let progenitor = checks.iter().find(|(tool, _, _)| *tool == Tool::Progenitor);
        if let (Some(ours), Some(progenitor)) = (ours, progenitor) {
            let ratio = ours.1 / progenitor.1;
            let _ = writeln!(
                ratios,
                "- {label}: our generation takes {ratio:.3}× progenitor's time{}.",
                if *label == "progenitor-nexus.json" {
                    format!(
                        "; target at most 0.1: **{}**",
                        if ratio <= 0.1 { "met" } else { "not met" }
                    )
                } else {
                    String::new()
                }
            );
        }
    }
    Ok(format!("{table}\n{ratios}"))
}

/// The number of operations our generator finds in a spec.
fn operation_count(binary: &Path, spec: &Path) -> Result<u64, String> {
    let output = Command::new(binary)
        .arg(spec)
        .arg("--out")
        .arg(std::env::temp_dir().join("xtask-peers-count"))
        .args(["--bench-runs", "1"])
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "{}: {}",
            spec.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let values: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
    Ok(values["operations"].as_u64().unwrap_or(0))
}
