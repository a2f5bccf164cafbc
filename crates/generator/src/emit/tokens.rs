//! Small builders shared by the Rust emitters: identifiers, doc attributes, types.
//!
//! Input: names and docs already decided in the model.
//! Output: `proc_macro2` tokens. Spec text only ever becomes a string literal
//! (`#[doc = "..."]`, `"wire_name"`), so nothing in a spec can become code.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::TypeRef;

/// An identifier from a model name; `r#type` becomes a raw identifier.
///
/// Names in the model were made valid by `lower::names`; anything else reaching here
/// is a generator bug, reported as an identifier that fails to compile rather than a panic.
#[must_use]
pub fn ident(name: &str) -> Ident {
    if let Some(raw) = name.strip_prefix("r#") {
        Ident::new_raw(raw, Span::call_site())
    } else if syn::parse_str::<Ident>(name).is_ok() {
        Ident::new(name, Span::call_site())
    } else {
        Ident::new("__invalid_identifier", Span::call_site())
    }
}

/// Spec text for one line of prose, a header or a comment: control and bidi
/// characters (newlines included) become spaces, a backtick cannot open code, and
/// `--` cannot end an HTML comment.
#[must_use]
pub fn one_line(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| {
            if c.is_control() || crate::diagnostics::is_bidi_control(c) {
                ' '
            } else if c == '`' {
                '\''
            } else {
                c
            }
        })
        .collect();
    let mut out = mapped.replace("--", "- -");
    while out.contains("--") {
        out = out.replace("--", "- -");
    }
    out.trim().to_owned()
}

/// Spec text for a terminal (the command-line tool's help): control characters
/// other than newline and tab are dropped, and bidi controls with them, so no help
/// text can move the cursor, ring the bell or reorder what is shown.
#[must_use]
pub fn terminal_text(text: &str) -> String {
    text.chars()
        .filter(|c| {
            (!c.is_control() || matches!(c, '\n' | '\t'))
                && !crate::diagnostics::is_bidi_control(*c)
        })
        .collect()
}

/// A doc line with control and bidi characters written as escapes (`\u{202e}`), so a
/// doc comment can hold neither a raw one (rustc refuses bidi controls) nor a NUL.
fn doc_line(line: &str) -> String {
    crate::diagnostics::terminal_safe(line)
}

/// `#[doc = "..."]` lines for a doc text, made safe for rustdoc.
///
/// Spec descriptions are Markdown written for other tools: a fenced block with no
/// language (or a non-Rust one) would become a doctest that fails to compile, and an
/// indented block would too. Fences are marked `text`; indented blocks are kept as
/// text inside a `text` fence.
#[must_use]
pub fn doc_attrs(doc: &str) -> TokenStream {
    doc_lines_verbatim(&sanitize_markdown(doc))
}

/// `#[doc = "..."]` lines for text the generator wrote itself (examples that must stay
/// doctests). Still string literals: the text cannot escape the attribute.
#[must_use]
pub fn doc_lines_verbatim(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        // A leading space so `///`-style rendering matches hand-written docs.
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {}", doc_line(line))
        };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Rewrites code blocks so rustdoc never compiles spec text as a doctest.
///
/// Fenced blocks are re-fenced as `text`. An indented line that could open an
/// indented code block (after a blank line, a fence or a heading) opens a `text`
/// fence instead; any other indented line keeps at most three spaces, which Markdown
/// never reads as code. So no spec text can become a doctest, whatever Markdown it has.
#[must_use]
pub fn sanitize_markdown(doc: &str) -> String {
    let mut out = String::with_capacity(doc.len() + 16);
    let mut in_fence: Option<String> = None;
    let mut in_indented = false;
    // Whether the previous line lets an indented code block start.
    let mut block_may_start = true;
    for raw_line in doc.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let line = raw_line.replace('\t', "    ");
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(fence) = in_fence.clone() {
            if trimmed.starts_with(fence.as_str()) && indent < 4 {
                in_fence = None;
                out.push_str(&fence);
                block_may_start = true;
            } else {
                out.push_str(&line);
            }
            out.push('\n');
            continue;
        }
        let indented = indent >= 4 && !trimmed.is_empty();
        if in_indented && !indented && !trimmed.is_empty() {
            out.push_str("```\n");
            in_indented = false;
        }
        if in_indented {
            out.push_str(line.get(4..).unwrap_or(""));
            out.push('\n');
            continue;
        }
        let fence_marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        if let (Some(marker), false) = (fence_marker, indented) {
            let first = marker.chars().next().unwrap_or('`');
            let fence: String = trimmed.chars().take_while(|c| *c == first).collect();
            out.push_str(&fence);
            out.push_str("text\n");
            in_fence = Some(fence);
            continue;
        }
        if indented && block_may_start {
            out.push_str("```text\n");
            out.push_str(line.get(4..).unwrap_or(""));
            out.push('\n');
            in_indented = true;
            continue;
        }
        if indented {
            out.push_str("   ");
            out.push_str(trimmed.trim_end());
        } else {
            out.push_str(line.trim_end());
        }
        out.push('\n');
        block_may_start = trimmed.is_empty() || trimmed.starts_with('#');
    }
    if in_indented {
        out.push_str("```\n");
    }
    if let Some(fence) = in_fence {
        out.push_str(&fence);
        out.push('\n');
    }
    out.trim_end().to_owned()
}

