//! `cargo xtask bench [--runs N] [--skip-overhead] [--big-only] [--tls-only] [--peers | --peers-only] [--load | --load-only]`: how fast the generator
//! and its output are, written to `docs/BENCHMARKS.md`.
//!
//! Input: the release `generator` binary (built here), the specs below, the checked-in
//! SDK and the request-overhead benchmark.
//! Output: a table per measurement on stdout and the same in `docs/BENCHMARKS.md`:
//! generation time per phase (median of N runs, in-process), peak memory (one process
//! per spec), generated lines per operation, `cargo check` time of the generated
//! `llama-cloud` crate with its dependencies built, and the SDK's request overhead.
//! It also generates synthetic specs of 5 MB and 50 MB (`--big-only`: just those, to
//! stdout) and reports peak memory as a multiple of the spec's size, and time per MB.
//! `--tls-only` times a clean build of the generated `llama-cloud` crate and its
//! dependencies with each TLS backend feature, to stdout. `--peers` adds the
//! comparison with progenitor and OpenAPI Generator (`peers.rs`), which
//! `--peers-only` prints alone; `--load` adds the load benchmark
//! (`crates/llama-cloud-example/benches/load.rs`), which `--load-only` prints alone.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::scratch::cargo;

/// (label, spec, config, target in ms).
const SPECS: &[(&str, &str, Option<&str>, Option<u64>)] = &[
    (
        "LlamaCloud (whole API)",
        "spec/openapi.json",
        Some("spec/llama-cloud.toml"),
        Some(150),
    ),
    (
        "progenitor-nexus.json",
        "../shared/corpus/progenitor-nexus.json",
        None,
        Some(90),
    ),
    (
        "stripe-spec3.yaml",
        "../shared/corpus/stripe-spec3.yaml",
        None,
        None,
    ),
    (
        "digitalocean.bundled.yaml",
        "../shared/corpus/digitalocean.bundled.yaml",
        None,
        None,
    ),
    (
        "github-api.github.com.json",
        "../shared/corpus/github-api.github.com.json",
        None,
        Some(1000),
    ),
];

/// A synthetic spec of `schemas` object schemas (each with scalar, enum, list and
/// reference properties) and one GET per ten schemas: about 600 bytes a schema.
fn synthetic_spec(schemas: usize) -> String {
    use serde_json::json;
    let mut components = serde_json::Map::new();
    let mut paths = serde_json::Map::new();
    for i in 0..schemas {
        let mut properties = json!({
            "id": {"type": "string", "format": "uuid", "description": format!("Identifier of the record {i}.")},
            "name": {"type": "string", "maxLength": 200},
            "count": {"type": "integer", "minimum": 0},
            "score": {"type": "number"},
            "status": {"type": "string", "enum": ["active", "archived", "deleted"]},
            "tags": {"type": "array", "items": {"type": "string"}}
        });
        if i > 0 {
            properties["parent"] = json!({"$ref": format!("#/components/schemas/S{}", i - 1)});
            properties["children"] = json!({"type": "array", "items": {"$ref": format!("#/components/schemas/S{}", i / 2)}});
        }
        components.insert(
            format!("S{i}"),
            json!({"type": "object", "description": format!("Synthetic schema {i}."), "required": ["id", "name"], "properties": properties}),
        );
        if i % 10 == 0 {
            paths.insert(
                format!("/s{i}/{{id}}"),
                json!({"get": {"operationId": format!("get_s{i}"), "tags": [format!("t{}", i / 200)],
                    "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/S{i}")}}}}}}}),
            );
        }
    }
    json!({"openapi": "3.0.3", "info": {"title": "Synthetic", "version": "1"}, "paths": paths, "components": {"schemas": components}})
        .to_string()
}

