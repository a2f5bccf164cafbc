//! `cargo xtask update-spec PATH [--source TEXT]`: take a new version of the
//! LlamaCloud spec.
//!
//! Input: the new spec at `PATH` (a local file: nothing is fetched), the checked-in
//! `spec/openapi.json`, `spec/llama-cloud.toml` and `spec/README.md`.
//! Output, only once the new spec is known to generate: the spec copied into
//! `spec/openapi.json`; `spec/README.md`'s source and sha256 lines rewritten; the
//! SDK's version in the config bumped as the spec diff says; the SDK and its tool
//! regenerated; and an entry for the new version at the top of the SDK's
//! `CHANGELOG.md`, made from the diff's Markdown report.

use std::fmt::Write as _;
use std::path::Path;

use generator::Config;

/// Where the pieces live, relative to the workspace root.
const SPEC: &str = "spec/openapi.json";
const CONFIG: &str = "spec/llama-cloud.toml";
const README: &str = "spec/README.md";
const CHANGELOG: &str = "crates/llama-cloud/CHANGELOG.md";

/// Runs `update-spec` with its command-line arguments.
pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    let (path, source) = match args {
        [path] => (*path, None),
        [path, "--source", source] | ["--source", source, path] => (*path, Some(*source)),
        _ => return Err("usage: cargo xtask update-spec PATH [--source TEXT]".to_owned()),
    };
    let summary = update(root, Path::new(path), source)?;
    eprintln!("{summary}");
    Ok(())
}

/// Does the update; returns the diff's one-line summary.
pub fn update(root: &Path, new_spec: &Path, source: Option<&str>) -> Result<String, String> {
    let read = |path: &Path| {
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let new = read(new_spec)?;
    let old = read(&root.join(SPEC))?;
    let config_text = String::from_utf8(read(&root.join(CONFIG))?)
        .map_err(|_| format!("{CONFIG} is not UTF-8"))?;
    let config =
        Config::from_toml(&config_text).map_err(|e| format!("invalid config {CONFIG}: {e}"))?;
    // Nothing is written unless the new spec generates with the config as it is.
    if let Err(error) = generator::generate(&new, SPEC, &config) {
        return Err(format!(
            "{} does not generate with {CONFIG}; nothing was changed:\n{error}",
            new_spec.display()
        ));
    }
    let report = generator::diff_specs(&old, &new, &config, None).map_err(|e| e.to_string())?;

    let readme = String::from_utf8(read(&root.join(README))?)
        .map_err(|_| format!("{README} is not UTF-8"))?;
    let file_name = new_spec.file_name().map_or_else(
        || "the new spec".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let source = source.map_or_else(
        || {
            format!(
                "`{file_name}`, installed by `cargo xtask update-spec` (its origin was not given)"
            )
        },
        str::to_owned,
    );
    let (old_sha, new_sha) = (
        generator::load::sha256_hex(&old),
        generator::load::sha256_hex(&new),
    );
    let readme = rewrite_readme(&readme, &source, &new_sha)?;
    let config_text = bump_version(&config_text, &report.next_version)?;
    let changelog_path = root.join(CHANGELOG);
    let changelog = std::fs::read_to_string(&changelog_path).unwrap_or_default();
    let entry = format!(
        "## {}\n\nFrom `{SPEC}` sha256 `{new_sha}` (was `{old_sha}`); source: {source}.\n\n{}",
        report.next_version,
        report.markdown()
    );
    let changelog = add_entry(&changelog, &entry);

    let write = |relative: &str, bytes: &[u8]| {
        std::fs::write(root.join(relative), bytes)
            .map_err(|e| format!("cannot write {relative}: {e}"))
    };
    write(SPEC, &new)?;
    write(README, readme.as_bytes())?;
    write(CONFIG, config_text.as_bytes())?;
    crate::generate_at(root, false)?;
    write(CHANGELOG, changelog.as_bytes())?;
    Ok(report.summary())
}

/// `spec/README.md` with the `openapi.json` section's source paragraph and its
/// `sha256:` line replaced.
fn rewrite_readme(readme: &str, source: &str, sha: &str) -> Result<String, String> {
    let heading = "## openapi.json\n";
    let start = readme
        .find(heading)
        .ok_or_else(|| format!("{README} has no `{}` section", heading.trim()))?
        + heading.len();
    let sha_at = readme[start..]
        .find("\nsha256: `")
        .ok_or_else(|| format!("{README} has no `sha256:` line under `{}`", heading.trim()))?
        + start
        + 1;
    let line_end = readme[sha_at..]
        .find('\n')
        .map_or(readme.len(), |end| sha_at + end);
    Ok(format!(
        "{}\nSource: {source}.\n\nsha256: `{sha}`{}",
        &readme[..start],
        &readme[line_end..]
    ))
}

/// The config with its `[package]` table's `version` set to `version`, everything
/// else untouched.
fn bump_version(config: &str, version: &str) -> Result<String, String> {
    let mut out = String::with_capacity(config.len());
    let (mut in_package, mut done) = (false, false);
    for line in config.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_package = trimmed.starts_with("[package]");
        } else if in_package
            && !done
            && let Some((key, _)) = line.split_once('=')
            && key.trim() == "version"
        {
            let _ = writeln!(out, "{key}= \"{version}\"");
            done = true;
            continue;
        }
        out.push_str(line);
    }
    if done {
        Ok(out)
    } else {
        Err(format!(
            "{CONFIG} has no `version` in its `[package]` table"
        ))
    }
}

