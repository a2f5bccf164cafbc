//! The SDK crate's `Cargo.toml` (its dependencies, features and tests), and the
//! dependencies of every generated crate, with their versions in one table.
//!
//! Input: the model (package metadata, features).
//! Output: the manifest's text, rendered from `templates/crate/Cargo.toml` with
//! every value escaped as TOML first; the dependency lines the tool's manifest uses
//! too.

use std::fmt::Write as _;

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
struct ManifestTemplate {
    header: String,
    name: String,
    version: String,
    description: String,
    license: String,
    dependencies: Vec<(&'static str, String)>,
    optional_dependencies: Vec<(&'static str, String)>,
    features: Vec<(String, String)>,
    dev_dependencies: Vec<(String, String)>,
    /// The features the generated tests need (every resource's), as a TOML list;
    /// empty when the crate has no resource features.
    test_features: String,
}

/// The version every dependency of a generated crate requires, the SDK's and its
/// tool's alike: the one table of versions, which a test keeps equal to the
/// workspace's `[workspace.dependencies]`.
pub const VERSIONS: &[(&str, &str)] = &[
    ("assert_cmd", "2"),
    ("base64", "0.23"),
    ("bytes", "1"),
    ("clap", "4"),
    ("fastrand", "2"),
    ("form_urlencoded", "1"),
    ("futures", "0.3"),
    ("httpdate", "1"),
    ("mime_guess", "2"),
    ("percent-encoding", "2"),
    ("reqwest", "0.13"),
    ("rustls", "0.23"),
    ("serde", "1"),
    ("serde_json", "1"),
    ("serde_path_to_error", "0.1"),
    ("serde_yaml", "0.9"),
    ("thiserror", "2"),
    ("tokio", "1"),
    ("tracing", "0.1"),
    ("tracing-subscriber", "0.3"),
    ("wiremock", "0.6"),
];

/// The version [`VERSIONS`] requires of this crate; `None` for a crate it does
/// not name.
#[must_use]
pub fn version_of(name: &str) -> Option<&'static str> {
    VERSIONS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, version)| *version)
}

/// One dependency of a generated crate: what its manifest line says besides the
/// version, which comes from [`VERSIONS`].
#[derive(Debug, Clone, Copy)]
pub struct Dependency {
    /// The crate.
    pub name: &'static str,
    /// Whether its default features stay on.
    pub default_features: bool,
    /// The features it is asked for.
    pub features: &'static [&'static str],
    /// Whether one of the crate's own features switches it on.
    pub optional: bool,
}

impl Dependency {
    /// The crate with its default features.
    const fn plain(name: &'static str) -> Self {
        Self {
            name,
            default_features: true,
            features: &[],
            optional: false,
        }
    }

