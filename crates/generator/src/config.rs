//! The generator's per-SDK configuration.
//!
//! Input: a TOML document (for LlamaCloud, `spec/llama-cloud.toml`).
//! Output: [`Config`], which the lowering stage reads alongside the OpenAPI document.
//!
//! The config holds every decision the spec cannot make for us: the crate's name,
//! the client's name and defaults, which parameters to leave out, how operations map
//! onto a tree of resources and methods, and the names of the types users see.
//! Fixes for upstream quirks live here too, so the spec itself is never edited.

use indexmap::IndexMap;
use serde::Deserialize;

/// The whole configuration for one generated SDK.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The generated crate's package metadata.
    #[serde(default)]
    pub package: PackageConfig,
    /// The client type and its defaults.
    #[serde(default)]
    pub client: ClientConfig,
    /// The generated command-line tool.
    #[serde(default)]
    pub cli: CliConfig,
    /// The generated README (which is also the crate's documentation).
    #[serde(default)]
    pub readme: ReadmeConfig,
    /// How the client authenticates.
    #[serde(default)]
    pub auth: AuthConfig,
    /// Parameters to leave out of every operation.
    #[serde(default)]
    pub skip_parameters: Vec<SkipParameter>,
    /// Which operations to emit: `all` (the default) or only the `configured` ones.
    #[serde(default)]
    pub operations: OperationSelection,
    /// The resource tree: dotted resource path (`beta.chat`) → method name → method.
    ///
    /// Kept in document order so the generated methods follow the config's order.
    #[serde(default)]
    pub resources: IndexMap<String, ResourceConfig>,
    /// Pagination styles by name (`cursor`), which methods refer to.
    #[serde(default)]
    pub pagination: IndexMap<String, PageStyleConfig>,
    /// Corrections to what the spec says about an operation.
    #[serde(default)]
    pub overrides: Vec<OperationOverride>,
    /// Type renames keyed by the JSON pointer of the schema (`#/components/schemas/X`
    /// or the pointer of an inline schema), for names the spec does not give well.
    #[serde(default)]
    pub type_names: IndexMap<String, String>,
    /// Long-running jobs: the resources that wait for them and their helpers.
    #[serde(default)]
    pub jobs: Vec<JobConfig>,
    /// Not read from TOML: set to view an older spec through a newer config (the
    /// spec diff, the semver check of history). A configured method whose operation
    /// the spec lacks is then left out with a warning instead of refused, since the
    /// config was written for a spec that added it.
    #[serde(skip)]
    pub older_spec: bool,
    /// Not read from TOML: keep each type the spec names as its own definition,
    /// instead of making twins aliases of one (`lower::merge`). The spec diff sets
    /// it: it reports what each name offers, and a change to a merged type would
    /// otherwise be reported under one name only, and a change of which twin is the
    /// canonical as a change of type.
    #[serde(skip)]
    pub keep_twins: bool,
}

/// Package metadata for the generated crate's `Cargo.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageConfig {
    /// The crate name, e.g. `llama-cloud`; empty means one derived from the spec's
    /// title (`Scalar Galaxy` → `scalar-galaxy`).
    #[serde(default)]
    pub name: String,
    /// The crate version.
    #[serde(default = "default_version")]
    pub version: String,
    /// One-line description; defaults to one derived from the spec's title.
    pub description: Option<String>,
    /// SPDX licence expression.
    #[serde(default = "default_license")]
    pub license: String,
    /// Modules of hand-written code in the generated crate (`["extras"]`): `lib.rs`
    /// declares each as `pub mod extras;`, `src/extras.rs` is created once when it is
    /// missing, and generation never rewrites or removes it. For what the config
    /// cannot express; nothing generated may land there.
    #[serde(default)]
    pub handwritten: Vec<String>,
    /// What the crate's hand-written tests (beside the generated ones, in `tests/`)
    /// need as dev-dependencies beyond the generated tests' own (`tokio` with
    /// `macros` and `rt-multi-thread`): crate name → extra features. Versions come
    /// from the generator's one table, so only crates it names are accepted.
    #[serde(default)]
    pub test_dependencies: indexmap::IndexMap<String, Vec<String>>,
}

