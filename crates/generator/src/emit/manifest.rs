//! The SDK crate's `Cargo.toml`: its dependencies, features and tests.
//!
//! Input: the model (package metadata, features).
//! Output: the manifest's text, rendered from `templates/crate/Cargo.toml` with
//! every value escaped as TOML first.

use askama::Template;

use super::format::header;
use super::{EmitError, tokens};
use crate::ir::Api;

/// A TOML basic string for any text (a JSON string literal is one).
#[must_use]
pub fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

#[derive(Template)]
#[template(path = "crate/Cargo.toml", escape = "none")]
struct ManifestTemplate<'a> {
    header: String,
    name: String,
    version: String,
    description: String,
    license: String,
    dependencies: &'a [(&'static str, &'static str)],
    optional_dependencies: &'a [(&'static str, &'static str)],
    features: Vec<(String, String)>,
    dev_dependencies: &'a [(&'static str, &'static str)],
    /// The features the generated tests need (every resource's), as a TOML list;
    /// empty when the crate has no resource features.
    test_features: String,
}

/// The generated crate's dependencies: (name, TOML value). Kept in step with the
/// workspace's `[workspace.dependencies]` by a test.
pub const SDK_DEPENDENCIES: &[(&str, &str)] = &[
    ("base64", r#""0.23""#),
    ("bytes", r#""1""#),
    ("fastrand", r#""2""#),
    (
        "futures",
        r#"{ version = "0.3", default-features = false, features = ["std"] }"#,
    ),
    ("form_urlencoded", r#""1""#),
    ("httpdate", r#""1""#),
    ("mime_guess", r#""2""#),
    ("percent-encoding", r#""2""#),
    // The TLS backend is a feature of this crate (`SDK_FEATURES`), not fixed here.
    (
        "reqwest",
        r#"{ version = "0.13", default-features = false, features = ["json", "stream", "http2", "multipart", "gzip", "brotli", "zstd"] }"#,
    ),
    ("serde", r#"{ version = "1", features = ["derive"] }"#),
    // `preserve_order`: objects keep the order they were built or received in, so
    // an object query parameter and a re-serialized response are exact on the wire
    // even where no other crate switches the feature on.
    (
        "serde_json",
        r#"{ version = "1", features = ["preserve_order"] }"#,
    ),
    ("serde_path_to_error", r#""0.1""#),
    ("thiserror", r#""2""#),
    ("tokio", r#"{ version = "1", features = ["time", "fs"] }"#),
    (
        "tracing",
        r#"{ version = "0.1", default-features = false, features = ["std"] }"#,
    ),
];

/// Optional dependencies, switched on by the crate's features.
pub const SDK_OPTIONAL_DEPENDENCIES: &[(&str, &str)] = &[
    // Only for the TLS features without aws-lc-rs: to install ring as the crypto
    // provider, or to see that the program installed one.
    (
        "rustls",
        r#"{ version = "0.23", default-features = false, features = ["std"], optional = true }"#,
    ),
    (
        "tracing-subscriber",
        r#"{ version = "0.3", default-features = false, features = ["fmt", "std", "registry"], optional = true }"#,
    ),
];

/// The generated crate's features: (name, TOML list).
pub const SDK_FEATURES: &[(&str, &str)] = &[
    ("default", r#"["env-log", "rustls"]"#),
    // TLS backends; enable one. `rustls` uses the aws-lc-rs provider (a C build),
    // `rustls-ring` the ring provider, `native-tls` the platform's library (OpenSSL
    // on Linux), and `rustls-no-provider` whichever provider the program installs.
    ("rustls", r#"["reqwest/rustls"]"#),
    (
        "rustls-ring",
        r#"["reqwest/rustls-no-provider", "dep:rustls", "rustls/ring"]"#,
    ),
    ("native-tls", r#"["reqwest/native-tls"]"#),
    (
        "rustls-no-provider",
        r#"["reqwest/rustls-no-provider", "dep:rustls"]"#,
    ),
    ("env-log", r#"["dep:tracing-subscriber"]"#),
    ("blocking", r#"["tokio/rt", "tokio/net"]"#),
];

/// The generated crate's dev-dependencies.
pub const SDK_DEV_DEPENDENCIES: &[(&str, &str)] = &[
    (
        "tokio",
        r#"{ version = "1", features = ["macros", "rt-multi-thread", "net", "io-util", "test-util"] }"#,
    ),
    ("wiremock", r#""0.6""#),
];

/// `"a", "b"`: each name escaped as a TOML string, the list's inside.
fn toml_items<'s>(names: impl Iterator<Item = &'s str>) -> String {
    names.map(toml_string).collect::<Vec<_>>().join(", ")
}

/// The crate's own features, with one per top-level resource, all in `default`.
fn manifest_features(api: &Api) -> Vec<(String, String)> {
    let resources = &api.features.resources;
    SDK_FEATURES
        .iter()
        .map(|(name, value)| {
            let value = if *name == "default" && !resources.is_empty() {
                // The list's own names, then the resources'.
                let own = value.trim_start_matches('[').trim_end_matches(']');
                let resources = toml_items(resources.iter().map(|(_, f)| f.as_str()));
                format!("[{own}, {resources}]")
            } else {
                (*value).to_owned()
            };
            ((*name).to_owned(), value)
        })
        .chain(
            resources
                .iter()
                .map(|(_, feature)| (toml_key(feature), "[]".to_owned())),
        )
        .collect()
}

/// A feature name as a TOML key: bare when it can be, quoted otherwise.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        name.to_owned()
    } else {
        toml_string(name)
    }
}

pub(super) fn render_manifest(api: &Api) -> Result<String, EmitError> {
    let meta = &api.meta;
    ManifestTemplate {
        header: header(api, "#"),
        name: toml_string(&meta.package_name),
        version: toml_string(&meta.version),
        description: toml_string(&tokens::one_line(&meta.description)),
        license: toml_string(&meta.license),
        dependencies: SDK_DEPENDENCIES,
        optional_dependencies: SDK_OPTIONAL_DEPENDENCIES,
        features: manifest_features(api),
        dev_dependencies: SDK_DEV_DEPENDENCIES,
        test_features: if api.features.resources.is_empty() {
            String::new()
        } else {
            format!(
                "[{}]",
                toml_items(api.features.resources.iter().map(|(_, f)| f.as_str()))
            )
        },
    }
    .render()
    .map_err(|error| EmitError::Template {
        template: "crate/Cargo.toml",
        message: error.to_string(),
    })
}
