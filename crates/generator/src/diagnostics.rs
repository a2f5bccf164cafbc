//! Problems found in a spec or config, collected rather than thrown.
//!
//! Input: whatever stage found the problem, with the JSON pointer of its place.
//! Output: [`Diagnostic`]s that name that place, and [`Diagnostics`], the whole list,
//! which the run reports at once so a user fixes everything in one pass.

use std::fmt;
use std::fmt::Write as _;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The construct is not supported; the generator used a typed fallback.
    Warning,
    /// The spec cannot be turned into an SDK.
    Error,
}

/// One problem, with where in the spec it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// JSON pointer of the place, as a URI fragment (`#/paths/~1api~1v1~1chat/post`).
    pub pointer: String,
    /// 1-based line and column of the place in the source text, where known.
    pub line_column: Option<(usize, usize)>,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            pointer: pointer.into(),
            line_column: None,
            message: message.into(),
        }
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(pointer, message)
        }
    }
}

/// The byte offset of the start of each line of `source`.
#[must_use]
pub fn line_starts(source: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(source.match_indices('\n').map(|(at, _)| at + 1))
        .collect()
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{label}: {}", self.message)?;
        write!(f, "\n  at {}", self.pointer)?;
        if let Some((line, column)) = self.line_column {
            write!(f, " (line {line}, column {column})")?;
        }
        Ok(())
    }
}

/// Every problem found in one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Whether any is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// The warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Warning)
    }
}

impl Diagnostics {
    /// Renders every diagnostic with the line of `source` it points at:
    ///
    /// ```text
    /// error: cannot resolve `$ref: #/components/schemas/Missing`
    ///   --> openapi.yaml:11:15 (#/paths/~1a/get/responses/200/content/application~1json/schema)
    ///    |
    /// 11 |               schema: {$ref: '#/components/schemas/Missing'}
    ///    |               ^
    /// ```
    #[must_use]
    pub fn render(&self, source: &str, source_name: &str) -> String {
        let mut out = String::new();
        // Each located diagnostic shows its line: the line starts are indexed once,
        // not counted from the top of a 12 MB spec for every one.
        let line_starts: Vec<usize> = if self.0.iter().any(|d| d.line_column.is_some()) {
            line_starts(source)
        } else {
            Vec::new()
        };
        let line_text = |line: usize| -> Option<&str> {
            let start = *line_starts.get(line.checked_sub(1)?)?;
            let rest = &source[start..];
            let text = rest.split('\n').next().unwrap_or_default();
            Some(text.strip_suffix('\r').unwrap_or(text))
        };
        for diagnostic in &self.0 {
            let label = match diagnostic.severity {
                Severity::Warning => "warning",
                Severity::Error => "error",
            };
            let _ = writeln!(out, "{label}: {}", terminal_safe(&diagnostic.message));
            match diagnostic.line_column {
                Some((line, column)) => {
                    let _ = writeln!(
                        out,
                        "  --> {}:{line}:{column} ({})",
                        terminal_safe(source_name),
                        terminal_safe(&diagnostic.pointer)
                    );
                    if let Some(text) = line_text(line) {
                        let number = line.to_string();
                        let gutter = " ".repeat(number.len());
                        let shown = terminal_safe(&text.chars().take(160).collect::<String>());
                        let caret = " ".repeat(column.saturating_sub(1).min(160));
                        let _ =
                            writeln!(out, "{gutter} |\n{number} | {shown}\n{gutter} | {caret}^");
                    }
                }
                None => {
                    let _ = writeln!(
                        out,
                        "  --> {} ({})",
                        terminal_safe(source_name),
                        terminal_safe(&diagnostic.pointer)
                    );
                }
            }
            out.push('\n');
        }
        let errors = self
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = self.0.len() - errors;
        let _ = writeln!(out, "{errors} error(s), {warnings} warning(s)");
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, diagnostic) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Escapes one JSON pointer token (`/` → `~1`, `~` → `~0`).
#[must_use]
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Whether a character reorders text when displayed (the bidi controls of
/// CVE-2021-42574, which rustc refuses in comments and doc comments).
#[must_use]
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Spec text (a message quoting it, a source line, the file name) as a terminal may
/// show it: control characters (ESC, BEL, NUL ...) and bidi controls are written as
/// `\u{..}` escapes, so no spec can move the cursor or recolour the screen.
#[must_use]
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\t') || is_bidi_control(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Diagnostic, Diagnostics};

    #[test]
    fn rendering_escapes_terminal_controls() {
        let source = "openapi: 3.0.3\ninfo: {title: \"\u{1b}[31mred\u{7}\"}\n";
        let diagnostics = Diagnostics(vec![Diagnostic {
            line_column: Some((2, 1)),
            ..Diagnostic::error("#/info", "bad title `\u{1b}[31mred`")
        }]);
        let shown = diagnostics.render(source, "spec\u{1b}.yaml");
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
        assert!(shown.contains("\\u{1b}"), "{shown}");
    }
}