impl Default for PackageConfig {
    fn default() -> Self {
        Self {
            name: String::new(),
            version: default_version(),
            description: None,
            license: default_license(),
            handwritten: Vec::new(),
            test_dependencies: indexmap::IndexMap::new(),
        }
    }
}

fn default_version() -> String {
    "0.1.0".to_owned()
}

fn default_license() -> String {
    "MIT OR Apache-2.0".to_owned()
}

/// The client type and its defaults.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// The client's type name, e.g. `Client`.
    #[serde(default = "default_client_name")]
    pub name: String,
    /// The product name used in the `User-Agent` header (`LlamaCloud/Rust 0.1.0`).
    pub product: Option<String>,
    /// The default base URL; defaults to the spec's first server.
    pub base_url: Option<String>,
    /// The environment variable that overrides the base URL.
    pub base_url_env: Option<String>,
    /// The environment variable holding newline-separated `Name: value` headers.
    pub custom_headers_env: Option<String>,
    /// The environment variable that sets the log level of the SDK's `tracing` output.
    pub log_env: Option<String>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            name: default_client_name(),
            product: None,
            base_url: None,
            base_url_env: None,
            custom_headers_env: None,
            log_env: None,
        }
    }
}

fn default_client_name() -> String {
    "Client".to_owned()
}

/// The generated README.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReadmeConfig {
    /// The body of the quick-start program (inside an async `main` that returns
    /// `Result<(), Error>`); defaults to a call of the first method. It is a doctest
    /// of the generated crate, so it must compile.
    pub quickstart: Option<String>,
}

/// The command-line tool generated beside the SDK.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CliConfig {
    /// The binary's name (`llamacloud`); defaults to the SDK's package name without
    /// dashes.
    pub binary: Option<String>,
    /// The tool's package name; defaults to `<sdk package>-cli`.
    pub package: Option<String>,
    /// What the tool's hand-written tests need as dev-dependencies (it has no
    /// generated tests): crate name → features, as `package.test_dependencies`.
    #[serde(default)]
    pub test_dependencies: indexmap::IndexMap<String, Vec<String>>,
}

/// How the client authenticates.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// The scheme; when absent the spec's `securitySchemes` decide (all of those the
    /// generator supports, in the order the spec's `security` prefers them).
    pub scheme: Option<AuthScheme>,
    /// Environment variables that hold the key or token, tried in order; defaults to
    /// `<CRATE>_API_KEY`.
    #[serde(default)]
    pub env: Vec<String>,
    /// Environment variables for HTTP basic auth; default `<CRATE>_USERNAME` and
    /// `<CRATE>_PASSWORD`.
    pub username_env: Option<String>,
    /// See `username_env`.
    pub password_env: Option<String>,
}

/// A credential scheme named in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthScheme {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// No credential.
    None,
}

/// One parameter to leave out of every operation, such as a browser session cookie.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkipParameter {
    /// The parameter's wire name.
    pub name: String,
    /// Where it is sent: `query`, `header`, `path` or `cookie`.
    #[serde(rename = "in")]
    pub location: String,
}

/// Which operations the SDK covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OperationSelection {
    /// Only the operations named in `resources`.
    Configured,
    /// Every operation in the spec; the unnamed ones are grouped by tag and path.
    #[default]
    All,
}

/// One resource (a node in the tree, such as `beta.chat`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ResourceConfig {
    /// Documentation for the resource's handle type.
    pub doc: Option<String>,
    /// Method name → method.
    #[serde(default)]
    pub methods: IndexMap<String, MethodConfig>,
}

/// One method: which operation it calls and the names of its types.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodConfig {
    /// The operation, as `METHOD /path` or as its `operationId`.
    pub operation: String,
    /// The name of the method's parameters type; derived when absent.
    pub params: Option<String>,
    /// The name of the method's response type; derived when absent.
    pub response: Option<String>,
    /// The pagination style (a key of `[pagination]`) when the method lists pages in a
    /// way the generator does not recognize, or `"none"` for a list it should not
    /// page. Without it the shape is recognized from the spec.
    pub paginate: Option<String>,
}

