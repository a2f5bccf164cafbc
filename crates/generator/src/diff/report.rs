//! A spec diff's changes → its semver class, the next version, and the report as
//! text, Markdown or JSON.
//!
//! Input: the [`Change`]s of [`super::diff`] and the SDK's current version.
//! Output: [`Report`], rendered by [`Report::text`], [`Report::markdown`] and
//! [`Report::json`]. Spec text in the details (names, enum values, paths) is
//! escaped for each: control characters in text, Markdown's own characters in
//! Markdown, and JSON's string escaping.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Change, ChangeKind};

/// How much a release must bump: Cargo's semver classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Semver {
    /// Nothing in the Rust API changed (docs, examples and wire details may have).
    Patch,
    /// Only additions: code written against the older SDK still compiles.
    Minor,
    /// At least one breaking change.
    Major,
}

impl Semver {
    /// The class of a list of changes: `major` for any breaking one, `minor` for any
    /// other, `patch` for none.
    #[must_use]
    pub fn of(changes: &[Change]) -> Self {
        if changes.iter().any(|c| c.breaking) {
            Self::Major
        } else if changes.is_empty() {
            Self::Patch
        } else {
            Self::Minor
        }
    }

    /// `major`, `minor` or `patch`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Patch => "patch",
            Self::Minor => "minor",
            Self::Major => "major",
        }
    }

    /// The version after `current` for a change of this class, by Cargo's rule: the
    /// leftmost non-zero number is the breaking one, so before 1.0 a breaking change
    /// bumps the minor number (`0.1.0` → `0.2.0`) and an addition the patch number
    /// (`0.1.0` → `0.1.1`), and before 0.1 every change bumps the patch number.
    /// Pre-release and build suffixes are dropped.
    ///
    /// # Errors
    /// When `current` is not `MAJOR.MINOR.PATCH`.
    pub fn next_version(self, current: &str) -> Result<String, String> {
        let core = current.split(['-', '+']).next().unwrap_or_default();
        let numbers: Vec<u64> = core
            .split('.')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|_| format!("`{current}` is not a version (MAJOR.MINOR.PATCH)"))?;
        let [major, minor, patch] = numbers[..] else {
            return Err(format!("`{current}` is not a version (MAJOR.MINOR.PATCH)"));
        };
        let (major, minor, patch) = match (self, major, minor) {
            (Self::Major, 0, 0) | (Self::Minor | Self::Patch, 0, _) => (0, minor, patch + 1),
            (Self::Major, 0, _) => (0, minor + 1, 0),
            (Self::Major, _, _) => (major + 1, 0, 0),
            (Self::Minor, _, _) => (major, minor + 1, 0),
            (Self::Patch, _, _) => (major, minor, patch + 1),
        };
        Ok(format!("{major}.{minor}.{patch}"))
    }
}

/// A spec diff's result.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The semver class of the changes.
    pub semver: Semver,
    /// The SDK's version before the change.
    pub current_version: String,
    /// The version the SDK should get.
    pub next_version: String,
    /// How many changes of each kind (kinds with none left out), in the order of
    /// [`ChangeKind::ALL`].
    pub counts: Vec<(ChangeKind, usize)>,
    /// How many changes break code written against the older SDK.
    pub breaking: usize,
    /// Every change.
    pub changes: Vec<Change>,
}

impl Report {
    /// The report for `changes` to an SDK now at `current_version`.
    ///
    /// # Errors
    /// When `current_version` is not `MAJOR.MINOR.PATCH`.
    pub fn new(changes: Vec<Change>, current_version: &str) -> Result<Self, String> {
        let semver = Semver::of(&changes);
        let counts = ChangeKind::ALL
            .iter()
            .map(|kind| (*kind, changes.iter().filter(|c| c.kind == *kind).count()))
            .filter(|(_, count)| *count > 0)
            .collect();
        Ok(Self {
            semver,
            next_version: semver.next_version(current_version)?,
            current_version: current_version.to_owned(),
            counts,
            breaking: changes.iter().filter(|c| c.breaking).count(),
            changes,
        })
    }

