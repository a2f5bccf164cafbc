//! Turns spec names into Rust identifiers that always compile.
//!
//! Input: any string a spec uses as a name (property, parameter, schema, enum value).
//! Output: an identifier that is valid Rust in edition 2024: keywords become raw
//! identifiers (`r#type`) or, where raw is not allowed (`self`, `Self`, `super`,
//! `crate`, `_`), get a `_` suffix; names starting with a digit get a prefix;
//! characters outside `[A-Za-z0-9_]` are dropped after case conversion, with
//! non-ASCII letters spelled as their code point so distinct names stay distinct.
//! [`Namespace`] makes names unique within one scope, in the order they are claimed.

use std::collections::HashSet;
use std::fmt::Write as _;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of Rust 2024, strict and reserved, that need `r#` (or a suffix).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Spells characters that are not ASCII letters or digits so case conversion keeps them
/// apart (`café` and `cafe` must not become the same identifier).
fn ascii_words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_alphanumeric() {
            let _ = write!(out, " U{:04x} ", u32::from(c));
        } else {
            out.push(' ');
        }
    }
    out
}

/// A `snake_case` identifier for a field, method, module or parameter.
///
/// `fallback` is used when nothing of `raw` survives (`"-"`, `""`).
#[must_use]
pub fn snake_ident(raw: &str, fallback: &str) -> String {
    let raw = spell_sign(raw);
    let mut name = ascii_words(&raw).to_snake_case();
    if name.is_empty() {
        fallback.clone_into(&mut name);
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("{fallback}_{name}");
    }
    escape_keyword(name)
}

/// An `UpperCamelCase` identifier for a type or variant.
///
/// A name that already is one (`HTTPValidationError`) is kept as written.
#[must_use]
pub fn pascal_ident(raw: &str, fallback: &str) -> String {
    let already = raw.starts_with(|c: char| c.is_ascii_uppercase())
        && raw.chars().all(|c| c.is_ascii_alphanumeric())
        && !raw
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let mut name = if already {
        raw.to_owned()
    } else {
        ascii_words(&spell_sign(raw)).to_upper_camel_case()
    };
    if name.is_empty() {
        fallback.clone_into(&mut name);
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("{fallback}{name}");
    }
    escape_keyword(name)
}

/// An `UpperCamelCase` variant name for an enum value, read from the value itself:
/// symbols become words (`>` → `Gt`, `>=` → `Gte`), digit groups stay apart
/// (`2026-08-19` → `V2026_08_19`), and a value starting with a digit gets `V`.
#[must_use]
pub fn variant_ident(raw: &str) -> String {
    if let Some(word) = symbol_word(raw.trim()) {
        return word.to_owned();
    }
    let spelled = spell_sign(raw);
    let words: Vec<String> = ascii_words(&spelled)
        .split_whitespace()
        .map(|word| {
            if word
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && word.len() > 1
            {
                // `PDF` → `Pdf`, as heck does for whole names.
                word.to_upper_camel_case()
            } else {
                let mut chars = word.chars();
                chars.next().map_or_else(String::new, |first| {
                    let rest: String = chars.collect();
                    let rest = if rest.chars().any(|c| c.is_ascii_lowercase()) {
                        rest
                    } else {
                        rest.to_ascii_lowercase()
                    };
                    format!("{}{rest}", first.to_ascii_uppercase())
                })
            }
        })
        .collect();
    let mut name = String::new();
    for word in &words {
        let digit_join = name.ends_with(|c: char| c.is_ascii_digit())
            && word.starts_with(|c: char| c.is_ascii_digit());
        if digit_join {
            name.push('_');
        }
        name.push_str(word);
    }
    if name.is_empty() {
        return "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    escape_keyword(name)
}

/// A word for a value that is only a symbol (`>`, `!=`, `*`).
fn symbol_word(raw: &str) -> Option<&'static str> {
    Some(match raw {
        "" => "Empty",
        ">" => "Gt",
        ">=" => "Gte",
        "<" => "Lt",
        "<=" => "Lte",
        "=" | "==" => "Eq",
        "!=" | "<>" => "Ne",
        "*" => "Star",
        "+" => "Plus",
        "-" => "Minus",
        "/" => "Slash",
        "." => "Dot",
        "_" => "Underscore",
        "?" => "Question",
        "!" => "Bang",
        "&" | "&&" => "And",
        "|" | "||" => "Or",
        "~" => "Tilde",
        "%" => "Percent",
        "#" => "Hash",
        "@" => "At",
        "$" => "Dollar",
        "^" => "Caret",
        "," => "Comma",
        ":" => "Colon",
        ";" => "Semicolon",
        _ => return None,
    })
}