/// A pagination style, for operations whose shape the generator does not recognize
/// by itself (see `lower/pagination.rs`). Which keys a kind needs:
/// - `cursor` (the default): `next_cursor` (response field) and `cursor_param`
///   (the query parameter or JSON body field that sends it back);
/// - `offset`: `offset_param`, and optionally `limit_param` and `total`;
/// - `page`: `page_param`, and optionally `size_param` and `total_pages`;
/// - `link`: nothing (the `Link` header's `rel="next"`);
/// - `next_url`: `next_url` (the response field holding the next page's URL).
///
/// `items` names the response field holding the items; without it the response is
/// the array itself.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PageStyleConfig {
    /// How the next page is asked for.
    #[serde(default)]
    pub kind: PageKind,
    /// The response field holding the items.
    pub items: Option<String>,
    /// `cursor`: the response field holding the next cursor.
    pub next_cursor: Option<String>,
    /// `cursor`: where the cursor is sent back.
    pub cursor_param: Option<String>,
    /// `offset`: the offset parameter.
    pub offset_param: Option<String>,
    /// `offset`: the limit parameter.
    pub limit_param: Option<String>,
    /// `offset`: the response field holding the total count.
    pub total: Option<String>,
    /// `page`: the page-number parameter.
    pub page_param: Option<String>,
    /// `page`: the page-size parameter.
    pub size_param: Option<String>,
    /// `page`: the response field holding the number of pages.
    pub total_pages: Option<String>,
    /// `next_url`: the response field holding the next page's URL.
    pub next_url: Option<String>,
}

/// The kinds of [`PageStyleConfig`].
#[derive(Debug, Clone, Copy, Deserialize, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PageKind {
    /// A cursor field answered by a cursor parameter.
    #[default]
    Cursor,
    /// An offset and a limit.
    Offset,
    /// A page number.
    Page,
    /// The `Link` header.
    Link,
    /// A next-URL field.
    NextUrl,
}

/// A long-running job (`[[jobs]]`): `wait_for_completion(id, params, options)` on its
/// resource polls the status method until the status is a success value (returning
/// that answer) or a failure value (an error carrying the job's message).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobConfig {
    /// The resource (dotted path) whose methods these are (`parsing`).
    pub resource: String,
    /// The method that reads a job by its id, its one path parameter (`get`).
    pub status: String,
    /// The status in that method's answer, dotted when nested (`job.status`).
    pub status_field: String,
    /// Status values meaning success (compared without case).
    pub success: Vec<String>,
    /// Status values meaning failure or cancellation.
    pub failure: Vec<String>,
    /// The job's error message in the answer, dotted when nested.
    pub error_field: Option<String>,
    /// The method whose answer the helpers return, when not the status method.
    pub result: Option<String>,
    /// One-call helpers: start a job, wait for it, return the result.
    #[serde(default)]
    pub helpers: Vec<JobHelperConfig>,
}

/// A one-call helper of a job (`parse`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobHelperConfig {
    /// The helper's method name.
    pub name: String,
    /// The method of the same resource that starts the job (`upload`).
    pub start: String,
    /// The new job's id in that method's answer, dotted when nested (`id`).
    #[serde(default = "default_id_field")]
    pub id_field: String,
    /// Docs for the helper.
    pub doc: Option<String>,
}

fn default_id_field() -> String {
    "id".to_owned()
}

/// A correction to one operation, for specs that say less than the server does.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationOverride {
    /// The operation, as `METHOD /path` or its `operationId`.
    pub operation: String,
    /// The success response's media type, e.g. `text/event-stream`.
    pub response_content_type: Option<String>,
    /// JSON pointer of the schema of the success response (for an event stream: of
    /// each event's data), e.g. `#/components/schemas/SessionDetail/properties/events/items`.
    pub response_schema: Option<String>,
    /// Replaces the request body the spec declares (or adds one it leaves out) with a
    /// body of this media type; only `multipart/form-data` is supported.
    pub request_content_type: Option<String>,
    /// The fields of that body, in the order they are sent (TOML order).
    #[serde(default)]
    pub request_fields: indexmap::IndexMap<String, RequestFieldOverride>,
}

