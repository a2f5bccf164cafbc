//! The intermediate model: every decision about the generated SDK, and nothing else.
//!
//! Input: built by [`crate::lower`] from the loaded document and the config.
//! Output: read by [`crate::emit`], which only renders it.
//!
//! Every name here is final and valid Rust (checked by [`crate::lower::names`]), every
//! type is decided, every doc string is chosen. Emitting never looks at the spec.
//! The model prints with `Debug` and is snapshot-tested on its own, so a change in
//! modelling shows apart from a change in rendering.

use serde_json::Value;

/// The whole SDK.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Crate-level facts: names, defaults, auth.
    pub meta: Meta,
    /// The root of the resource tree; its operations hang directly off the client.
    pub root: Resource,
    /// Every named type the SDK defines, sorted by name (lookups binary-search it).
    pub types: Vec<TypeDef>,
    /// Typed error bodies the spec declares, each with an accessor on `ApiError`.
    pub error_bodies: Vec<ErrorBody>,
    /// The crate's cargo feature per top-level resource, and what each compiles.
    pub features: Features,
    /// The modules of `types/`, in order: one per top-level resource that first
    /// reaches some type, then the shared one.
    pub type_modules: Vec<TypeModule>,
    /// The command-line tool: its commands and their flags.
    pub cli: Cli,
    /// The round-trip tests: which types are checked with which samples, and where.
    pub round_trip: RoundTrip,
}

/// The round-trip tests (`tests/roundtrip/` in the SDK), as `lower/roundtrip.rs`
/// lays them out: every model type decodes each of its JSON samples and
/// re-serializes it unchanged. `emit/roundtrip.rs` renders it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoundTrip {
    /// The files `part_1.rs`, `part_2.rs`, … in order; at least one.
    pub parts: Vec<RoundTripPart>,
}

/// One file of the round-trip tests.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoundTripPart {
    /// Its test functions, in order; at least one.
    pub tests: Vec<RoundTripTest>,
}

/// One test function of the round-trip tests.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundTripTest {
    /// The function's name.
    pub name: String,
    /// The types it checks; none in a file with nothing to check, whose one test
    /// keeps the shared helper used.
    pub checks: Vec<RoundTripCheck>,
}

/// One model type's round-trip check.
#[derive(Clone, PartialEq)]
pub struct RoundTripCheck {
    /// The type's name in [`Api::types`].
    pub type_name: String,
    /// The JSON texts, one per line: compact JSON has no raw newline, and one string
    /// per check rather than one per sample keeps a big spec's samples (most of the
    /// model held while emitting) small. Read them with [`RoundTripCheck::samples`].
    samples: Box<str>,
}

impl RoundTripCheck {
    /// A check of `type_name` with these samples, each a compact JSON text (which
    /// never holds a raw newline: serde_json escapes it inside strings).
    #[must_use]
    pub fn new(type_name: String, samples: &[String]) -> Self {
        debug_assert!(samples.iter().all(|sample| !sample.contains('\n')));
        Self {
            type_name,
            samples: samples.join("\n").into(),
        }
    }

    /// JSON texts the type must decode and re-serialize to the same JSON value.
    pub fn samples(&self) -> impl Iterator<Item = &str> {
        self.samples.split('\n')
    }
}

impl std::fmt::Debug for RoundTripCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RoundTripCheck")
            .field("type_name", &self.type_name)
            .field("samples", &self.samples().collect::<Vec<_>>())
            .finish()
    }
}

/// The command-line tool, as `lower/cli.rs` decides it: every SDK method (and job
/// helper) is a command `<binary> <resource>[:<sub>] <method>` with one flag per
/// parameter. `emit/cli.rs` renders it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cli {
    /// The commands, one group (one file of `src/commands/`) per top-level resource,
    /// after the top level's own; groups without commands are left out.
    pub groups: Vec<CommandGroup>,
    /// The resource commands (`beta:chat`) that hold methods, in tree order.
    pub resources: Vec<CliResource>,
    /// A shell example of the first command with its required flags, for the READMEs.
    pub example: String,
    /// A shell example of the first command that streams events (empty when none).
    pub stream_example: String,
}

/// One file of the tool's `src/commands/`.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandGroup {
    /// Its module name (a top-level resource's, or the top level's own).
    pub module: String,
    /// Its module doc.
    pub doc: String,
    /// Its commands, in SDK order.
    pub commands: Vec<Command>,
}

/// A resource command: a name the tool accepts before a method's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliResource {
    /// `beta:chat`.
    pub name: String,
    /// One line of help (the resource's first doc paragraph).
    pub about: String,
}

/// One method command.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// `beta:chat`, or empty at the top level.
    pub resource: String,
    /// `create`.
    pub name: String,
    /// The generated function that runs it, unique in the tool (`beta_chat_create`).
    pub function: String,
    /// The doc of that function (`` `POST /api/v1/chat` ``).
    pub function_doc: String,
    /// The accessors from the client to the method's resource (`beta`, `chat`).
    pub accessors: Vec<String>,
    /// The one-line help (`(deprecated) ` first when the method is deprecated).
    pub about: String,
    /// The full help.
    pub long_about: String,
    /// Whether `--body` takes the JSON body whole (its fields' flags override it).
    pub json_body: bool,
    /// Its flags: path parameters first, then the params type's fields.
    pub flags: Vec<Flag>,
    /// The SDK call it makes.
    pub call: CommandCall,
}

/// What a command calls.
#[derive(Debug, Clone, PartialEq)]
pub enum CommandCall {
    /// One SDK method.
    Method {
        /// The method's name.
        method: String,
        /// Its path arguments, in order.
        path_args: Vec<PathArg>,
        /// Its params type, filled from the flags.
        params: Option<ParamsType>,
        /// How the answer is printed.
        print: Print,
    },
    /// A job helper (`parsing parse`): start, wait with the polling flags, print
    /// the result. One set of flags fills both params values.
    JobHelper {
        /// The helper's method name.
        method: String,
        /// The start method's params type.
        start_params: Option<ParamsType>,
        /// The result method's params type.
        result_params: Option<ParamsType>,
    },
}

