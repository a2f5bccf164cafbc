//! Throwaway workspaces of generated crates, for `corpus` and `conformance`.
//!
//! Input: generated crates (path → contents), added one by one.
//! Output: a directory under `target/` holding them as one workspace, with this
//! repository's `Cargo.lock`, so that built with this repository's target dir (see
//! [`cargo`]) their shared dependencies are the ones already compiled.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `cargo`, the one running this command if any, with this repository's target dir.
pub fn cargo(root: &Path) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.env("CARGO_TARGET_DIR", root.join("target"));
    command
}

/// Removes the build artifacts of a scratch workspace's members from the shared
/// target dir once their tests have run. They are never reused: each run writes the
/// crates afresh, so cargo rebuilds them anyway, and the test binaries of every
/// corpus spec and fixture would otherwise fill gigabytes of disk (CI's machine ran
/// out). The dependencies they share stay built.
pub fn clean(root: &Path, workspace: &Path, packages: &[&str]) -> Result<(), String> {
    let mut command = cargo(root);
    command.args(["clean", "--quiet"]);
    for package in packages {
        command.args(["--package", package]);
    }
    let output = command
        .current_dir(workspace)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo clean failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// A workspace being filled with generated crates.
pub struct Scratch {
    /// Its directory.
    pub dir: PathBuf,
    /// The member crates' directory names, in the order they were added.
    pub members: Vec<String>,
}

impl Scratch {
    /// Empties (or creates) `target/<name>` for a new workspace.
    pub fn create(root: &Path, name: &str) -> Result<Self, String> {
        let dir = root.join("target").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        Ok(Self {
            dir,
            members: Vec::new(),
        })
    }

    /// Writes one crate into the directory `member` and makes it a member.
    pub fn add(&mut self, member: &str, files: &generator::emit::Files) -> Result<(), String> {
        let out = self.dir.join(member);
        for (path, contents) in files {
            let target = out.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
            }
            std::fs::write(&target, contents).map_err(|e| e.to_string())?;
        }
        self.members.push(member.to_owned());
        Ok(())
    }

    /// Writes the workspace manifest and this repository's lock file.
    pub fn finish(&self, root: &Path) -> Result<(), String> {
        let members: Vec<String> = self.members.iter().map(|m| format!("\"{m}\"")).collect();
        std::fs::write(
            self.dir.join("Cargo.toml"),
            format!(
                "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
                members.join(", ")
            ),
        )
        .map_err(|e| e.to_string())?;
        std::fs::copy(root.join("Cargo.lock"), self.dir.join("Cargo.lock"))
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
