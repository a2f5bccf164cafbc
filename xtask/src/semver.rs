//! `cargo xtask semver-check`: the spec diff's verdict, checked against
//! cargo-semver-checks on the real history of LlamaCloud's spec.
//!
//! Input: the three earlier specs in `../shared/specs/llamacloud/history/` and
//! `spec/openapi.json`, with `spec/llama-cloud.toml` viewing each as an older spec.
//! Output: for each of the three steps, our semver class and breaking count next to
//! the tool's required bump and failed lints, and every disagreement, printed and
//! written to `target/semver/report.md`.
//!
//! The tool (cargo-semver-checks 0.51.0) is installed from the crate registry into
//! `target/tools/` on first use (a few minutes of building); each step's SDKs are
//! generated into `target/semver/<date>/` and share one target directory, so their
//! dependencies build once. The tool compares the two crates' rustdoc JSON, which
//! it builds on the stable toolchain itself.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use generator::Config;
use generator::diff::{self, ChangeKind, Report, Semver};
use generator::ir::{TypeKind, TypeRef};

const TOOL_VERSION: &str = "0.51.0";

/// (label, path under `../shared/specs/llamacloud`), oldest first.
const VERSIONS: [(&str, &str); 4] = [
    ("2026-06-02", "history/openapi-2026-06-02.json"),
    ("2026-07-09", "history/openapi-2026-07-09.json"),
    ("2026-07-30", "history/openapi-2026-07-30.json"),
    ("2026-08-20", "openapi.json"),
];

/// Runs the comparison.
pub fn run(root: &Path, args: &[&str]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask semver-check".to_owned());
    }
    let tool = install(root)?;
    let out = root.join("target/semver");
    let config_text = std::fs::read_to_string(root.join("spec/llama-cloud.toml"))
        .map_err(|e| format!("cannot read spec/llama-cloud.toml: {e}"))?;
    let mut config = Config::from_toml(&config_text).map_err(|e| e.clone())?;
    config.older_spec = true;
    let shared = root.join("../shared/specs/llamacloud");
    let mut models = Vec::new();
    for (label, file) in VERSIONS {
        let spec =
            std::fs::read(shared.join(file)).map_err(|e| format!("cannot read {file}: {e}"))?;
        let generated = generator::generate(&spec, "spec/openapi.json", &config)
            .map_err(|e| format!("{label}: {e}"))?;
        write_crate(root, &out.join(label), &generated)?;
        // Our verdict comes from the spec diff's model, which keeps twins apart
        // (`Config::keep_twins`), as `generator diff` and `update-spec` do.
        let mut unmerged = config.clone();
        unmerged.keep_twins = true;
        let (api, _) = generator::load_and_lower(&spec, "spec/openapi.json", &unmerged)
            .map_err(|e| format!("{label}: {e}"))?;
        models.push(api);
    }
    let mut report = String::from(
        "| step | our class | our breaking changes | cargo-semver-checks | its failed lints | agree |\n| --- | --- | ---: | --- | --- | --- |\n",
    );
    let mut details = String::new();
    for step in 0..VERSIONS.len() - 1 {
        let (from, to) = (VERSIONS[step].0, VERSIONS[step + 1].0);
        eprintln!("step {from} → {to}: running cargo-semver-checks ...");
        let ours = Report::new(diff::diff(&models[step], &models[step + 1]), "0.1.0")?;
        let theirs = semver_checks(&tool, &out, from, to)?;
        let agree = theirs.class == Some(ours.semver);
        let lints: Vec<String> = theirs
            .lints
            .iter()
            .map(|(lint, n)| format!("`{lint}` ×{n}"))
            .collect();
        let _ = writeln!(
            report,
            "| {from} → {to} | {} | {} | {} | {} | {} |",
            ours.semver.name(),
            ours.breaking,
            theirs.class.map_or("(no verdict)", Semver::name),
            if lints.is_empty() {
                "none".to_owned()
            } else {
                lints.join(", ")
            },
            if agree { "yes" } else { "**no**" },
        );
        let _ = writeln!(
            details,
            "\n### {from} → {to}\n\nOurs: {}\n\ncargo-semver-checks' summary: {}\n",
            ours.summary(),
            theirs.summary
        );
        let aliases = aliases(&models[step], &models[step + 1]);
        let compared = compare(&ours, &theirs, &aliases);
        let _ = writeln!(
            details,
            "The tool names {} item(s); the diff has a breaking change on {} of them. The diff has {} breaking change(s); the tool names the item of {} of them.\n",
            compared.their_total,
            compared.their_total - compared.theirs_only.len(),
            ours.breaking,
            ours.breaking - compared.ours_only.len(),
        );
        let _ = writeln!(
            details,
            "Named by the tool, not by the diff ({}):\n",
            compared.theirs_only.len()
        );
        for (lint, item) in &compared.theirs_only {
            let _ = writeln!(details, "- `{lint}`: {item}");
        }
        let _ = writeln!(
            details,
            "\nBreaking in the diff, not named by the tool ({}):\n",
            compared.ours_only.len()
        );
        for change in &compared.ours_only {
            let _ = writeln!(
                details,
                "- `{}` `{}`: {}",
                change.kind.name(),
                change.rust,
                change.detail
            );
        }
    }
    let text = format!(
        "## cargo-semver-checks {TOOL_VERSION} against `generator diff`\n\nCommand: `cargo xtask semver-check`.\n\n{report}{details}"
    );
    std::fs::write(out.join("report.md"), &text).map_err(|e| e.to_string())?;
    print!("{text}");
    Ok(())
}