/// The changelog with `entry` first, under its title (made when there is none).
fn add_entry(changelog: &str, entry: &str) -> String {
    let title = "# Changelog\n\nEach entry is written by `cargo xtask update-spec` from `generator diff`: what changed in the Rust API, and why the version moved as it did (`docs/SPEC-DIFF.md`).\n\n";
    let rest = changelog.strip_prefix(title).unwrap_or(changelog);
    format!("{title}{entry}{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_keeps_everything_but_its_source_and_hash() {
        let readme = "# spec/\n\n## openapi.json\n\nSource: old.\nMore about it.\n\nsha256: `aaa`\n\nA test checks it.\n\n## llama-cloud.toml\n";
        let rewritten = rewrite_readme(readme, "the new place", "bbb").unwrap();
        assert_eq!(
            rewritten,
            "# spec/\n\n## openapi.json\n\nSource: the new place.\n\nsha256: `bbb`\n\nA test checks it.\n\n## llama-cloud.toml\n"
        );
    }

    #[test]
    fn only_the_package_version_is_bumped() {
        let config =
            "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[client]\nversion = \"keep\"\n";
        assert_eq!(
            bump_version(config, "0.2.0").unwrap(),
            "[package]\nname = \"x\"\nversion = \"0.2.0\"\n\n[client]\nversion = \"keep\"\n"
        );
        assert!(bump_version("[client]\nversion = \"1\"\n", "2.0.0").is_err());
    }

    #[test]
    fn entries_go_first_under_the_title() {
        let once = add_entry("", "## 0.2.0\n\nA.\n\n");
        let twice = add_entry(&once, "## 0.3.0\n\nB.\n\n");
        assert!(twice.starts_with("# Changelog\n"));
        let (newer, older) = (
            twice.find("## 0.3.0").unwrap(),
            twice.find("## 0.2.0").unwrap(),
        );
        assert!(newer < older, "{twice}");
        assert_eq!(twice.matches("# Changelog").count(), 1);
    }

    /// The whole command on a copy of the workspace's spec directory, taking the
    /// last real step of LlamaCloud's history (2026-07-30 → 2026-08-20).
    #[test]
    fn update_spec_copies_bumps_regenerates_and_writes_the_changelog() {
        let workspace = crate::workspace_root();
        let root = std::env::temp_dir().join(format!("xtask-update-spec-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        for file in ["llama-cloud.toml", "README.md"] {
            std::fs::copy(
                workspace.join("spec").join(file),
                root.join("spec").join(file),
            )
            .unwrap();
        }
        let shared = workspace.join("../shared/specs/llamacloud");
        std::fs::copy(
            shared.join("history/openapi-2026-07-30.json"),
            root.join(SPEC),
        )
        .unwrap();
        let new = shared.join("openapi.json");

        let summary = update(&root, &new, Some("tryAGI/LlamaParse at fa742e9")).unwrap();
        assert!(summary.starts_with("major: 0.1.0 → 0.2.0"), "{summary}");

        let new_bytes = std::fs::read(&new).unwrap();
        assert_eq!(std::fs::read(root.join(SPEC)).unwrap(), new_bytes);
        let readme = std::fs::read_to_string(root.join(README)).unwrap();
        assert!(
            readme.contains(&format!(
                "sha256: `{}`",
                generator::load::sha256_hex(&new_bytes)
            )),
            "{readme}"
        );
        assert!(
            readme.contains("Source: tryAGI/LlamaParse at fa742e9."),
            "{readme}"
        );
        assert!(readme.contains("## llama-cloud.toml"), "the rest is kept");
        let config = std::fs::read_to_string(root.join(CONFIG)).unwrap();
        assert!(config.contains("\nversion = \"0.2.0\"\n"), "bumped");
        let manifest = std::fs::read_to_string(root.join("crates/llama-cloud/Cargo.toml")).unwrap();
        assert!(
            manifest.contains("version = \"0.2.0\""),
            "regenerated:\n{manifest}"
        );
        assert!(root.join("crates/llama-cloud-cli/Cargo.toml").exists());
        let changelog = std::fs::read_to_string(root.join(CHANGELOG)).unwrap();
        assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
        assert!(changelog.contains("## 0.2.0"), "{changelog}");
        assert!(changelog.contains("`operation_added`"), "{changelog}");
        assert!(changelog.contains("### Breaking changes"), "{changelog}");
        let _ = std::fs::remove_dir_all(&root);
    }
}