/// A path argument of a method command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathArg {
    /// The flag that holds it (its [`Flag::id`]).
    pub flag: String,
    /// The local variable it is read into (`path_session_id`).
    pub var: String,
    /// Its type.
    pub ty: TypeRef,
}

/// How a command prints the answer: the runtime's printer for each response kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Print {
    /// Nothing to print but success.
    Empty,
    /// A JSON value.
    Json,
    /// Every item of every page, up to `--max-items`.
    Page,
    /// Each event as it arrives.
    Events,
    /// Raw bytes.
    Bytes,
    /// Text.
    Text,
}

/// One flag of a method command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    /// The id the runtime keys values by (`index_ids`; path parameters `path.<name>`).
    pub id: String,
    /// The long name (`index-id`), unique in its command and never a global flag's.
    pub long: String,
    /// A second long name (a list's plural, `index-ids`).
    pub alias: Option<String>,
    /// How the runtime parses its value.
    pub kind: FlagKind,
    /// Whether it repeats, one value per item.
    pub repeated: bool,
    /// Whether `null` sends null.
    pub nullable: bool,
    /// The field name `--body` fills it from (a JSON body's field).
    pub body_name: Option<String>,
    /// The help line.
    pub help: String,
    /// The parameter it fills: its Rust name and where it is sent (a params type's
    /// field is matched by both).
    pub field: String,
    /// Where that parameter is sent.
    pub location: ParamLocation,
    /// How its value is read into the parameter.
    pub read: FlagRead,
}

/// The runtime's `Kind` of a flag: how its text is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    /// Text as is.
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A file path.
    File,
    /// A raw body: text, `@path` or `-` for standard input.
    Raw,
    /// JSON.
    Json,
}

impl FlagKind {
    /// The runtime's variant name.
    #[must_use]
    pub fn runtime_name(self) -> &'static str {
        match self {
            Self::String => "String",
            Self::Integer => "Integer",
            Self::Number => "Number",
            Self::Boolean => "Boolean",
            Self::File => "File",
            Self::Raw => "Raw",
            Self::Json => "Json",
        }
    }
}

/// How a flag's value becomes the parameter's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagRead {
    /// Decoded from JSON into this type.
    Typed(TypeRef),
    /// One file.
    File,
    /// A list of files.
    Files,
    /// Raw bytes.
    Bytes,
    /// Raw text.
    Text,
}

/// One module of `types/`: the types a top-level resource reaches first (in tree
/// order), or the shared ones (reached from the client itself, from `ApiError`, or
/// from nothing). Every type is also re-exported from `types` itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeModule {
    /// Its name under `types` (a resource's module name, or the shared module's).
    pub name: String,
    /// Its file name without `.rs` (the name without `r#`).
    pub file: String,
    /// The module doc.
    pub doc: String,
    /// The features any of which compiles one of its parts (in the order the
    /// resources come); empty: always compiled.
    pub features: std::sync::Arc<[String]>,
    /// Its parts: one, written as `types/<file>.rs`, or several, written as
    /// `types/<file>/mod.rs` and a `part_<n>.rs` each. A part is one set of
    /// features (so the `#[cfg]` is written once, on its module) and at most about
    /// [`TYPE_PART_LINES`] lines.
    pub parts: Vec<TypePart>,
}

/// A part of a [`TypeModule`]; see there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypePart {
    /// Its private module's name and file name (`part_1`), when its module has
    /// several parts; empty otherwise.
    pub name: String,
    /// The module doc of its file, when its module has several parts.
    pub doc: String,
    /// The features any of which compiles it; empty: always compiled. Shared with
    /// [`Features::sets`].
    pub features: std::sync::Arc<[String]>,
    /// The model types and params types it holds, by name, sorted.
    pub types: Vec<String>,
}

/// The size a [`TypePart`] is kept under, in estimated formatted lines; the estimate
/// errs high so that no generated file passes 5,000 lines.
pub const TYPE_PART_LINES: usize = 2_500;

/// A cargo feature per top-level resource, all on by default: with
/// `default-features = false, features = ["parsing"]` only that resource compiles,
/// with the types it reaches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Features {
    /// (top-level resource module, its feature), in tree order.
    pub resources: Vec<(String, String)>,
    /// The distinct sets of features that compile some type, each in tree order:
    /// types and type files share them, so a big API holds each set once, not once
    /// per type or per file.
    pub sets: Vec<std::sync::Arc<[String]>>,
    /// By type name (a model type or a params type): the index in `sets` of the
    /// features any of which compiles it. A type not listed is always compiled (it
    /// is reached from the client itself, from `ApiError`, or from nothing).
    pub gates: std::collections::BTreeMap<String, usize>,
}

impl Features {
    /// The feature of a top-level resource module, if it has one.
    #[must_use]
    pub fn of_resource(&self, module: &str) -> Option<&str> {
        self.resources
            .iter()
            .find(|(name, _)| name == module)
            .map(|(_, feature)| feature.as_str())
    }

    /// The features that compile a type, in tree order; empty when it is always
    /// compiled.
    #[must_use]
    pub fn of_type(&self, name: &str) -> &[String] {
        self.set_of_type(name).map_or(&[], |set| set)
    }

    /// [`Features::of_type`], shared: `None` when the type is always compiled.
    #[must_use]
    pub fn set_of_type(&self, name: &str) -> Option<&std::sync::Arc<[String]>> {
        self.gates.get(name).and_then(|&set| self.sets.get(set))
    }
}