/// Every alias of either model: its name → the named type it stands for, so an item
/// the tool names through an alias (`IndexesCreateResponse::new`) is the target's.
fn aliases(old: &generator::ir::Api, new: &generator::ir::Api) -> BTreeMap<String, String> {
    old.types
        .iter()
        .chain(&new.types)
        .filter_map(|def| match &def.kind {
            TypeKind::Alias(TypeRef::Named(target)) => Some((def.name.clone(), target.clone())),
            _ => None,
        })
        .collect()
}

/// The item-by-item comparison of one step.
struct Compared {
    /// How many items the tool names.
    their_total: usize,
    /// (lint, item) the tool names where the diff has no breaking change.
    theirs_only: Vec<(String, String)>,
    /// The diff's breaking changes on items the tool does not name.
    ours_only: Vec<diff::Change>,
}

/// `Type` or `Type::member`, with the type seen through aliases: the level at
/// which both sides name items (the tool prints paths of several shapes, and
/// methods without their module).
fn key(path: &str, member: bool, aliases: &BTreeMap<String, String>) -> (String, Option<String>) {
    let segments: Vec<&str> = path.split("::").collect();
    let resolve = |name: &str| {
        aliases
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    };
    match (member, segments.as_slice()) {
        (true, [.., owner, item]) => (resolve(owner), Some((*item).to_owned())),
        (_, [.., last]) => (resolve(last), None),
        _ => (path.to_owned(), None),
    }
}

/// The key of one item the tool prints (`enum llama_cloud::types::X, previously
/// in …`, `variant X::Y, …`, `field f of struct S, …`, `X::m, …`,
/// `llama_cloud::types::X::new takes 6 parameters …`).
fn their_key(
    lint: &str,
    item: &str,
    aliases: &BTreeMap<String, String>,
) -> (String, Option<String>) {
    let head = item
        .split(", previously")
        .next()
        .unwrap_or(item)
        .split(" takes ")
        .next()
        .unwrap_or(item)
        .trim();
    if let Some(rest) = head.strip_prefix("field ")
        && let Some((field, owner)) = rest.split_once(" of struct ")
    {
        return key(&format!("{owner}::{field}"), true, aliases);
    }
    let path = head.rsplit(' ').next().unwrap_or(head);
    // Lints about a whole item (`enum_missing`, `struct_missing`) name a type.
    let member = !lint.ends_with("_missing")
        || lint.contains("variant")
        || lint.contains("method")
        || lint.contains("field");
    key(path, member, aliases)
}

fn compare(ours: &Report, theirs: &Verdict, aliases: &BTreeMap<String, String>) -> Compared {
    // A member as both sides name it: no raw-identifier prefix, and a null setter
    // (`x_null`) or default getter (`x_or_default`) counted as its field's.
    // A variant's constructor (`filter_type_str`) is counted as its variant
    // (`FilterTypeStr`): members compare by their letters and digits, lowercased.
    let normal = |member: &Option<String>| {
        member.as_deref().map(|m| {
            let m = m.trim_start_matches("r#");
            m.strip_suffix("_null")
                .or_else(|| m.strip_suffix("_or_default"))
                .unwrap_or(m)
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect::<String>()
        })
    };
    let breaking: Vec<(&diff::Change, String, Option<String>)> = ours
        .changes
        .iter()
        .filter(|c| c.breaking)
        .map(|c| {
            let whole_type = matches!(c.kind, ChangeKind::TypeRemoved | ChangeKind::TypeChanged);
            let (owner, member) = key(&c.rust, !whole_type, aliases);
            (c, owner, normal(&member))
        })
        .collect();
    // The tool's `T::new` taking another number of parameters is a required field
    // added, removed or changed on `T`.
    let is_field = |kind: ChangeKind| {
        matches!(
            kind,
            ChangeKind::FieldAdded | ChangeKind::FieldRemoved | ChangeKind::FieldChanged
        )
    };
    let matches = |change: &diff::Change,
                   owner: &str,
                   member: &Option<String>,
                   o: &str,
                   m: &Option<String>| {
        owner == o
            && (member == m
                || (m.as_deref() == Some("new") && is_field(change.kind))
                || member.is_none())
    };
    let mut their_keys = Vec::new();
    let mut theirs_only = Vec::new();
    for (lint, items) in &theirs.items {
        for item in items {
            let (o, m) = their_key(lint, item, aliases);
            let m = normal(&m);
            if !breaking
                .iter()
                .any(|(c, owner, member)| matches(c, owner, member, &o, &m))
            {
                let shown = item.split(", previously").next().unwrap_or(item);
                theirs_only.push((lint.clone(), shown.to_owned()));
            }
            their_keys.push((o, m));
        }
    }
    let ours_only = breaking
        .iter()
        .filter(|(c, owner, member)| {
            !their_keys
                .iter()
                .any(|(o, m)| matches(c, owner, member, o, m))
        })
        .map(|(change, _, _)| (*change).clone())
        .collect();
    Compared {
        their_total: their_keys.len(),
        theirs_only,
        ours_only,
    }
}