/// One field of a request body given by the config (`[overrides.request_fields.file]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestFieldOverride {
    /// `file` for a file part; otherwise the part holds a value of `schema`, sent as
    /// JSON text (a string as it is).
    #[serde(default)]
    pub file: bool,
    /// JSON pointer of the value's schema (`#/components/schemas/ParseRequestConfiguration`).
    pub schema: Option<String>,
    /// Whether the field must be set (it then goes in the params type's `new`).
    #[serde(default)]
    pub required: bool,
    /// The field's docs.
    pub doc: Option<String>,
}

impl Config {
    /// Parses a config from TOML text, and checks the names it gives.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let config: Self = toml::from_str(text).map_err(|error| error.to_string())?;
        config.check_names()?;
        Ok(config)
    }

    /// Every name the config gives must be one the generated code can use as given.
    fn check_names(&self) -> Result<(), String> {
        let mut problems = Vec::new();
        if !self.package.name.is_empty() && !valid_package_name(&self.package.name) {
            problems.push(format!(
                "`package.name = {:?}` is not a valid crate name (ASCII letters, digits, `-` and `_`, starting with a letter)",
                self.package.name
            ));
        }
        for module in &self.package.handwritten {
            if !valid_module_name(module) || RESERVED_MODULES.contains(&module.as_str()) {
                problems.push(format!(
                    "`package.handwritten` names {module:?}, which is not a free module name (lower-case ASCII letters, digits and `_`, starting with a letter, and none of {})",
                    RESERVED_MODULES.join(", ")
                ));
            }
        }
        let test_dependencies = [
            ("package", &self.package.test_dependencies),
            ("cli", &self.cli.test_dependencies),
        ];
        for (table, name, features) in test_dependencies.iter().flat_map(|(table, map)| {
            map.iter()
                .map(move |(name, features)| (table, name, features))
        }) {
            if crate::emit::version_of(name).is_none() {
                problems.push(format!(
                    "`{table}.test_dependencies` names {name:?}, which is none of the crates the generator knows the version of: {}",
                    crate::emit::VERSIONS
                        .iter()
                        .map(|(known, _)| *known)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            for feature in features {
                if !valid_package_name(feature) {
                    problems.push(format!(
                        "`{table}.test_dependencies.{name}` asks for {feature:?}, which is not a feature name (ASCII letters, digits, `-` and `_`, starting with a letter)"
                    ));
                }
            }
        }
        let mut rust_names: Vec<(String, &str)> =
            vec![("client.name".to_owned(), self.client.name.as_str())];
        for (pointer, name) in &self.type_names {
            rust_names.push((format!("type_names.{pointer:?}"), name));
        }
        for (path, resource) in &self.resources {
            for (method, config) in &resource.methods {
                for (key, name) in [("params", &config.params), ("response", &config.response)] {
                    if let Some(name) = name {
                        rust_names.push((format!("resources.{path}.methods.{method}.{key}"), name));
                    }
                }
            }
        }
        for (key, name) in rust_names {
            if !name.is_empty() && !valid_type_name(name) {
                problems.push(format!(
                    "`{key} = {name:?}` is not a Rust type name (an ASCII letter, then letters, digits or `_`)"
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}

/// Whether `name` can be a crates.io package name.
#[must_use]
pub fn valid_package_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The generated crate's own modules, which a hand-written one cannot be.
pub const RESERVED_MODULES: &[&str] = &[
    "blocking",
    "resources",
    "runtime",
    "settings",
    "types",
    "lib",
    "main",
];

/// Whether `name` is a plain module name that is no Rust keyword.
fn valid_module_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && syn::parse_str::<syn::Ident>(name).is_ok()
}

/// Whether `name` is a plain Rust type name (`ChatCreateParams`).
fn valid_type_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
