//! `cargo xtask oracle [--require-python]`: the official Python SDK for the differential test.
//!
//! Input: `python3` on the PATH, and PyPI.
//! Output: a venv at `target/pyoracle` holding LlamaCloud's published Python SDK at the
//! pinned version, which `crates/llama-cloud/tests/differential.rs` drives with the
//! same inputs as the Rust SDK. An existing venv with that version is kept as it is.
//! Without `python3` it says so and succeeds, unless `--require-python` (or
//! `DIFFERENTIAL_REQUIRE_PYTHON=1`, as in CI) makes that a failure.

use std::path::Path;
use std::process::Command;

/// The published SDK the Rust one is compared with.
const PINNED: &str = "llama-cloud==2.19.0";
/// Its version, as the installed package reports it.
const VERSION: &str = "2.19.0";

pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let required = args.contains(&"--require-python")
        || std::env::var_os("DIFFERENTIAL_REQUIRE_PYTHON").is_some_and(|v| !v.is_empty());
    let venv = root.join("target/pyoracle");
    let python = venv.join("bin/python");
    let installed = Command::new(&python)
        .args([
            "-c",
            &format!(
                "import importlib.metadata as m; assert m.version('llama-cloud') == '{VERSION}'"
            ),
        ])
        .output()
        .is_ok_and(|output| output.status.success());
    if installed {
        println!("oracle: {PINNED} is in {}", venv.display());
        return Ok(());
    }
    let has_python = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !has_python {
        let message =
            "oracle: no python3, so the differential test against the Python SDK will skip";
        return if required {
            Err(format!("{message} (required here)"))
        } else {
            println!("{message}");
            Ok(())
        };
    }
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !status.success() {
        return Err(format!("python3 -m venv {} failed", venv.display()));
    }
    let status = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", PINNED])
        .status()
        .map_err(|e| format!("cannot run pip: {e}"))?;
    if !status.success() {
        return Err(format!("pip install {PINNED} failed"));
    }
    println!("oracle: installed {PINNED} into {}", venv.display());
    Ok(())
}