/// An error response body the spec declares for a status (LlamaCloud's 422
/// `HTTPValidationError`), read from an `ApiError` with a generated accessor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    /// The status it comes with.
    pub status: u16,
    /// The body's type.
    pub ty: TypeRef,
    /// The accessor's name on `ApiError` (`http_validation_error`).
    pub accessor: String,
}

/// Crate-level facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    /// Cargo package name (`llama-cloud`).
    pub package_name: String,
    /// The crate's Rust name (`llama_cloud`).
    pub crate_ident: String,
    /// Package version.
    pub version: String,
    /// One-line package description.
    pub description: String,
    /// SPDX licence.
    pub license: String,
    /// The spec's title.
    pub title: String,
    /// The spec's `info.version`.
    pub api_version: String,
    /// The spec's `info.description`, if any.
    pub api_description: Option<String>,
    /// The client's type name.
    pub client_name: String,
    /// The product name in the `User-Agent`.
    pub product: String,
    /// The default base URL.
    pub base_url: String,
    /// Environment variable overriding the base URL.
    pub base_url_env: Option<String>,
    /// Environment variable with extra `Name: value` headers.
    pub custom_headers_env: Option<String>,
    /// Environment variable selecting the log level.
    pub log_env: Option<String>,
    /// How credentials are sent.
    pub auth: Auth,
    /// The README's quick-start program body, from the config (code, not spec text).
    pub quickstart: Option<String>,
    /// Modules of hand-written code (`extras`), declared in `lib.rs` and never
    /// written over.
    pub handwritten_modules: Vec<String>,
    /// Dev-dependencies the crate's hand-written tests need beyond the generated
    /// tests' own: (crate, extra features), in config order.
    pub test_dependencies: Vec<(String, Vec<String>)>,
    /// The same for the command-line tool, which has no generated tests.
    pub cli_test_dependencies: Vec<(String, Vec<String>)>,
    /// The command-line tool's package name (`llama-cloud-cli`).
    pub cli_package: String,
    /// The command-line tool's binary name (`llamacloud`).
    pub cli_binary: String,
    /// Where the spec came from, for the generated files' header (`spec/openapi.json`).
    pub spec_source: String,
    /// The spec's sha256.
    pub spec_sha256: String,
}

/// How the generated client authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auth {
    /// The schemes the client can send, in order of preference; it sends the first
    /// one it has a credential for. Empty: the API takes no credential.
    pub schemes: Vec<AuthKind>,
    /// Environment variables holding the key or token, tried in order.
    pub key_env: Vec<String>,
    /// Environment variable holding the basic-auth user name.
    pub username_env: String,
    /// Environment variable holding the basic-auth password.
    pub password_env: String,
}

/// One way of sending a credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// `Authorization: Bearer <key>` (also for OAuth 2 and OpenID Connect tokens).
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// The key in this header.
    ApiKeyHeader(String),
    /// The key in this query parameter.
    ApiKeyQuery(String),
    /// The key in this cookie.
    ApiKeyCookie(String),
}

/// One node of the resource tree (`beta`, `beta.chat`).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The accessor method on the parent (`chat`); empty for the root.
    pub accessor: String,
    /// The module name (`chat`); empty for the root.
    pub module: String,
    /// The handle type's name (`Chat`).
    pub type_name: String,
    /// The dotted path from the root (`beta.chat`).
    pub path: String,
    /// How a caller reaches it (`client.beta().chat()`; `client` for the root).
    pub reach: String,
    /// Docs for the handle type.
    pub doc: String,
    /// Child resources, in config order then spec order.
    pub children: Vec<Resource>,
    /// The methods on this resource.
    pub operations: Vec<Operation>,
    /// The long-running jobs this resource waits for (`wait_for_completion` and the
    /// one-call helpers), from the config's `[[jobs]]`.
    pub jobs: Vec<Job>,
}

/// A long-running job: how its status is read, and the helpers that wait for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The waiting method's name (`wait_for_completion`).
    pub wait_method: String,
    /// The method of the same resource that reads a job by its id (`get`).
    pub status_method: String,
    /// The Rust name of that method's one path parameter (`job_id`).
    pub id_param: String,
    /// The wire path of the status in its answer (`["job", "status"]`).
    pub status_field: Vec<String>,
    /// Status values meaning success.
    pub success: Vec<String>,
    /// Status values meaning failure or cancellation.
    pub failure: Vec<String>,
    /// The wire path of the job's error message; empty when it has none.
    pub error_field: Vec<String>,
    /// The method whose answer the helpers return, when not the status method's
    /// (then the status method must take default parameters).
    pub result_method: Option<String>,
    /// The one-call helpers: start, wait, return the result.
    pub helpers: Vec<JobHelper>,
}

/// A one-call helper of a [`Job`] (`parse`: upload, wait, get the result).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobHelper {
    /// The helper's method name.
    pub name: String,
    /// The method that starts the job (`upload`).
    pub start_method: String,
    /// The Rust field path of the new job's id in that method's answer (`["id"]`);
    /// each field is required.
    pub id_access: Vec<String>,
    /// Docs, from the config or made from the methods.
    pub doc: String,
}