/// The tool's binary, installed into `target/tools` unless it is already there.
fn install(root: &Path) -> Result<PathBuf, String> {
    let prefix = root.join("target/tools");
    let binary = prefix.join("bin/cargo-semver-checks");
    let installed = Command::new(&binary)
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(TOOL_VERSION));
    if installed {
        return Ok(binary);
    }
    eprintln!(
        "installing cargo-semver-checks {TOOL_VERSION} into {} ...",
        prefix.display()
    );
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args([
            "install",
            "cargo-semver-checks",
            "--locked",
            "--version",
            TOOL_VERSION,
            "--root",
        ])
        .arg(&prefix)
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if status.success() {
        Ok(binary)
    } else {
        Err(format!(
            "cargo install cargo-semver-checks {TOOL_VERSION} failed ({status})"
        ))
    }
}

/// Writes one generated SDK as a crate of its own (its own workspace, the
/// workspace's lock file, so the versions already fetched are the ones used).
fn write_crate(root: &Path, dir: &Path, generated: &generator::Generated) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    for (path, contents) in generated.files.iter().chain(&generated.seeds) {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        let mut contents = contents.clone();
        if path == "Cargo.toml" {
            contents.push_str("\n[workspace]\n");
        }
        std::fs::write(&target, contents).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    Ok(())
}

/// What cargo-semver-checks said about one step.
struct Verdict {
    /// The bump it requires (`None` when it printed no summary).
    class: Option<Semver>,
    /// Each failed lint and how many items it names.
    lints: Vec<(String, usize)>,
    /// The items each failed lint names (as the tool prints them).
    items: Vec<(String, Vec<String>)>,
    /// Its summary line.
    summary: String,
}

fn semver_checks(tool: &Path, out: &Path, from: &str, to: &str) -> Result<Verdict, String> {
    let output = Command::new(tool)
        .args(["semver-checks", "--color", "never", "--manifest-path"])
        .arg(out.join(to).join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(out.join(from))
        .env("CARGO_TARGET_DIR", out.join("target"))
        .output()
        .map_err(|e| format!("cannot run cargo-semver-checks: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(out.join(format!("semver-checks-{from}-{to}.log")), &text)
        .map_err(|e| e.to_string())?;
    Ok(parse(&text))
}

/// Reads the tool's text output: `--- failure LINT: … ---` blocks, each listing
/// its items after `Failed in:`, and the `Summary` line.
fn parse(text: &str) -> Verdict {
    let mut items: Vec<(String, Vec<String>)> = Vec::new();
    let mut in_failed = false;
    let mut summary = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("--- failure ") {
            let lint = rest.split(':').next().unwrap_or(rest).trim().to_owned();
            items.push((lint, Vec::new()));
            in_failed = false;
        } else if trimmed == "Failed in:" {
            in_failed = true;
        } else if trimmed.is_empty() || !line.starts_with("  ") || line.starts_with("   ") {
            // Items are indented by exactly two spaces; the progress lines that
            // follow the last block are right-aligned further in.
            in_failed = false;
        } else if in_failed && let Some((_, list)) = items.last_mut() {
            list.push(trimmed.to_owned());
        }
        if trimmed.starts_with("Summary") {
            trimmed.clone_into(&mut summary);
        }
    }
    let class = if summary.contains("new major version") {
        Some(Semver::Major)
    } else if summary.contains("new minor version") {
        Some(Semver::Minor)
    } else if summary.contains("no semver update required") || summary.contains("no semver") {
        Some(Semver::Patch)
    } else {
        None
    };
    Verdict {
        class,
        lints: items
            .iter()
            .map(|(lint, list)| (lint.clone(), list.len()))
            .collect(),
        items,
        summary,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tools_output_is_read() {
        let text = "     Checking llama-cloud v0.1.0 -> v0.1.0 (no change)\n\n--- failure enum_variant_missing: pub enum variant removed or renamed ---\n\nDescription:\nA publicly-visible enum has at least one variant that is no longer available.\n\nFailed in:\n  variant Status::Lost, previously in file /x/src/types.rs:10\n  variant Code::A, previously in file /x/src/types.rs:20\n\n--- failure struct_missing: pub struct removed or renamed ---\n\nFailed in:\n  struct Square, previously in file /x/src/types.rs:30\n    Building llama-cloud v0.1.0 (current)\n       Built [  56.032s] (current)\n     Summary semver requires new major version: 2 major and 0 minor checks failed\n";
        let verdict = super::parse(text);
        assert_eq!(verdict.class, Some(super::Semver::Major));
        assert_eq!(
            verdict.lints,
            vec![
                ("enum_variant_missing".to_owned(), 2),
                ("struct_missing".to_owned(), 1)
            ]
        );
    }
}