/// The Rust type for a model type reference.
#[must_use]
pub fn type_tokens(ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::String => quote! { String },
        TypeRef::Bool => quote! { bool },
        TypeRef::I32 => quote! { i32 },
        TypeRef::I64 => quote! { i64 },
        TypeRef::U64 => quote! { u64 },
        TypeRef::Number => quote! { crate::Number },
        TypeRef::Json => quote! { ::serde_json::Value },
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { crate::types::#name }
        }
        TypeRef::Vec(inner) => {
            let inner = type_tokens(inner);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) if **inner == TypeRef::Json => {
            quote! { ::serde_json::Map<String, ::serde_json::Value> }
        }
        TypeRef::Map(inner) => {
            let inner = type_tokens(inner);
            quote! { ::std::collections::BTreeMap<String, #inner> }
        }
        TypeRef::Option(inner) => {
            let inner = type_tokens(inner);
            quote! { Option<#inner> }
        }
        TypeRef::Boxed(inner) => {
            let inner = type_tokens(inner);
            quote! { Box<#inner> }
        }
        TypeRef::File => quote! { crate::FileUpload },
        TypeRef::Bytes => quote! { ::bytes::Bytes },
    }
}

/// Type tokens as seen from another crate (the SDK's tests, the command-line tool):
/// `crate::` becomes the SDK crate's name.
#[must_use]
pub fn retarget(tokens: &TokenStream, krate: &str) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|tree| match tree {
            proc_macro2::TokenTree::Ident(name) if name == "crate" => {
                proc_macro2::TokenTree::Ident(ident(krate))
            }
            proc_macro2::TokenTree::Group(group) => {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), retarget(&group.stream(), krate));
                inner.set_span(group.span());
                proc_macro2::TokenTree::Group(inner)
            }
            other => other,
        })
        .collect()
}

/// `#[cfg(any(feature = "a", …))]` for an item only these features compile; `None`
/// when it is always compiled.
#[must_use]
pub fn feature_gate(features: &[String]) -> Option<TokenStream> {
    match features {
        [] => None,
        [one] => Some(quote! { #[cfg(feature = #one)] }),
        many => {
            let many = many.iter().map(String::as_str);
            Some(quote! { #[cfg(any(#(feature = #many),*))] })
        }
    }
}

/// `#[cfg(feature = "…")]` for a child of the root that is a top-level resource
/// with a feature; `None` otherwise.
#[must_use]
pub fn resource_gate(features: &crate::ir::Features, module: &str) -> Option<TokenStream> {
    let feature = features.of_resource(module)?;
    Some(quote! { #[cfg(feature = #feature)] })
}

#[cfg(test)]
mod tests {
    use super::sanitize_markdown;

    #[test]
    fn fences_become_text() {
        assert_eq!(
            sanitize_markdown("a\n```\nfoo()\n```"),
            "a\n```text\nfoo()\n```"
        );
        assert_eq!(sanitize_markdown("```python\nx\n```"), "```text\nx\n```");
    }

    #[test]
    fn indented_blocks_become_text() {
        assert_eq!(
            sanitize_markdown("a\n\n    code\nb"),
            "a\n\n```text\ncode\n```\nb"
        );
    }

    #[test]
    fn indented_lines_after_a_fence_or_heading_are_text() {
        assert_eq!(
            sanitize_markdown("```\nx\n```\n    code()"),
            "```text\nx\n```\n```text\ncode()\n```"
        );
        assert_eq!(
            sanitize_markdown("# H\n    code()"),
            "# H\n```text\ncode()\n```"
        );
        assert_eq!(
            sanitize_markdown("    code() at the start"),
            "```text\ncode() at the start\n```"
        );
    }

    #[test]
    fn other_indented_lines_keep_three_spaces() {
        assert_eq!(sanitize_markdown("- item\n      more"), "- item\n   more");
        assert_eq!(sanitize_markdown("para\n        lazy"), "para\n   lazy");
    }

    #[test]
    fn unclosed_fence_is_closed() {
        assert_eq!(sanitize_markdown("```\nx"), "```text\nx\n```");
    }
}