impl Resource {
    /// Visits this resource and every one below it, in tree order (a resource, then
    /// each child's subtree), each with its chain: the resources below this one down
    /// to it, itself included (empty for this one), so `chain[0]` is its top-level
    /// resource and `chain.len()` its depth.
    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&[&'a Resource], &'a Resource)) {
        fn go<'a>(
            resource: &'a Resource,
            chain: &mut Vec<&'a Resource>,
            visit: &mut impl FnMut(&[&'a Resource], &'a Resource),
        ) {
            visit(chain, resource);
            for child in &resource.children {
                chain.push(child);
                go(child, chain, visit);
                chain.pop();
            }
        }
        go(self, &mut Vec::new(), visit);
    }

    /// The methods of this resource and of all below it, in tree order (a
    /// resource's own, then each child's).
    #[must_use]
    pub fn operations_within(&self) -> Vec<&Operation> {
        let mut out = Vec::new();
        let mut pending = vec![self];
        while let Some(resource) = pending.pop() {
            out.extend(&resource.operations);
            pending.extend(resource.children.iter().rev());
        }
        out
    }

    /// The params types of the methods of this resource and all below it, each
    /// once (a `_stream` twin shares its operation's), sorted by name.
    #[must_use]
    pub fn params_types(&self) -> Vec<&ParamsType> {
        let mut params: Vec<&ParamsType> = self
            .operations_within()
            .into_iter()
            .filter_map(|operation| operation.params.as_ref())
            .collect();
        params.sort_by(|a, b| a.name.cmp(&b.name));
        params.dedup_by(|a, b| a.name == b.name);
        params
    }

    /// The number of methods in this resource and all below it.
    #[must_use]
    pub fn operation_count(&self) -> usize {
        self.operations.len()
            + self
                .children
                .iter()
                .map(Resource::operation_count)
                .sum::<usize>()
    }
}

/// One HTTP operation as one SDK method.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The method's name (`create`).
    pub method_name: String,
    /// HTTP method, uppercase (`POST`).
    pub http_method: String,
    /// The path template as in the spec (`/api/v1/chat/{session_id}`).
    pub path_template: String,
    /// The path split into literal text and parameters, in order.
    pub path: Vec<PathPart>,
    /// `operationId`, if the spec gives one.
    pub operation_id: Option<String>,
    /// The method's docs: summary, description and `METHOD /path`.
    pub doc: String,
    /// Whether the spec marks the operation deprecated.
    pub deprecated: bool,
    /// For a deprecated operation, the call that replaces it, when the spec names
    /// one (`client.files().list(..)`).
    pub successor: Option<String>,
    /// Whether the operation is public (`security: []`) and sends no credential.
    pub no_auth: bool,
    /// Path parameters, passed positionally in path order.
    pub path_params: Vec<Param>,
    /// The parameters type (query, header and body fields), if the method has any.
    pub params: Option<ParamsType>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// Query parameters the spec's path key fixes (`/files/{id}?beta=true`), sent
    /// with every call.
    pub fixed_query: Vec<(String, String)>,
    /// Whether the body comes from the config's override rather than the spec (a
    /// spec gap: the spec's own mock refuses a body it does not declare).
    pub body_from_config: bool,
    /// What a successful response holds.
    pub response: ResponseBody,
    /// The name of the per-method response alias (`ChatCreateResponse`), if any.
    pub response_alias: Option<String>,
    /// How the response pages, for cursor-paginated lists.
    pub pagination: Option<Pagination>,
    /// When the response is JSON but may also be an event stream of this type (at the
    /// request's option), a `<method>_stream` twin returns the stream.
    pub stream_alternative: Option<TypeRef>,
    /// The `Accept` header for a response that is not JSON (`image/jpeg`), from the
    /// media types the spec lists for it.
    pub accept: Option<String>,
    /// The schemes this operation accepts, when they are not all of the client's
    /// (`security` naming only `api_key` where the API also has OAuth).
    pub auth: Option<Vec<AuthKind>>,
    /// Why a mock server's usual success response will not fit the schema, each as
    /// `pointer: reason`: the spec's own examples that contradict it (also warnings),
    /// or a recursive schema, whose built example the mock cuts short. The
    /// conformance test may then ask the mock for a response made from the schema.
    pub response_example_defects: Vec<String>,
    /// What the spec declares a successful call answers with.
    pub success: SuccessAnswer,
    /// JSON pointer of the operation, for messages.
    pub pointer: String,
    /// A snake-case name unique across the SDK: the accessors from the root and the
    /// method name joined by `_` (`beta_chat_create`), with `_2`, `_3` ... on a
    /// clash. It names the method's conformance test and its command-line function.
    pub site_name: String,
    /// The method as the SDK names it, dotted (`beta.chat.create`): the operation's
    /// name in logs and in the conformance tests' failure messages.
    pub log_name: String,
}

impl Operation {
    /// What the method returns (see [`Returns`]).
    #[must_use]
    pub fn returns(&self) -> Returns<'_> {
        let named = |ty: &TypeRef| match &self.response_alias {
            Some(alias) => TypeRef::Named(alias.clone()),
            None => ty.clone(),
        };
        match (&self.response, &self.pagination) {
            (ResponseBody::Empty, _) => Returns::Empty,
            (ResponseBody::Json(_), Some(pagination)) => Returns::Page(pagination),
            (ResponseBody::Json(ty), None) => Returns::Json(named(ty)),
            (ResponseBody::EventStream(ty), _) => Returns::Events(named(ty)),
            (ResponseBody::Bytes, _) => Returns::Bytes,
            (ResponseBody::Text, _) => Returns::Text,
            (ResponseBody::ByStatus(ty), _) => Returns::ByStatus(ty),
        }
    }
}

/// What the spec declares a successful call of an operation answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuccessAnswer {
    /// A `2XX` response.
    Response,
    /// Only a redirect (`302` to the real service's storage): a client follows it,
    /// so against a mock, whose `Location` is the spec's example, the call ends off
    /// the mock.
    Redirect,
    /// Nothing but errors (Directus's password reset lists only `401`): a mock
    /// answers a valid request with one the spec declares.
    Nothing,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Literal text, sent as is (`/api/v1/chat/`).
    Literal(String),
    /// The value of the path parameter with this Rust name, percent-encoded.
    Param(String),
}

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// As a header.
    Header,
    /// As a cookie.
    Cookie,
    /// As a field of a JSON body.
    Body,
}

