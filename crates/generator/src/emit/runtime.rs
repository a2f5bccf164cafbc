//! The hand-written runtime, copied into every SDK, and the settings it is given.
//!
//! Input: the runtime crate's modules (`crates/runtime/src/`, named once in its
//! `files.in`), embedded when the generator is built, and the model's meta.
//! Output: `src/runtime/<name>.rs` for each module (its unit tests, which stay in the
//! runtime crate, left out), `src/runtime/mod.rs` declaring them, `src/blocking.rs`,
//! and the tokens of `src/settings.rs`: the runtime's `Settings` value
//! (`crates/runtime/src/settings.rs`) with the constructors that hand it over
//! (`Client::from_env`, `Client::builder`, `ClientBuilder::default`).

use proc_macro2::TokenStream;
use quote::quote;

use super::format::header;
use crate::ir::{Api, AuthKind};

/// The runtime serves every spec; a given SDK uses only part of it (no cookie
/// parameters, no uploads, no pagination ...), so its copies allow unused helpers.
const RUNTIME_ALLOW: &str = "#![allow(dead_code, reason = \"the runtime serves every spec; this SDK may not use each of its helpers\")]";

/// With no resource's feature on, no generated handle calls the blocking client's
/// helpers.
const BLOCKING_ALLOW: &str = "#![allow(dead_code, reason = \"with no resource's feature on, no blocking handle calls these helpers\")]";

/// Builds [`RUNTIME_FILES`] from the runtime crate's module list.
macro_rules! runtime_files {
    ($($name:ident),* $(,)?) => {
        /// The runtime's modules as written: (module name, source).
        pub const RUNTIME_FILES: &[(&str, &str)] = &[
            // Expanded where the list is (`files.in`), so each path is relative to
            // the runtime's `src/`.
            $((stringify!($name), include_str!(concat!(stringify!($name), ".rs")))),*
        ];
    };
}
include!("../../../runtime/src/files.in");

/// The synchronous client's hand-written half; its handles (`src/blocking/api/`)
/// are generated beside it. Not runtime: it names the SDK's resources.
const BLOCKING: &str = include_str!("../../../../templates/crate/blocking.rs");

/// A runtime module as an SDK carries it: without the closing declaration of its
/// unit tests (`#[cfg(test)]`, `#[path = "tests/<name>.rs"]`, `mod tests;`), whose
/// file stays in the runtime crate.
///
/// # Panics
///
/// If the module declares its tests any other way (a test checks every module).
#[must_use]
pub fn without_tests<'s>(name: &str, source: &'s str) -> &'s str {
    let Some(start) = source.find("mod tests") else {
        return source;
    };
    let tail = format!("#[path = \"tests/{name}.rs\"]\nmod tests;\n");
    let cut = source[..start]
        .rfind("\n#[cfg(")
        .filter(|&cfg| source[cfg..].trim_start().ends_with(&tail) && source.ends_with(&tail))
        .unwrap_or_else(|| {
            panic!("runtime module `{name}` must end its file with `#[cfg(test)]` {tail:?}")
        });
    &source[..=cut]
}

/// The runtime's files in an SDK: (path, contents).
pub(crate) fn files(api: &Api) -> Vec<(String, String)> {
    let header = header(api, "//");
    // The copies are not for rustfmt: they are formatted where they are written.
    let copy = |opening: &str, body: &str| {
        format!("{header}\n#![cfg_attr(rustfmt, rustfmt::skip)]\n{opening}\n{body}")
    };
    let mut files: Vec<(String, String)> = RUNTIME_FILES
        .iter()
        .map(|(name, source)| {
            (
                format!("src/runtime/{name}.rs"),
                copy(RUNTIME_ALLOW, without_tests(name, source)),
            )
        })
        .collect();
    let mut modules = String::new();
    for (name, _) in RUNTIME_FILES {
        modules.push_str("pub(crate) mod ");
        modules.push_str(name);
        modules.push_str(";\n");
    }
    files.push((
        "src/runtime/mod.rs".to_owned(),
        copy(
            "//! The HTTP runtime, the same in every generated SDK: a copy of the `sdk-runtime` crate's modules, whose tests live there. The SDK's settings reach it as a value (`crate::settings::SETTINGS`).\n",
            &modules,
        ),
    ));
    files.push(("src/blocking.rs".to_owned(), copy(BLOCKING_ALLOW, BLOCKING)));
    files
}

