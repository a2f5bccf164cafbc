//! Tidy tests, run by `cargo test -p xtask`: house rules a reviewer would otherwise
//! have to remember.
//!
//! Input: the workspace's files on disk. Output: a failing test naming every file
//! that breaks a rule:
//! - every hand-written Rust module starts with `//!`;
//! - generated files carry the `@generated` header and hand-written ones do not;
//! - every template is used by the generator;
//! - every workspace path a doc or a comment names in backticks exists;
//! - no `.snap.new` is left behind by a snapshot run;
//! - `.gitattributes` marks exactly the generated files `linguist-generated`;
//! - no generated Rust file of the LlamaCloud SDK or its tool is over 5,000 lines.

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::{GENERATED_MARKER, walk, workspace_root};

    /// The hand-written and generated trees of the workspace (not `target/`, not the
    /// fuzzer's corpus).
    const TREES: &[&str] = &[
        "crates",
        "xtask/src",
        "templates",
        "fuzz/fuzz_targets",
        "docs",
        "spec",
    ];

    fn files(extension: &str) -> Vec<PathBuf> {
        let root = workspace_root();
        let mut found: Vec<PathBuf> = TREES
            .iter()
            .flat_map(|tree| walk(&root.join(tree)).unwrap_or_default())
            .filter(|path| path.extension().is_some_and(|e| e == extension))
            .collect();
        if extension == "md" {
            found.push(root.join("README.md"));
        }
        found
    }

    fn is_generated(text: &str) -> bool {
        text.lines()
            .take(3)
            .any(|line| line.contains(GENERATED_MARKER))
    }

    fn relative(path: &Path) -> String {
        path.strip_prefix(workspace_root())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    #[test]
    fn every_hand_written_module_starts_with_its_doc() {
        let mut offenders = Vec::new();
        for path in files("rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            // Snapshot sources, generated files and the templates of generated
            // files (`templates/crate/lib.rs` opens with the header) are not
            // modules anyone writes.
            let rel = relative(&path);
            if is_generated(&text)
                || rel.contains("/snapshots/")
                || rel.starts_with("templates/crate/")
            {
                continue;
            }
            if !text.trim_start().starts_with("//!") {
                offenders.push(relative(&path));
            }
        }
        assert!(
            offenders.is_empty(),
            "modules without a `//!` opening: {offenders:#?}"
        );
    }

    /// The emitters render the model; every decision is made in lowering. An emitter
    /// that reaches into `lower` (its name helpers, say) is deciding again.
    #[test]
    fn emitters_do_not_import_lowering() {
        let emit = workspace_root().join("crates/generator/src/emit");
        let mut offenders = Vec::new();
        for path in files("rs")
            .into_iter()
            .filter(|path| path.starts_with(&emit))
        {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (number, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if code.contains("crate::lower") || code.contains("super::super::lower") {
                    offenders.push(format!(
                        "{}:{}: {}",
                        relative(&path),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
        assert!(offenders.is_empty(), "emit uses lower: {offenders:#?}");
    }

    /// The LlamaCloud SDK and its tool, generated once for this test binary.
    fn llama_cloud() -> (
        &'static generator::Generated,
        &'static generator::emit::Files,
    ) {
        static GENERATED: std::sync::OnceLock<generator::Generated> = std::sync::OnceLock::new();
        let generated = GENERATED.get_or_init(|| {
            crate::generate_in_memory(
                &workspace_root(),
                "spec/openapi.json",
                "spec/llama-cloud.toml",
            )
            .expect("generates")
        });
        (generated, &generated.cli)
    }

    #[test]
    fn exactly_the_generated_files_are_marked_linguist_generated() {
        let root = workspace_root();
        let (generated, cli) = llama_cloud();
        let mut expected = std::collections::BTreeMap::new();
        for (dir, emitted) in [
            ("crates/llama-cloud", &generated.files),
            ("crates/llama-cloud-cli", cli),
        ] {
            for path in walk(&root.join(dir)).unwrap_or_default() {
                let rel = relative(&path);
                let inner = rel
                    .strip_prefix(dir)
                    .unwrap_or(&rel)
                    .trim_start_matches('/');
                expected.insert(rel.clone(), emitted.contains_key(inner));
            }
        }
        let output = std::process::Command::new("git")
            .arg("check-attr")
            .arg("linguist-generated")
            .arg("--")
            .args(expected.keys())
            .current_dir(&root)
            .output()
            .expect("git runs");
        assert!(output.status.success(), "git check-attr failed");
        let text = String::from_utf8_lossy(&output.stdout);
        let mut wrong = Vec::new();
        for line in text.lines() {
            let Some((path, value)) = line.split_once(": linguist-generated: ") else {
                continue;
            };
            let marked = value == "set" || value == "true";
            if expected.get(path).copied() != Some(marked) {
                wrong.push(format!("{path}: marked {marked}"));
            }
        }
        assert_eq!(text.lines().count(), expected.len(), "{text}");
        assert!(wrong.is_empty(), "`.gitattributes` is wrong for {wrong:#?}");
    }

    #[test]
    fn no_generated_source_file_is_over_5000_lines() {
        let (generated, cli) = llama_cloud();
        let mut big: Vec<String> = Vec::new();
        for (dir, emitted) in [
            ("crates/llama-cloud", &generated.files),
            ("crates/llama-cloud-cli", cli),
        ] {
            for (path, text) in emitted {
                let lines = text.lines().count();
                if std::path::Path::new(path)
                    .extension()
                    .is_some_and(|e| e == "rs")
                    && lines > 5_000
                {
                    big.push(format!("{dir}/{path}: {lines} lines"));
                }
            }
        }
        assert!(big.is_empty(), "too big to review: {big:#?}");
    }

    #[test]
    fn generated_files_carry_the_header_and_hand_written_ones_do_not() {
        let (generated, cli) = llama_cloud();
        let mut missing = Vec::new();
        for (dir, emitted) in [
            ("crates/llama-cloud", &generated.files),
            ("crates/llama-cloud-cli", cli),
        ] {
            for (path, text) in emitted {
                // A file format without comments cannot carry it.
                let commentable = [".rs", ".toml", ".md"].iter().any(|e| path.ends_with(e));
                if commentable && !is_generated(text) && !text.contains(GENERATED_MARKER) {
                    missing.push(format!("{dir}/{path}"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "generated without the header: {missing:#?}"
        );
        let mut claimed = Vec::new();
        for extension in ["rs", "md", "toml"] {
            for path in files(extension) {
                let rel = relative(&path);
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let emitted = ["crates/llama-cloud/", "crates/llama-cloud-cli/"]
                    .iter()
                    .any(|dir| {
                        rel.strip_prefix(dir).is_some_and(|inner| {
                            generated.files.contains_key(inner) || cli.contains_key(inner)
                        })
                    });
                if is_generated(&text) && !emitted && !rel.contains("/snapshots/") {
                    claimed.push(rel);
                }
            }
        }
        assert!(
            claimed.is_empty(),
            "hand-written files carrying the generated header: {claimed:#?}"
        );
    }

    #[test]
    fn every_template_is_used() {
        let root = workspace_root();
        let sources: String = walk(&root.join("crates/generator/src"))
            .unwrap_or_default()
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap_or_default())
            .collect();
        let unused: Vec<String> = walk(&root.join("templates"))
            .unwrap_or_default()
            .iter()
            .filter_map(|path| {
                let name = path
                    .strip_prefix(root.join("templates"))
                    .ok()?
                    .display()
                    .to_string();
                let used = sources.contains(&format!("templates/{name}\""))
                    || sources.contains(&format!("path = \"{name}\""));
                (!used).then_some(name)
            })
            .collect();
        assert!(unused.is_empty(), "templates nothing uses: {unused:#?}");
    }

    /// Backticked text that looks like a path into the workspace: it starts with
    /// one of its top-level directories and has no placeholder or glob in it.
    fn named_paths(text: &str) -> Vec<String> {
        const TOP: &[&str] = &[
            "crates/",
            "docs/",
            "spec/",
            "templates/",
            "xtask/",
            "fuzz/",
            ".ci/",
        ];
        text.split('`')
            .skip(1)
            .step_by(2)
            .filter(|span| TOP.iter().any(|top| span.starts_with(top)))
            .filter(|span| !span.contains(['<', '>', '*', '{', ' ', '…']) && !span.contains("..."))
            .map(|span| {
                span.split(['#', ':'])
                    .next()
                    .unwrap_or(span)
                    .trim_end_matches(['.', ',', ')'])
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn paths_named_in_docs_and_comments_exist() {
        let root = workspace_root();
        let mut broken = Vec::new();
        for extension in ["md", "rs", "toml"] {
            for path in files(extension) {
                let rel = relative(&path);
                // Generated files name paths of the SDK they are in; snapshots are
                // generated text too.
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if is_generated(&text) || rel.contains("/snapshots/") || rel.contains("/fixtures/")
                {
                    continue;
                }
                // In Rust only comments count: string literals may build paths.
                let prose: String = if extension == "rs" {
                    text.lines()
                        .filter(|line| line.trim_start().starts_with("//"))
                        .collect::<Vec<_>>()
                        .join("\n")
                } else {
                    text
                };
                for named in named_paths(&prose) {
                    // Made by running the fuzzer, not checked in.
                    let made_by_runs = ["fuzz/artifacts", "fuzz/corpus"]
                        .iter()
                        .any(|dir| named.starts_with(dir));
                    if !made_by_runs && !root.join(&named).exists() {
                        broken.push(format!("{rel}: `{named}`"));
                    }
                }
            }
        }
        assert!(broken.is_empty(), "paths that do not exist: {broken:#?}");
    }

    #[test]
    fn no_snapshot_is_left_unreviewed() {
        let stray: Vec<String> = walk(&workspace_root().join("crates"))
            .unwrap_or_default()
            .iter()
            .filter(|path| path.extension().is_some_and(|e| e == "new"))
            .map(|path| relative(path))
            .collect();
        assert!(
            stray.is_empty(),
            "unreviewed snapshots (`.snap.new`): {stray:#?}"
        );
    }

    #[test]
    fn named_paths_are_found_in_backticks_only() {
        assert_eq!(
            named_paths(
                "see `crates/generator/src/ir.rs`, not crates/x, nor `src/lib.rs` or `docs/<name>.md`; `spec/README.md#openapi`"
            ),
            vec![
                "crates/generator/src/ir.rs".to_owned(),
                "spec/README.md".to_owned()
            ]
        );
    }
}