impl ParamLocation {
    /// The location as the spec's `in` names it (`query`), or `body`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
            Self::Body => "body",
        }
    }

    /// What a value sent there is called in prose (`query parameter`, `body field`).
    #[must_use]
    pub fn noun(self) -> &'static str {
        match self {
            Self::Path => "path parameter",
            Self::Query => "query parameter",
            Self::Header => "header",
            Self::Cookie => "cookie",
            Self::Body => "body field",
        }
    }
}

/// One field of a parameters type, or a path parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The name on the wire (`project_id`).
    pub wire_name: String,
    /// The Rust field and setter name (`project_id`).
    pub rust_name: String,
    /// Where it is sent.
    pub location: ParamLocation,
    /// The value's type, without the optionality wrapper.
    pub ty: TypeRef,
    /// How absence and null are represented.
    pub presence: Presence,
    /// The setter that sends `null` (`index_ids_null`), for a nullable body field:
    /// claimed in its params type's one namespace, after every field's name.
    pub null_setter: Option<String>,
    /// How a query parameter's value is written.
    pub style: QueryStyle,
    /// Docs.
    pub doc: String,
    /// A value the spec accepts (its example, or one derived from the schema), for
    /// the docs' examples, the conformance tests and the command-line tool's help.
    pub example: Value,
    /// JSON pointer of its declaration (the parameter, the body's property or the
    /// body schema), for the spec diff.
    pub pointer: String,
    /// A credential (`format: password`): `Debug` shows `[redacted]` in its place.
    pub secret: bool,
}

/// How a query parameter's value is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueryStyle {
    /// `form`, exploded (the default): arrays repeat the name; objects use
    /// `name[key]` (as `deepObject`, which real APIs mean when they nest).
    #[default]
    FormExploded,
    /// `form`, not exploded: `ids=1,2,3`.
    Form,
    /// `form`, exploded, for an object: each property its own parameter.
    FormObject,
    /// `spaceDelimited`: `ids=1 2 3`.
    SpaceDelimited,
    /// `pipeDelimited`: `ids=1|2|3`.
    PipeDelimited,
    /// `deepObject`: `filter[status]=open`.
    DeepObject,
}

/// How a field represents absence and null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present and never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, `None` sent as `null`.
    RequiredNullable,
    /// May be absent, never null: `Option<T>`, `None` left out.
    Optional,
    /// May be absent or null: `Nullable<T>` with three states.
    OptionalNullable,
}

impl Presence {
    /// The presence of a path, query, header or cookie parameter: the one place this
    /// is decided.
    ///
    /// - A path parameter is always `Required` (a positional argument).
    /// - Any other is `Required` when the spec requires it and it cannot be null,
    ///   and `Optional` otherwise: `Option<T>`, where `None` leaves it out of the
    ///   request. A query string, a header and a cookie have no `null`, so a
    ///   parameter the spec lets be null (LlamaCloud's `project_id`: `anyOf
    ///   [string, null]`) is never sent as `null`: unset, or set to `None`, it is
    ///   left out, which is what the published SDKs do with `None` too. A required
    ///   nullable one is therefore optional: leaving it out is how its null is said.
    ///
    /// Body fields are not parameters in this sense: JSON has a `null`, and their
    /// presence follows the schema's required list and nullability (up to
    /// `OptionalNullable`, with a `_null` setter).
    #[must_use]
    pub fn of_parameter(location: ParamLocation, required: bool, nullable: bool) -> Self {
        if location == ParamLocation::Path || (required && !nullable) {
            Self::Required
        } else {
            Self::Optional
        }
    }

    /// What a value of this presence is held in.
    #[must_use]
    pub fn wrapper(self) -> Wrapper {
        match self {
            Self::Required => Wrapper::Bare,
            Self::RequiredNullable | Self::Optional => Wrapper::Option,
            Self::OptionalNullable => Wrapper::Nullable,
        }
    }
}

/// The type a field or parameter's value is held in, by its [`Presence`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapper {
    /// `T`.
    Bare,
    /// `Option<T>`.
    Option,
    /// `Nullable<T>`: absent, null or a value.
    Nullable,
}

/// What a method returns, in one shape: its response with its pagination and its
/// per-method alias applied. Every emitter reads the return from here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Returns<'a> {
    /// Nothing (`()`).
    Empty,
    /// A JSON value of this type (the alias, when the method has one).
    Json(TypeRef),
    /// A listing: pages of items, found by the pagination.
    Page(&'a Pagination),
    /// An event stream of this event type (the alias, when the method has one).
    Events(TypeRef),
    /// Raw bytes.
    Bytes,
    /// Text.
    Text,
    /// A union keyed by status, of this type.
    ByStatus(&'a TypeRef),
}

/// The parameters type of one method.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamsType {
    /// Its name (`ChatCreateParams`).
    pub name: String,
    /// Its docs.
    pub doc: String,
    /// Query, header and body fields, in spec order.
    pub fields: Vec<Param>,
}

/// The request body of one operation.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestBody {
    /// A JSON object whose fields are the `Body` fields of the params type.
    JsonFields {
        /// Whether the spec requires a body; when not, an empty params value sends
        /// `{}` all the same (an optional body that is an object accepts that).
        required: bool,
    },
    /// A JSON value held whole in the params field with this Rust name.
    JsonValue {
        /// The params field holding it.
        field: String,
    },
    /// `application/x-www-form-urlencoded`, from the `Body` fields.
    Form,
    /// `multipart/form-data`, from the `Body` fields; `File` fields become file parts.
    Multipart,
    /// Raw bytes (`application/octet-stream`, images ...) held in one params field.
    Binary {
        /// The params field holding them.
        field: String,
        /// The media type sent.
        content_type: String,
    },
    /// Text (`text/plain` ...) held in one params field.
    Text {
        /// The params field holding it.
        field: String,
        /// The media type sent.
        content_type: String,
    },
}