    /// How many changes of `kind`.
    #[must_use]
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.counts
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }

    /// The report as JSON: `semver`, `current_version`, `next_version`, `breaking`,
    /// `counts` (kind → number) and `changes` (each with `kind`, `breaking`,
    /// `pointer`, `rust` and `detail`).
    #[must_use]
    pub fn json(&self) -> String {
        let counts: serde_json::Map<String, serde_json::Value> = self
            .counts
            .iter()
            .map(|(kind, n)| (kind.name().to_owned(), (*n).into()))
            .collect();
        let value = serde_json::json!({
            "semver": self.semver,
            "current_version": self.current_version,
            "next_version": self.next_version,
            "breaking": self.breaking,
            "counts": counts,
            "changes": self.changes,
        });
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The one-line summary: `major: 0.1.0 → 0.2.0; 12 changes, 3 breaking`.
    #[must_use]
    pub fn summary(&self) -> String {
        format!(
            "{}: {} → {}; {} change(s), {} breaking",
            self.semver.name(),
            self.current_version,
            self.next_version,
            self.changes.len(),
            self.breaking
        )
    }

    /// The report as plain text for a terminal: the summary, the counts, then each
    /// change on a line (`BREAKING` first), control characters escaped.
    #[must_use]
    pub fn text(&self) -> String {
        let mut out = self.summary();
        out.push('\n');
        for (kind, n) in &self.counts {
            let _ = writeln!(out, "  {:<22} {n}", kind.name());
        }
        for change in self.ordered() {
            let _ = writeln!(
                out,
                "{} {} {}: {} ({})",
                if change.breaking {
                    "BREAKING"
                } else {
                    "        "
                },
                change.kind.name(),
                terminal(&change.rust),
                terminal(&change.detail),
                terminal(&change.pointer),
            );
        }
        out
    }

    /// The report as Markdown, for a changelog: a heading per class of change, the
    /// breaking ones first, each change a list item.
    #[must_use]
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Semver: **{}** ({} → {}), {} change(s), {} breaking.\n",
            self.semver.name(),
            self.current_version,
            self.next_version,
            self.changes.len(),
            self.breaking
        );
        for (heading, breaking) in [("Breaking changes", true), ("Additions", false)] {
            let picked: Vec<&Change> = self
                .changes
                .iter()
                .filter(|c| c.breaking == breaking)
                .collect();
            if picked.is_empty() {
                continue;
            }
            let _ = writeln!(out, "### {heading}\n");
            for change in picked {
                let _ = writeln!(
                    out,
                    "- `{}` {}: {} ({})",
                    change.kind.name(),
                    code(&change.rust),
                    markdown(&change.detail),
                    code(&change.pointer),
                );
            }
            out.push('\n');
        }
        if self.changes.is_empty() {
            out.push_str("No change to the Rust API.\n\n");
        }
        out
    }

    fn ordered(&self) -> impl Iterator<Item = &Change> {
        let breaking = self.changes.iter().filter(|c| c.breaking);
        breaking.chain(self.changes.iter().filter(|c| !c.breaking))
    }
}

/// Text with control characters written as escapes, so a spec cannot move the
/// cursor or ring the bell of whoever reads the report.
fn terminal(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || is_bidi(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Text safe in Markdown prose: control characters escaped and Markdown's own
/// characters backslashed, so spec text can neither add a line nor format one.
fn markdown(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_control() || is_bidi(c) {
            out.extend(c.escape_unicode());
            continue;
        }
        if "\\`*_[]()<>#|!{}~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text as a Markdown code span whose fence no backtick in it can close.
fn code(text: &str) -> String {
    let text = terminal(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::Semver;

    #[test]
    fn next_versions_follow_cargo() {
        for (class, current, next) in [
            (Semver::Major, "0.1.0", "0.2.0"),
            (Semver::Minor, "0.1.0", "0.1.1"),
            (Semver::Patch, "0.1.0", "0.1.1"),
            (Semver::Major, "0.1.7", "0.2.0"),
            (Semver::Major, "0.0.3", "0.0.4"),
            (Semver::Minor, "0.0.3", "0.0.4"),
            (Semver::Major, "1.4.2", "2.0.0"),
            (Semver::Minor, "1.4.2", "1.5.0"),
            (Semver::Patch, "1.4.2", "1.4.3"),
            (Semver::Minor, "1.4.2-beta.1", "1.5.0"),
        ] {
            assert_eq!(
                class.next_version(current).as_deref(),
                Ok(next),
                "{class:?} {current}"
            );
        }
        assert!(Semver::Major.next_version("1.2").is_err());
        assert!(Semver::Major.next_version("x.y.z").is_err());
    }

    #[test]
    fn markdown_and_text_cannot_be_steered_by_spec_text() {
        assert_eq!(super::terminal("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(super::markdown("x\n# y"), "x\\u{a}\\# y");
        assert_eq!(super::code("a`b"), "`` a`b ``");
    }
}
