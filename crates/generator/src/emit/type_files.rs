//! The files of `src/types/`: each module's parts, the modules' roots, and
//! `ApiError`'s accessors.
//!
//! Input: the model's [`crate::ir::TypeModule`]s, which say where every type goes.
//! Output: the text of each part's file, and the tokens of `types/mod.rs` and of a
//! several-part module's `mod.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use super::format::{format_items, header, module_head};
use super::tokens::ident;
use super::{EmitError, models, tokens};
use crate::ir::Api;

/// One item of a `types/` part.
#[derive(Clone, Copy)]
pub(super) enum Unit<'a> {
    Type(&'a crate::ir::TypeDef),
    Params(&'a crate::ir::ParamsType),
}

/// Builds and formats one item.
pub(super) fn format_unit(api: &Api, path: &str, unit: Unit<'_>) -> Result<String, EmitError> {
    let tokens = match unit {
        Unit::Type(def) => models::type_def(def, &api.types),
        Unit::Params(params) => models::params_type(params),
    };
    if tokens.is_empty() {
        return Ok(String::new());
    }
    format_items(path, tokens)
}

/// The path of a `types/` part's file.
pub(super) fn part_path(module: &crate::ir::TypeModule, part: &crate::ir::TypePart) -> String {
    if module.parts.len() == 1 {
        format!("src/types/{}.rs", module.file)
    } else {
        format!("src/types/{}/{}.rs", module.file, part.name)
    }
}

/// A `types/` part's file: the header, its module doc and its items.
pub(super) fn type_part_file(
    api: &Api,
    units: &std::collections::BTreeMap<&str, Unit<'_>>,
    module: &crate::ir::TypeModule,
    part: &crate::ir::TypePart,
) -> Result<String, EmitError> {
    let path = part_path(module, part);
    let doc = if module.parts.len() == 1 {
        &module.doc
    } else {
        &part.doc
    };
    let mut text = format!("{}\n{}", header(api, "//"), module_head(doc)?);
    for name in &part.types {
        let unit = units
            .get(name.as_str())
            .ok_or_else(|| EmitError::InvalidRust {
                path: path.clone(),
                message: format!("the model places `{name}` here but defines no such type"),
            })?;
        text.push_str(&format_unit(api, &path, *unit)?);
    }
    Ok(text)
}

/// `types/mod.rs`: each module, gated by its features, and re-exported, so
/// `crate::types::Name` works for every type; and `ApiError`'s accessors.
pub(super) fn types_root(api: &Api) -> TokenStream {
    let modules = api.type_modules.iter().map(|module| {
        let name = tokens::ident(&module.name);
        let gate = tokens::feature_gate(&module.features);
        quote! {
            #gate
            pub mod #name;
            #gate
            pub use #name::*;
        }
    });
    let accessors = error_accessors(api);
    quote! { #(#modules)* #accessors }
}

/// A several-part module's `mod.rs`: each part, gated by its features, re-exported.
pub(super) fn type_module_root(module: &crate::ir::TypeModule) -> TokenStream {
    let parts = module.parts.iter().map(|part| {
        let name = tokens::ident(&part.name);
        let gate = tokens::feature_gate(&part.features);
        quote! {
            #gate
            mod #name;
            #gate
            pub use #name::*;
        }
    });
    quote! { #(#parts)* }
}

/// Typed accessors on `ApiError` for the error bodies the spec declares.
fn error_accessors(api: &Api) -> TokenStream {
    if api.error_bodies.is_empty() {
        return TokenStream::new();
    }
    let accessors = api.error_bodies.iter().map(|body| {
        let accessor = ident(&body.accessor);
        let ty = tokens::type_tokens(&body.ty);
        let status = body.status;
        let doc = format!(
            " The body of this error as the type the spec declares for status {status}, when the status is {status} and the body decodes."
        );
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #accessor(&self) -> Option<#ty> {
                if self.status.as_u16() != #status {
                    return None;
                }
                self.body_as().ok()
            }
        }
    });
    quote! {
        impl crate::ApiError {
            #(#accessors)*
        }
    }
}