/// What a successful response holds.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No body (204, or no content declared): the method returns `()`.
    Empty,
    /// A JSON body of this type.
    Json(TypeRef),
    /// Server-Sent Events whose data are JSON of this type.
    EventStream(TypeRef),
    /// Raw bytes (images, PDFs, `application/octet-stream`).
    Bytes,
    /// Text (`text/plain`, `text/csv`, XML ...).
    Text,
    /// A status-keyed enum (a named [`TypeKind::StatusUnion`]).
    ByStatus(TypeRef),
}

/// A paginated list: where a page keeps its items and how the next page is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The response field holding the items (`items`); `None` when the response is
    /// the array itself (GitHub's lists).
    pub items_field: Option<String>,
    /// How the next page is found and asked for.
    pub style: PageStyle,
    /// The type of one item.
    pub item: TypeRef,
    /// Whether the spec's shape was recognized (`false`: the config named the style).
    pub detected: bool,
}

/// Where a request sends a paging value: a query parameter or a JSON body field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSlot {
    /// The wire name (`page_token`, `offset`).
    pub name: String,
    /// Whether it is a field of the JSON body rather than a query parameter.
    pub in_body: bool,
}

/// The pagination styles the runtime follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStyle {
    /// A cursor in a response field (`next_page_token`), sent back in `param`. There
    /// is no next page when the items are empty or the cursor is empty or missing.
    Cursor {
        /// The response field holding the next cursor.
        field: String,
        /// Where the cursor is sent back (a query parameter, or a POST search's body).
        param: PageSlot,
    },
    /// An offset and a limit: the next offset is this one plus the items received.
    /// A short page (fewer items than the limit), an empty one, or reaching `total`
    /// ends the list.
    Offset {
        /// The offset parameter (`offset`, `skip`).
        offset: PageSlot,
        /// The limit parameter (`limit`), also read from the response when it echoes it.
        limit: Option<PageSlot>,
        /// The response field holding the total count (`total_count`).
        total: Option<String>,
    },
    /// A page number, counted from 1: an empty or short page, or the last of
    /// `total_pages`, ends the list.
    PageNumber {
        /// The page parameter (`page`).
        page: PageSlot,
        /// The page-size parameter (`per_page`).
        size: Option<PageSlot>,
        /// The response field holding the number of pages.
        total_pages: Option<String>,
    },
    /// The `Link: <url>; rel="next"` response header (RFC 8288), as GitHub pages.
    LinkHeader,
    /// A response field holding the next page's URL (Twilio's `next_page_uri`).
    NextUrl {
        /// The response field.
        field: String,
    },
}

/// A reference to a type, as used in a field or signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u64`.
    U64,
    /// `crate::Number`: a JSON number kept in the integer or float form it came in,
    /// so `3` is not re-sent as `3.0`.
    Number,
    /// `serde_json::Value`: any JSON.
    Json,
    /// A type defined in `types`.
    Named(String),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`, for nullable items of arrays and maps.
    Option(Box<TypeRef>),
    /// `Box<T>`, breaking a recursive type's infinite size.
    Boxed(Box<TypeRef>),
    /// A file to upload as a multipart part (`crate::FileUpload`).
    File,
    /// Raw bytes (`bytes::Bytes`).
    Bytes,
}

impl TypeRef {
    /// Whether this is, or holds, a file to upload.
    #[must_use]
    pub fn contains_file(&self) -> bool {
        match self {
            Self::File => true,
            Self::Vec(inner) | Self::Option(inner) | Self::Boxed(inner) | Self::Map(inner) => {
                inner.contains_file()
            }
            _ => false,
        }
    }
}

/// A named type in the `types` module.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Its Rust name.
    pub name: String,
    /// Its docs.
    pub doc: String,
    /// JSON pointer of the schema it comes from.
    pub pointer: String,
    /// What it is.
    pub kind: TypeKind,
    /// For a union: read accessors for the fields its struct variants carry
    /// (`page.markdown()`), so reading the common case needs no `match`.
    pub accessors: Vec<UnionAccessor>,
}

/// A union's read accessor for one field of its struct variants: `Some` of the
/// field when the value is a variant that has it (and the field is set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionAccessor {
    /// The method name (the field's Rust name).
    pub name: String,
    /// The field's type, the same in every variant that has it.
    pub ty: TypeRef,
    /// Each variant that has the field: (variant, field's Rust name, presence).
    pub variants: Vec<(String, String, Presence)>,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct of named fields that keeps unknown fields.
    Struct(StructDef),
    /// An enum of string values, open to unknown ones.
    StringEnum(std::sync::Arc<[EnumVariant]>),
    /// A union whose variant is chosen by a string property.
    TaggedUnion {
        /// The property holding the tag (`type`).
        tag: String,
        /// The variants, in spec order.
        variants: Vec<UnionVariant>,
    },
    /// A union whose variant is found by trying each in order.
    UntaggedUnion(Vec<UnionVariant>),
    /// Another name for a type (`pub type X = Y;`).
    Alias(TypeRef),
    /// An operation's response when it depends on the status (`200` one type, `202`
    /// another), decoded by the status.
    StatusUnion(Vec<StatusVariant>),
}

/// One status of a [`TypeKind::StatusUnion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusVariant {
    /// The HTTP status.
    pub status: u16,
    /// The variant name (`Status202`).
    pub rust_name: String,
    /// The body's type; `None` for a status without a body.
    pub ty: Option<TypeRef>,
}

/// A struct's fields.
///
/// One type serves requests and responses, and tracks presence: a field the caller
/// did not set, or the server did not send, is absent (`None`, `Nullable::Omitted`)
/// and is not serialized, so a request carries only what was set and a decoded
/// response re-serializes to what was received. Spec defaults are never filled in;
/// they are documented and offered through [`Field::default_getter`].
///
/// Structs are `#[non_exhaustive]`: built with `new(required…)` (or `Default` when
/// nothing is required) and chainable setters, so a newer spec's optional field
/// breaks nobody's code.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// The declared properties, in spec order.
    pub fields: Vec<Field>,
    /// The type of the map that keeps properties the struct does not declare.
    pub extra: ExtraFields,
}