    /// The crate with its default features and these.
    const fn with(name: &'static str, features: &'static [&'static str]) -> Self {
        Self {
            features,
            ..Self::plain(name)
        }
    }

    /// The crate with only these features.
    const fn only(name: &'static str, features: &'static [&'static str]) -> Self {
        Self {
            default_features: false,
            ..Self::with(name, features)
        }
    }

    /// The same, optional.
    const fn optional(self) -> Self {
        Self {
            optional: true,
            ..self
        }
    }

    /// Its version requirement, from [`VERSIONS`].
    #[must_use]
    pub fn version(&self) -> Option<&'static str> {
        version_of(self.name)
    }

    /// Its manifest value: `"1"`, or an inline table.
    #[must_use]
    pub fn toml_value(&self) -> String {
        let version = toml_string(self.version().unwrap_or("*"));
        if self.default_features && self.features.is_empty() && !self.optional {
            return version;
        }
        let mut value = format!("{{ version = {version}");
        if !self.default_features {
            value.push_str(", default-features = false");
        }
        if !self.features.is_empty() {
            let features: Vec<String> = self.features.iter().map(|f| toml_string(f)).collect();
            let _ = write!(value, ", features = [{}]", features.join(", "));
        }
        if self.optional {
            value.push_str(", optional = true");
        }
        value.push_str(" }");
        value
    }
}

/// (name, manifest value) of each dependency, for the templates.
pub(super) fn manifest_lines(dependencies: &[Dependency]) -> Vec<(&'static str, String)> {
    dependencies
        .iter()
        .map(|dependency| (dependency.name, dependency.toml_value()))
        .collect()
}

/// The generated crate's dependencies.
pub const SDK_DEPENDENCIES: &[Dependency] = &[
    Dependency::plain("base64"),
    Dependency::plain("bytes"),
    Dependency::plain("fastrand"),
    Dependency::only("futures", &["std"]),
    Dependency::plain("form_urlencoded"),
    Dependency::plain("httpdate"),
    Dependency::plain("mime_guess"),
    Dependency::plain("percent-encoding"),
    // The TLS backend is a feature of this crate (`SDK_FEATURES`), not fixed here.
    Dependency::only(
        "reqwest",
        &[
            "json",
            "stream",
            "http2",
            "multipart",
            "gzip",
            "brotli",
            "zstd",
        ],
    ),
    Dependency::with("serde", &["derive"]),
    // `preserve_order`: objects keep the order they were built or received in, so
    // an object query parameter and a re-serialized response are exact on the wire
    // even where no other crate switches the feature on.
    Dependency::with("serde_json", &["preserve_order"]),
    Dependency::plain("serde_path_to_error"),
    Dependency::plain("thiserror"),
    Dependency::with("tokio", &["time", "fs"]),
    Dependency::only("tracing", &["std"]),
];

/// Optional dependencies, switched on by the crate's features.
pub const SDK_OPTIONAL_DEPENDENCIES: &[Dependency] = &[
    // Only for the TLS features without aws-lc-rs: to install ring as the crypto
    // provider, or to see that the program installed one.
    Dependency::only("rustls", &["std"]).optional(),
    Dependency::only("tracing-subscriber", &["fmt", "std", "registry"]).optional(),
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

/// The generated crate's dev-dependencies: what its generated tests need (the
/// conformance tests are `#[tokio::test]`s, and the README's doctests run in
/// `#[tokio::main]`, whose default runtime is the multi-threaded one). The config
/// adds what hand-written tests need (`package.test_dependencies`, see
/// [`dev_dependency_lines`]).
pub const SDK_DEV_DEPENDENCIES: &[Dependency] =
    &[Dependency::with("tokio", &["macros", "rt-multi-thread"])];

/// (name, manifest value) of each dev-dependency: the generated tests' own
/// (`fixed`), with the features the config adds, then the config's other crates
/// (`extra`, from `package.test_dependencies` or `cli.test_dependencies`), in its
/// order. The config admits only crates [`VERSIONS`] names.
pub(super) fn dev_dependency_lines(
    fixed: &[Dependency],
    extra: &[(String, Vec<String>)],
) -> Vec<(String, String)> {
    let features_of = |name: &str| {
        extra
            .iter()
            .find(|(extra, _)| extra == name)
            .map(|(_, features)| features.as_slice())
            .unwrap_or_default()
    };
    let line = |name: &str, fixed: &[&str], added: &[String]| {
        let mut features: Vec<String> = fixed.iter().map(|f| toml_string(f)).collect();
        for feature in added {
            let feature = toml_string(feature);
            if !features.contains(&feature) {
                features.push(feature);
            }
        }
        let version = toml_string(version_of(name).unwrap_or("*"));
        if features.is_empty() {
            version
        } else {
            format!(
                "{{ version = {version}, features = [{}] }}",
                features.join(", ")
            )
        }
    };
    let mut lines: Vec<(String, String)> = fixed
        .iter()
        .map(|dependency| {
            let value = line(
                dependency.name,
                dependency.features,
                features_of(dependency.name),
            );
            (dependency.name.to_owned(), value)
        })
        .collect();
    for (name, features) in extra {
        if fixed.iter().any(|dependency| dependency.name == name) {
            continue;
        }
        lines.push((name.clone(), line(name, &[], features)));
    }
    lines
}

/// The command-line tool's dependencies (beside the SDK).
pub const CLI_DEPENDENCIES: &[Dependency] = &[
    Dependency::plain("bytes"),
    Dependency::only(
        "clap",
        &[
            "std",
            "help",
            "usage",
            "error-context",
            "suggestions",
            "env",
            "wrap_help",
        ],
    ),
    Dependency::with("serde", &["derive"]),
    Dependency::plain("serde_json"),
    Dependency::plain("serde_yaml"),
    Dependency::with("tokio", &["rt", "net", "time"]),
    Dependency::only("tracing", &["std"]),
    Dependency::only("tracing-subscriber", &["fmt", "std", "registry"]),
];

/// The command-line tool's dev-dependencies: none, as it has no generated tests;
/// the config adds what hand-written ones need (`cli.test_dependencies`).
pub const CLI_DEV_DEPENDENCIES: &[Dependency] = &[];

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
        dependencies: manifest_lines(SDK_DEPENDENCIES),
        optional_dependencies: manifest_lines(SDK_OPTIONAL_DEPENDENCIES),
        features: manifest_features(api),
        dev_dependencies: dev_dependency_lines(SDK_DEV_DEPENDENCIES, &api.meta.test_dependencies),
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