/// Generates the 5 MB and 50 MB synthetic specs once each; a table of spec size,
/// peak memory and its multiple of the size, and time.
fn big_specs(root: &Path, binary: &Path) -> Result<String, String> {
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let mut table = String::from(
        "| spec | schemas | size | peak memory | peak / size | total time | time per MB |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for (label, schemas) in [("synthetic 5 MB", 8_000), ("synthetic 50 MB", 80_000)] {
        eprintln!("generating {label} ...");
        let path = dir.join(format!("synthetic-{schemas}.json"));
        let text = synthetic_spec(schemas);
        std::fs::write(&path, &text).map_err(|e| e.to_string())?;
        let output = Command::new(binary)
            .arg(&path)
            .arg("--out")
            .arg(std::env::temp_dir().join("xtask-bench-big"))
            .args(["--bench-runs", "1"])
            .output()
            .map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(format!(
                "{label}: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let values: serde_json::Value =
            serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
        #[allow(clippy::cast_precision_loss, reason = "sizes far below 2^52")]
        let size_mb = text.len() as f64 / 1_048_576.0;
        let peak_mb = values["peak_kb"].as_f64().unwrap_or(0.0) / 1024.0;
        let seconds = values["total_us"].as_f64().unwrap_or(0.0) / 1e6;
        let _ = writeln!(
            table,
            "| {label} | {schemas} | {size_mb:.1} MB | {peak_mb:.0} MB | {:.1}× | {seconds:.2} s | {:.2} s |",
            peak_mb / size_mb,
            seconds / size_mb
        );
    }
    Ok(table)
}

/// A clean `cargo build` (dev profile) of `llama-cloud` and its dependencies with
/// each TLS backend alone, each in its own empty target directory, one after the
/// other; a table of wall time and the number of crates built.
fn tls_builds(root: &Path) -> Result<String, String> {
    let mut table =
        String::from("| feature | backend | crates | clean build |\n| --- | --- | ---: | ---: |\n");
    // Every default feature but the TLS backend: all the resources, the logger.
    let manifest = std::fs::read_to_string(root.join("crates/llama-cloud/Cargo.toml"))
        .map_err(|e| e.to_string())?;
    let defaults: Vec<String> = manifest
        .lines()
        .find_map(|line| line.strip_prefix("default = ["))
        .ok_or("crates/llama-cloud/Cargo.toml has no default features")?
        .trim_end_matches(']')
        .split(',')
        .map(|name| name.trim().trim_matches('"').to_owned())
        .filter(|name| name != "rustls")
        .collect();
    for (feature, backend) in [
        ("rustls", "rustls + aws-lc-rs (default)"),
        ("rustls-ring", "rustls + ring"),
        ("native-tls", "OpenSSL (native-tls)"),
        ("rustls-no-provider", "rustls, no provider"),
    ] {
        eprintln!("clean build with `{feature}` ...");
        let dir = root.join("target/bench-tls").join(feature);
        let _ = std::fs::remove_dir_all(&dir);
        let features = format!("{feature},{}", defaults.join(","));
        let args = [
            "-p",
            "llama-cloud",
            "--no-default-features",
            "--features",
            features.as_str(),
        ];
        let started = Instant::now();
        let output = cargo(root)
            .arg("build")
            .args(args)
            .env("CARGO_TARGET_DIR", &dir)
            .current_dir(root)
            .output()
            .map_err(|e| e.to_string())?;
        let seconds = started.elapsed().as_secs_f64();
        if !output.status.success() {
            return Err(format!(
                "`{feature}`: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let crates = String::from_utf8_lossy(&output.stderr)
            .lines()
            .filter(|line| line.trim_start().starts_with("Compiling "))
            .count();
        let _ = std::fs::remove_dir_all(&dir);
        let _ = writeln!(
            table,
            "| `{feature}` | {backend} | {crates} | {seconds:.1} s |"
        );
    }
    Ok(table)
}

struct Measured {
    label: &'static str,
    values: serde_json::Value,
    target_ms: Option<u64>,
}

fn ms(values: &serde_json::Value, key: &str) -> f64 {
    #[allow(
        clippy::cast_precision_loss,
        reason = "microsecond counts are far below 2^52"
    )]
    let micros = values[key].as_u64().unwrap_or(0) as f64;
    micros / 1000.0
}

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let runs: usize = args
        .iter()
        .position(|arg| *arg == "--runs")
        .and_then(|index| args.get(index + 1))
        .and_then(|value| value.parse().ok())
        .unwrap_or(5);
    let skip_overhead = args.contains(&"--skip-overhead");
    if args.contains(&"--tls-only") {
        println!("{}", tls_builds(root)?);
        return Ok(());
    }

    eprintln!("building the release generator ...");
    let status = cargo(root)
        .args(["build", "--quiet", "--release", "-p", "generator"])
        .current_dir(root)
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err("cannot build the generator".to_owned());
    }
    let binary = root.join("target/release/generator");
    let scratch = std::env::temp_dir().join("xtask-bench-out");
    if args.contains(&"--big-only") {
        println!("{}", big_specs(root, &binary)?);
        return Ok(());
    }
    if args.contains(&"--load-only") {
        println!("{}", load(root)?);
        return Ok(());
    }
    if args.contains(&"--peers-only") {
        println!("{}", crate::peers::peers(root, &binary, runs)?);
        return Ok(());
    }

    let mut measured = Vec::new();
    for (label, spec, config, target_ms) in SPECS {
        eprintln!("generating {label} ({runs} runs) ...");
        let mut command = Command::new(&binary);
        command
            .arg(root.join(spec))
            .arg("--out")
            .arg(&scratch)
            .args(["--bench-runs", &runs.to_string()]);
        if let Some(config) = config {
            command.arg("--config").arg(root.join(config));
        }
        let output = command.output().map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(format!(
                "{label}: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let values: serde_json::Value =
            serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())?;
        measured.push(Measured {
            label,
            values,
            target_ms: *target_ms,
        });
    }

    eprintln!("timing `cargo check` of crates/llama-cloud ...");
    let check = |clean: bool| -> Result<f64, String> {
        if clean {
            cargo(root)
                .args(["clean", "--quiet", "-p", "llama-cloud"])
                .current_dir(root)
                .status()
                .map_err(|e| e.to_string())?;
        }
        let started = Instant::now();
        let status = cargo(root)
            .args(["check", "--quiet", "-p", "llama-cloud"])
            .current_dir(root)
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err("cargo check of llama-cloud failed".to_owned());
        }
        Ok(started.elapsed().as_secs_f64())
    };
    check(false)?; // dependencies built
    let check_seconds = check(true)?;
    let llama_operations = measured[0].values["operations"]
        .as_u64()
        .unwrap_or(1)
        .max(1);

    let overhead = if skip_overhead {
        None
    } else {
        // Three runs, each variant's median taken across them: one run can be
        // disturbed by whatever ran just before (here, the builds above).
        let mut samples: [Vec<f64>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        for round in 1..=3 {
            eprintln!("running the request-overhead benchmark ({round}/3) ...");
            let output = cargo(root)
                .args([
                    "bench",
                    "-p",
                    "llama-cloud-example",
                    "--bench",
                    "request_overhead",
                ])
                .current_dir(root)
                .output()
                .map_err(|e| e.to_string())?;
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            let median = |name: &str| -> Option<f64> {
                let line = text
                    .lines()
                    .find(|line| line.contains(&format!(" {name} ")))?;
                let median = line.split('│').nth(2)?.trim().to_owned();
                parse_duration_us(&median)
            };
            for (slot, name) in
                samples
                    .iter_mut()
                    .zip(["raw_reqwest", "raw_reqwest_same_request", "sdk"])
            {
                slot.extend(median(name));
            }
        }
        let [mut minimal, mut same, mut sdk] = samples;
        Some((median(&mut minimal), median(&mut same), median(&mut sdk)))
    };

    let big = big_specs(root, &binary)?;
    let peers = if args.contains(&"--peers") {
        format!(
            "\n## Side by side with the peers\n\nMade by `cargo xtask bench --peers` (`xtask/src/peers.rs`), in the same run: generation is each tool's whole command (ours includes formatting), `cargo check` is the generated crate alone with its dependencies built.\n\n{}",
            crate::peers::peers(root, &binary, runs)?
        )
    } else {
        String::new()
    };
    let load = if args.contains(&"--load") {
        format!(
            "\n# Under load (`cargo xtask bench --load`, `crates/llama-cloud-example/benches/load.rs`)\n\n{}",
            load(root)?.replace("\n## ", "\n### ")
        )
    } else {
        String::new()
    };
    let report = format!(
        "{}\n## Big specs: memory and time\n\nOne run each; the target is peak memory at most 15 times the spec's size, with time linear in it.\n\n{big}{peers}{load}",
        render(&measured, check_seconds, llama_operations, overhead, runs)
    );
    println!("{report}");
    let doc = format!(
        "# Benchmarks\n\n\
         Written by `cargo xtask bench` (`xtask/src/bench.rs`); rerun it to check every figure.\n\
         Machine: the project's CI machine kind, 2 cores (AMD EPYC, virtualized), 24 GiB, Linux, Rust 1.95.0, release profile.\n\
         Generation is measured in-process by the release `generator` binary (`--bench-runs`), medians of {runs} runs; peak memory is that process's `VmHWM`.\n\n{report}\n{}",
        include_str!("bench_notes.md")
    );
    std::fs::write(root.join("docs/BENCHMARKS.md"), doc).map_err(|e| e.to_string())?;
    eprintln!("wrote docs/BENCHMARKS.md");
    Ok(())
}

/// The load benchmark (`crates/llama-cloud-example/benches/load.rs`): its tables.
fn load(root: &Path) -> Result<String, String> {
    eprintln!("running the load benchmark ...");
    let output = cargo(root)
        .args(["bench", "-p", "llama-cloud-example", "--bench", "load"])
        .current_dir(root)
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "the load benchmark failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The middle value (the upper one of an even count); `None` when there is none.
pub(crate) fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

/// `25.5 µs`, `1.2 ms` → microseconds.
fn parse_duration_us(text: &str) -> Option<f64> {
    let (number, unit) = text.split_once(' ')?;
    let number: f64 = number.parse().ok()?;
    Some(match unit.trim() {
        "ns" => number / 1000.0,
        "µs" | "us" => number,
        "ms" => number * 1000.0,
        "s" => number * 1_000_000.0,
        _ => return None,
    })
}

fn render(
    measured: &[Measured],
    check_seconds: f64,
    llama_operations: u64,
    overhead: Option<(Option<f64>, Option<f64>, Option<f64>)>,
    runs: usize,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Generation time (median of {runs} runs, ms)\n");
    let _ = writeln!(
        out,
        "| spec | operations | parse | normalize | deserialize | lower | emit + format (wall) | total | target | formatting CPU | peak memory |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |"
    );
    for row in measured {
        let v = &row.values;
        let total = ms(v, "total_us");
        let target = match row.target_ms {
            #[allow(clippy::cast_precision_loss, reason = "small numbers")]
            Some(target) if total <= target as f64 => format!("< {target}: met"),
            Some(target) => format!("< {target}: **not met**"),
            None => "—".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | **{:.1}** | {} | {:.1} | {:.0} MB |",
            row.label,
            v["operations"],
            ms(v, "load_us"),
            ms(v, "normalize_us"),
            ms(v, "deserialize_us"),
            ms(v, "lower_us"),
            ms(v, "emit_us"),
            total,
            target,
            ms(v, "format_us"),
            v["peak_kb"].as_f64().unwrap_or(0.0) / 1024.0,
        );
    }
    let _ = writeln!(out, "\n## Generated code\n");
    let _ = writeln!(
        out,
        "| spec | operations | generated lines | of which the fixed runtime | lines per operation (without the runtime) |\n| --- | ---: | ---: | ---: | ---: |"
    );
    for row in measured {
        let v = &row.values;
        let operations = v["operations"].as_u64().unwrap_or(0).max(1);
        let lines = v["lines"].as_u64().unwrap_or(0);
        let runtime = v["runtime_lines"].as_u64().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            row.label,
            v["operations"],
            lines,
            runtime,
            lines.saturating_sub(runtime) / operations
        );
    }
    #[allow(clippy::cast_precision_loss, reason = "small numbers")]
    let per_operation = check_seconds / llama_operations as f64;
    let _ = writeln!(
        out,
        "\n## `cargo check` of the generated `llama-cloud` crate\n"
    );
    let _ = writeln!(
        out,
        "Dependencies already built; `cargo clean -p llama-cloud` then `cargo check -p llama-cloud`.\n\n\
         | operations | seconds | seconds per operation | progenitor on nexus (from the issue) |\n| ---: | ---: | ---: | ---: |\n\
         | {llama_operations} | {check_seconds:.1} | {per_operation:.3} | 19 s / 193 = 0.098 |"
    );
    let _ = writeln!(
        out,
        "\n## Request overhead (median per request, loopback)\n"
    );
    match overhead {
        Some((minimal, same, sdk)) => {
            let show =
                |value: Option<f64>| value.map_or_else(|| "?".to_owned(), |v| format!("{v:.2} µs"));
            let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) if b > 0.0 => format!("{:.3}", a / b),
                _ => "?".to_owned(),
            };
            let _ = writeln!(
                out,
                "| raw reqwest (minimal) | raw reqwest (same request as the SDK) | SDK | SDK / same request (target ≤ 1.05) | SDK / minimal |\n| ---: | ---: | ---: | ---: | ---: |\n| {} | {} | {} | **{}** | {} |",
                show(minimal),
                show(same),
                show(sdk),
                ratio(sdk, same),
                ratio(sdk, minimal)
            );
        }
        None => {
            let _ = writeln!(out, "Skipped (`--skip-overhead`).");
        }
    }
    out
}