impl StructDef {
    /// The fields `new` takes, in order: required ones that are not fixed tags.
    /// Empty: the struct implements `Default` instead.
    pub fn constructor_args(&self) -> impl Iterator<Item = &Field> {
        self.fields
            .iter()
            .filter(|field| field.presence == Presence::Required && field.fixed().is_none())
    }
}

/// What a struct does with properties it does not declare.
#[derive(Debug, Clone, PartialEq)]
pub enum ExtraFields {
    /// Keeps them as JSON in the named field, so re-serializing loses nothing.
    Keep {
        /// The field's Rust name (`extra_fields`).
        field: String,
        /// The map's value type (`Json` unless `additionalProperties` gives a schema).
        value: TypeRef,
    },
    /// `additionalProperties: false`: there are none to keep.
    Forbidden,
}

/// One field of a struct.
///
/// One is held for every property of the spec, so what most fields share is not
/// stored: a field without docs of its own, a setter named as the field, and no null
/// setter, default getter or fixed value cost nothing beyond the struct (issue 11,
/// item 7). Read them through [`Field::doc`], [`Field::setter`], [`Field::null_setter`],
/// [`Field::default_getter`] and [`Field::fixed`]; `Debug` shows them as if stored.
#[derive(Clone, PartialEq)]
pub struct Field {
    /// The JSON property name.
    pub wire_name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// The value's type, without the optionality wrapper.
    pub ty: TypeRef,
    /// How absence and null are represented.
    pub presence: Presence,
    /// The spec's default: documented, returned by the default getter, never sent
    /// or filled in. Boxed: most fields have none.
    pub default: Option<Box<Value>>,
    /// Docs from the spec; `None` where [`Field::doc`] is the plain
    /// `` The `wire_name` property. ``.
    spec_doc: Option<Box<str>>,
    /// The rarely set names and constant, when any is.
    rare: Option<Box<FieldRare>>,
    /// JSON pointer of the object schema that declares the property, shared by its
    /// fields (see [`Field::pointer`]).
    object_pointer: std::sync::Arc<str>,
}

/// A [`Field`]'s rarely set parts.
#[derive(Debug, Clone, PartialEq, Default)]
struct FieldRare {
    /// The chainable setter's name where it is not the field's own name (the
    /// struct's methods share one namespace).
    renamed_setter: Option<Box<str>>,
    null_setter: Option<Box<str>>,
    default_getter: Option<Box<str>>,
    fixed: Option<Box<str>>,
    secret: bool,
}

/// A [`Field`]'s names and docs, as lowering decides them.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldNames {
    /// Docs from the spec; `None`: the plain `` The `wire_name` property. ``.
    pub doc: Option<String>,
    /// The chainable setter's name.
    pub setter: String,
    /// The setter that sends `null`, for nullable fields (`index_ids_null`).
    pub null_setter: Option<String>,
    /// The getter that returns the value or the spec's default (`timeout_or_default`),
    /// when the spec gives a default that can be written as a Rust value.
    pub default_getter: Option<String>,
    /// The constant this field always holds in values the SDK builds: the tag of a
    /// discriminated union's variant (`"OPENAI_EMBEDDING"`). Constructors fill it in
    /// and no setter exists, so a caller can neither forget nor mistype it.
    pub fixed: Option<String>,
    /// A credential (`format: password`): the struct's `Debug` shows `[redacted]`
    /// in its place.
    pub secret: bool,
}

impl Field {
    /// A field; `names` is stored compactly (see the type's docs). `object_pointer`
    /// is the JSON pointer of the object schema whose `properties` declare it.
    #[must_use]
    pub fn new(
        wire_name: String,
        rust_name: String,
        ty: TypeRef,
        presence: Presence,
        default: Option<Value>,
        names: FieldNames,
        object_pointer: std::sync::Arc<str>,
    ) -> Self {
        let mut field = Self {
            // Docs that say what the plain ones say are not kept (so equal fields
            // compare equal).
            spec_doc: names
                .doc
                .filter(|doc| *doc != plain_field_doc(&wire_name))
                .map(String::into_boxed_str),
            wire_name,
            rust_name,
            ty,
            presence,
            default: default.map(Box::new),
            rare: None,
            object_pointer,
        };
        let renamed_setter = (names.setter != field.rust_name).then(|| names.setter.into());
        field.set_rare(|rare| {
            rare.renamed_setter = renamed_setter;
            rare.null_setter = names.null_setter.map(String::into_boxed_str);
            rare.default_getter = names.default_getter.map(String::into_boxed_str);
            rare.fixed = names.fixed.map(String::into_boxed_str);
            rare.secret = names.secret;
        });
        field
    }

    /// Forgets where the field was declared, so that twins in different places
    /// compare equal (see `lower::merge`).
    pub fn forget_pointer(&mut self) {
        self.object_pointer = std::sync::Arc::from("");
    }

    /// JSON pointer of the property's schema, for the spec diff.
    #[must_use]
    pub fn pointer(&self) -> String {
        property_pointer(&self.object_pointer, &self.wire_name)
    }