/// The tokens of `src/settings.rs`: the SDK's settings, and the constructors that
/// start every client from them.
pub(crate) fn settings(api: &Api) -> TokenStream {
    let meta = &api.meta;
    let base_url = &meta.base_url;
    let product = &meta.product;
    let option = |value: &Option<String>| {
        if let Some(value) = value {
            quote! { Some(#value) }
        } else {
            quote! { None }
        }
    };
    let base_url_env = option(&meta.base_url_env);
    let custom_headers_env = option(&meta.custom_headers_env);
    let log_env = option(&meta.log_env);
    let schemes = meta.auth.schemes.iter().map(auth_scheme_tokens);
    let key_env = &meta.auth.key_env;
    let username_env = &meta.auth.username_env;
    let password_env = &meta.auth.password_env;
    quote! {
        use crate::runtime::settings::Settings;

        /// This SDK's settings, handed to every [`ClientBuilder`](crate::ClientBuilder).
        pub(crate) static SETTINGS: Settings = Settings {
            default_base_url: #base_url,
            base_url_env: #base_url_env,
            api_key_env: &[#(#key_env),*],
            username_env: #username_env,
            password_env: #password_env,
            auth: &[#(#schemes),*],
            product: #product,
            version: env!("CARGO_PKG_VERSION"),
            custom_headers_env: #custom_headers_env,
            log_env: #log_env,
        };

        impl crate::Client {
            /// A client configured from the environment: the API key from the first set
            /// variable among the SDK's key variables, the base URL from its base URL
            /// variable.
            pub fn from_env() -> Result<Self, crate::Error> {
                Self::builder().build()
            }

            /// A builder; values it is not given come from the environment, then defaults.
            #[must_use]
            pub fn builder() -> crate::ClientBuilder {
                crate::ClientBuilder::default()
            }
        }

        impl Default for crate::ClientBuilder {
            fn default() -> Self {
                Self::with_settings(&SETTINGS)
            }
        }
    }
}

/// The runtime's `AuthScheme` value for a scheme of the model.
pub(crate) fn auth_scheme_tokens(kind: &AuthKind) -> TokenStream {
    match kind {
        AuthKind::Bearer => quote! { crate::runtime::client::AuthScheme::Bearer },
        AuthKind::Basic => quote! { crate::runtime::client::AuthScheme::Basic },
        AuthKind::ApiKeyHeader(name) => {
            quote! { crate::runtime::client::AuthScheme::ApiKeyHeader(#name) }
        }
        AuthKind::ApiKeyQuery(name) => {
            quote! { crate::runtime::client::AuthScheme::ApiKeyQuery(#name) }
        }
        AuthKind::ApiKeyCookie(name) => {
            quote! { crate::runtime::client::AuthScheme::ApiKeyCookie(#name) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every runtime module's tests are cut from its copy, and nothing else is.
    #[test]
    fn each_copy_leaves_out_the_tests_and_keeps_the_rest() {
        for (name, source) in RUNTIME_FILES {
            let copy = without_tests(name, source);
            assert!(!copy.contains("mod tests"), "{name}");
            assert!(!copy.contains("#[path"), "{name}");
            assert!(source.starts_with(copy), "{name}");
            let cut = &source[copy.len()..];
            assert!(
                cut.is_empty() || (cut.starts_with("#[cfg(") && cut.lines().count() == 3),
                "{name}: only the three-line declaration goes, not {cut:?}"
            );
        }
        assert!(
            RUNTIME_FILES
                .iter()
                .any(|(name, source)| without_tests(name, source).len() < source.len()),
            "some module has tests to leave out"
        );
    }

    /// A module that declares its tests some other way is a generator bug, caught
    /// here rather than as a missing file in every SDK's test build.
    #[test]
    #[should_panic(expected = "must end its file with")]
    fn tests_declared_otherwise_are_refused() {
        let _ = without_tests("call", "fn a() {}\n#[cfg(test)]\nmod tests {\n}\n");
    }
}