/// `+1` and `-1` are distinct enum values in real specs (GitHub's reactions): a
/// leading sign is spelled out; a sign inside a name (`2-day`) is a separator.
fn spell_sign(raw: &str) -> String {
    if let Some(rest) = raw.strip_prefix('+') {
        format!("plus {rest}")
    } else if let Some(rest) = raw.strip_prefix('-').filter(|rest| !rest.is_empty()) {
        format!("minus {rest}")
    } else {
        raw.to_owned()
    }
}

fn escape_keyword(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

pub use crate::ir::bare;

/// One scope of names: claims are first come, first served; a name already taken
/// gets `_2`, `_3` ... (snake case) or `2`, `3` ... (camel case) appended.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: HashSet<String>,
}

impl Namespace {
    /// A namespace with these names reserved up front.
    #[must_use]
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|name| (*name).to_owned()).collect(),
        }
    }

    /// Whether `name` is taken.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(bare(name))
    }

    /// Claims `name`, or the first free numbered variant of it, and returns what was claimed.
    pub fn claim(&mut self, name: &str) -> String {
        let base = bare(name);
        if self.taken.insert(base.to_owned()) {
            return name.to_owned();
        }
        // `self_` taken → `self_2`, not `self__2`.
        let base = base.trim_end_matches('_');
        let separator = if base.contains('_') || base.starts_with(|c: char| c.is_ascii_lowercase())
        {
            "_"
        } else {
            ""
        };
        // There are fewer names taken than numbers, so this ends.
        let mut n = 2_usize;
        loop {
            let candidate = format!("{base}{separator}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_digits() {
        assert_eq!(snake_ident("type", "field"), "r#type");
        assert_eq!(snake_ident("self", "field"), "self_");
        assert_eq!(snake_ident("gen", "field"), "r#gen");
        assert_eq!(snake_ident("2fa", "field"), "field_2fa");
        assert_eq!(snake_ident("-", "field"), "field");
        assert_eq!(snake_ident("Index Ids", "field"), "index_ids");
        assert_eq!(pascal_ident("Self", "Type"), "Self_");
        assert_eq!(pascal_ident("text_delta", "Variant"), "TextDelta");
        assert_eq!(
            pascal_ident("HTTPValidationError", "Type"),
            "HTTPValidationError"
        );
        assert_eq!(pascal_ident("HTTP", "Type"), "Http");
        assert_eq!(pascal_ident("+1", "Value"), "Plus1");
        assert_eq!(pascal_ident("-1", "Value"), "Minus1");
        assert_eq!(pascal_ident("1", "Value"), "Value1");
        assert_eq!(pascal_ident("2-day", "Value"), "Value2Day");
        assert_eq!(snake_ident("-", "field"), "field");
    }

    #[test]
    fn variant_names_are_read_from_values() {
        assert_eq!(variant_ident("2026-08-19"), "V2026_08_19");
        assert_eq!(variant_ident(">"), "Gt");
        assert_eq!(variant_ident(">="), "Gte");
        assert_eq!(variant_ident("fast"), "Fast");
        assert_eq!(variant_ident("cost_effective"), "CostEffective");
        assert_eq!(variant_ident("OPENAI_EMBEDDING"), "OpenaiEmbedding");
        assert_eq!(variant_ident("application/pdf"), "ApplicationPdf");
        assert_eq!(variant_ident("gpt-4o"), "Gpt4o");
        assert_eq!(variant_ident("+1"), "Plus1");
        assert_eq!(variant_ident("1"), "V1");
        assert_eq!(variant_ident("Self"), "Self_");
        assert_eq!(variant_ident("camelCase"), "CamelCase");
        assert_eq!(variant_ident(""), "Empty");
    }

    #[test]
    fn non_ascii_names_stay_distinct() {
        assert_ne!(snake_ident("café", "f"), snake_ident("cafe", "f"));
        assert!(snake_ident("名前", "f").is_ascii());
    }

    #[test]
    fn namespace_numbers_collisions() {
        let mut names = Namespace::with_reserved(&["extra_fields"]);
        assert_eq!(names.claim("extra_fields"), "extra_fields_2");
        assert_eq!(names.claim("r#type"), "r#type");
        assert_eq!(names.claim("type"), "type_2");
        assert_eq!(names.claim("self_"), "self_");
        assert_eq!(names.claim("self_"), "self_2");
        let mut types = Namespace::default();
        assert_eq!(types.claim("Pet"), "Pet");
        assert_eq!(types.claim("Pet"), "Pet2");
    }
}