    /// Docs.
    #[must_use]
    pub fn doc(&self) -> std::borrow::Cow<'_, str> {
        match &self.spec_doc {
            Some(doc) => std::borrow::Cow::Borrowed(doc),
            None => std::borrow::Cow::Owned(plain_field_doc(&self.wire_name)),
        }
    }

    /// The chainable setter's name (the field's name unless that is taken).
    #[must_use]
    pub fn setter(&self) -> &str {
        self.rare
            .as_ref()
            .and_then(|rare| rare.renamed_setter.as_deref())
            .unwrap_or(&self.rust_name)
    }

    /// The setter that sends `null`, for nullable fields (`index_ids_null`).
    #[must_use]
    pub fn null_setter(&self) -> Option<&str> {
        self.rare.as_ref()?.null_setter.as_deref()
    }

    /// The getter that returns the value or the spec's default (`timeout_or_default`).
    #[must_use]
    pub fn default_getter(&self) -> Option<&str> {
        self.rare.as_ref()?.default_getter.as_deref()
    }

    /// The constant this field always holds in values the SDK builds (a union
    /// variant's tag): constructors fill it in and no setter exists.
    #[must_use]
    pub fn fixed(&self) -> Option<&str> {
        self.rare.as_ref()?.fixed.as_deref()
    }

    /// Whether the field holds a credential (`format: password`), which `Debug`
    /// must not show.
    #[must_use]
    pub fn secret(&self) -> bool {
        self.rare.as_ref().is_some_and(|rare| rare.secret)
    }

    /// Makes the field hold `value` always, with no default getter (a union
    /// variant's tag).
    pub fn fix(&mut self, value: &str) {
        self.set_rare(|rare| {
            rare.fixed = Some(value.into());
            rare.default_getter = None;
        });
    }

    /// Changes the rare parts, keeping them unboxed when none is set (so equal
    /// fields compare equal).
    fn set_rare(&mut self, change: impl FnOnce(&mut FieldRare)) {
        let mut rare = self.rare.take().map(|rare| *rare).unwrap_or_default();
        change(&mut rare);
        if rare != FieldRare::default() {
            self.rare = Some(Box::new(rare));
        }
    }
}

// Shows the field as if every name were stored: the derived parts (the plain doc, a
// setter named as the field, the pointer) are written out, so model snapshots read
// the same as when they were fields.
#[allow(
    clippy::missing_fields_in_debug,
    reason = "the compact parts are shown through their accessors"
)]
impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut debug = f.debug_struct("Field");
        debug
            .field("wire_name", &self.wire_name)
            .field("rust_name", &self.rust_name)
            .field("ty", &self.ty)
            .field("presence", &self.presence)
            .field("default", &self.default)
            .field("doc", &self.doc())
            .field("setter", &self.setter())
            .field("null_setter", &self.null_setter())
            .field("default_getter", &self.default_getter())
            .field("fixed", &self.fixed())
            .field("pointer", &self.pointer());
        // Shown only where set, as few fields are secret.
        if self.secret() {
            debug.field("secret", &true);
        }
        debug.finish()
    }
}

/// The JSON pointer of property `name` of the object schema at `object`.
#[must_use]
pub fn property_pointer(object: &str, name: &str) -> String {
    format!(
        "{object}/properties/{}",
        crate::diagnostics::escape_pointer_token(name)
    )
}

/// The docs of a property the spec does not describe.
fn plain_field_doc(wire_name: &str) -> String {
    format!("The `{wire_name}` property.")
}

/// One known value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    /// The value on the wire.
    pub wire_value: String,
    /// The Rust variant name.
    pub rust_name: String,
}

/// One variant of a union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The tag values that select it (tagged unions only).
    pub tags: Vec<String>,
    /// The variant's payload type.
    pub ty: TypeRef,
    /// Whether the payload struct itself holds the tag property (its constructors
    /// then write the tag: see [`Field::fixed`]).
    pub payload_has_tag: bool,
    /// The union's constructor for this variant (`openai_embedding`).
    pub constructor: String,
    /// Whether the union implements `From` for the payload type: no other variant
    /// carries the same type.
    pub from_payload: bool,
}

/// The type named `name` in [`Api::types`] (sorted by name, so binary-searched).
#[must_use]
pub fn find_type<'a>(types: &'a [TypeDef], name: &str) -> Option<&'a TypeDef> {
    types
        .binary_search_by(|def| def.name.as_str().cmp(name))
        .ok()
        .map(|index| &types[index])
}

/// The identifier without a raw prefix (`r#type` → `type`), for building other names
/// and file names.
#[must_use]
pub fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// Whether an untagged union keeps a value that matches none of its variants, in an
/// `Unknown` variant: always, unless one variant is any JSON (which holds it).
#[must_use]
pub fn union_keeps_unknown(variants: &[UnionVariant]) -> bool {
    !variants.iter().any(|variant| variant.ty == TypeRef::Json)
}

/// Whether an untagged union prints as its value (`Display`): when every variant is
/// a scalar (`ValidationErrorLocItem`: a name or an index).
#[must_use]
pub fn union_displays(variants: &[UnionVariant]) -> bool {
    variants.iter().all(|variant| {
        matches!(
            variant.ty,
            TypeRef::String
                | TypeRef::I32
                | TypeRef::I64
                | TypeRef::U64
                | TypeRef::Bool
                | TypeRef::Number
        )
    })
}

/// A struct of optional fields, each a plain one (no docs, a setter named as the
/// field) declared at `pointer`: the model the lowering passes' unit tests build.
#[cfg(test)]
pub(crate) fn plain_struct(name: &str, pointer: &str, fields: &[(&str, TypeRef)]) -> TypeDef {
    let fields = fields
        .iter()
        .map(|(wire, ty)| {
            Field::new(
                (*wire).to_owned(),
                (*wire).to_owned(),
                ty.clone(),
                Presence::Optional,
                None,
                FieldNames {
                    doc: None,
                    setter: (*wire).to_owned(),
                    null_setter: None,
                    default_getter: None,
                    fixed: None,
                    secret: false,
                },
                pointer.into(),
            )
        })
        .collect();
    TypeDef {
        name: name.to_owned(),
        doc: format!("The {name} type."),
        pointer: pointer.to_owned(),
        kind: TypeKind::Struct(StructDef {
            fields,
            extra: ExtraFields::Forbidden,
        }),
        accessors: Vec::new(),
    }
}
