//! The command-line tool's runtime: argument parsing, input, output and exit codes.
//!
//! Input: the generated table of commands (`commands::RESOURCES`, `commands::OPERATIONS`)
//! and the generated `commands::dispatch`, which calls one SDK method.
//! Output: the process's stdout (the response), stderr (errors, `--debug` logs) and
//! exit code: 0 on success, 1 on an API or network error, 2 on a usage error.
//!
//! This file is hand-written, kept under `templates/cli/` in the generator's
//! repository and copied into every generated command-line tool. It knows nothing
//! of a particular API: each command is described by data ([`Operation`], [`Flag`]),
//! and the SDK is reached through the `sdk` alias the generated `main.rs` declares.

use std::collections::BTreeMap;
use std::future::Future;
use std::io::{IsTerminal as _, Read as _, Write as _};
use std::pin::Pin;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::sdk;
use sdk::StreamExt as _;

/// The tool: its name and docs, the SDK's settings it shows, and its commands.
pub(crate) struct App {
    /// The binary's name (`llamacloud`).
    pub name: &'static str,
    /// One line about the tool.
    pub about: &'static str,
    /// The version.
    pub version: &'static str,
    /// The environment variable `--api-key` defaults to, if the API takes a key.
    pub key_env: Option<&'static str>,
    /// The environment variable `--base-url` defaults to.
    pub base_url_env: Option<&'static str>,
    /// The SDK crate's name, whose `tracing` events `--debug` shows.
    pub log_target: &'static str,
    /// Resource commands (`beta:chat`), in order.
    pub resources: &'static [Resource],
    /// Every method command, in groups (the top level's, then one per top-level
    /// resource), as `dispatch` numbers them.
    pub operations: &'static [&'static [Operation]],
}

/// A resource command, grouping the methods of one SDK resource.
pub(crate) struct Resource {
    /// The command (`beta:chat`).
    pub name: &'static str,
    /// Its help.
    pub about: &'static str,
}

/// A method command: one SDK method.
pub(crate) struct Operation {
    /// The resource command it belongs to (`beta:chat`); empty for the top level.
    pub resource: &'static str,
    /// The command (`create`).
    pub name: &'static str,
    /// One line of help.
    pub about: &'static str,
    /// The full help, from the spec's description.
    pub long_about: &'static str,
    /// One flag per parameter.
    pub flags: &'static [Flag],
    /// Whether `--body` takes the whole JSON body, whose fields the flags override.
    pub json_body: bool,
}

/// What a flag's values are.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text, as given.
    String,
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`; the bare flag means `true`.
    Boolean,
    /// JSON (an object, a list ...); text that is not JSON is taken as a string.
    Json,
    /// A path to a file to upload.
    File,
    /// A raw body: `@path`, `-` for stdin, or the text itself.
    Raw,
}

/// A flag of a method command, for one parameter.
pub(crate) struct Flag {
    /// The parameter's id (the SDK's field name).
    pub id: &'static str,
    /// The flag (`index-id` for `--index-id`).
    pub long: &'static str,
    /// Another accepted spelling (the plural of a list's flag).
    pub alias: Option<&'static str>,
    /// The name in the JSON body, for body fields, so `--body` can fill it.
    pub body_name: Option<&'static str>,
    /// What its values are.
    pub kind: Kind,
    /// Whether it repeats, one value per item of a list.
    pub repeated: bool,
    /// Whether `null` sends null.
    pub nullable: bool,
    /// Its help.
    pub help: &'static str,
}

impl Flag {
    /// A flag that takes one value and is not a body field; the methods below
    /// change that, so each row of the generated tables is one short line.
    pub(crate) const fn new(
        id: &'static str,
        long: &'static str,
        kind: Kind,
        help: &'static str,
    ) -> Self {
        Self {
            id,
            long,
            alias: None,
            body_name: None,
            kind,
            repeated: false,
            nullable: false,
            help,
        }
    }

    /// Accepts `alias` as another spelling.
    pub(crate) const fn alias(self, alias: &'static str) -> Self {
        Self {
            alias: Some(alias),
            ..self
        }
    }

    /// Fills the JSON body's `name`.
    pub(crate) const fn body(self, name: &'static str) -> Self {
        Self {
            body_name: Some(name),
            ..self
        }
    }

    /// Repeats, one value per item of a list.
    pub(crate) const fn repeated(self) -> Self {
        Self {
            repeated: true,
            ..self
        }
    }

    /// Takes `null` to send null.
    pub(crate) const fn nullable(self) -> Self {
        Self {
            nullable: true,
            ..self
        }
    }
}

/// Calls the SDK method of the operation at (group, index) of [`App::operations`].
pub(crate) type Dispatch = for<'a> fn(
    &'a sdk::Client,
    usize,
    usize,
    &'a Input,
    &'a Output,
) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + 'a>>;

/// Why a command failed, which decides its exit code.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The command line was wrong: exit code 2.
    Usage(String),
    /// The SDK failed (the API answered with an error, the network failed): exit code 1.
    Sdk(sdk::Error),
    /// Writing the output failed: exit code 1.
    Io(std::io::Error),
}

impl From<sdk::Error> for Failure {
    fn from(error: sdk::Error) -> Self {
        Self::Sdk(error)
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Self::Io(error)
    }
}

const GLOBAL_HELP: &str = "Global options";

fn command(app: &App) -> Command {
    let mut api_key = Arg::new("api-key")
        .long("api-key")
        .global(true)
        .value_name("KEY")
        .help_heading(GLOBAL_HELP)
        .help("The API key (never shown in help or logs)")
        .hide_env_values(true);
    match app.key_env {
        Some(env) => api_key = api_key.env(env),
        // The API takes no credential: the flag stays accepted but out of the help.
        None => api_key = api_key.hide(true),
    }
    let mut base_url = Arg::new("base-url")
        .long("base-url")
        .global(true)
        .value_name("URL")
        .help_heading(GLOBAL_HELP)
        .help("The API's base URL")
        // The variable's value may hold a password (`https://user:pw@host`).
        .hide_env_values(true);
    if let Some(env) = app.base_url_env {
        base_url = base_url.env(env);
    }
    let mut root = Command::new(app.name)
        .about(app.about)
        .version(app.version)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(api_key)
        .arg(base_url)
        .arg(
            Arg::new("max-retries")
                .long("max-retries")
                .global(true)
                .value_name("N")
                .value_parser(clap::value_parser!(u32))
                .help_heading(GLOBAL_HELP)
                .help("Retries of a failed request (default 2)"),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .global(true)
                .value_name("SECONDS")
                .value_parser(clap::value_parser!(f64))
                .help_heading(GLOBAL_HELP)
                .help("Timeout of each attempt, in seconds (default 60)"),
        )
        .arg(
            Arg::new("debug")
                .long("debug")
                .global(true)
                .action(ArgAction::SetTrue)
                .help_heading(GLOBAL_HELP)
                .help("Log requests and responses to stderr, secrets redacted (bodies only with --log-bodies)"),
        )
        .arg(
            Arg::new("log-bodies")
                .long("log-bodies")
                .global(true)
                .action(ArgAction::SetTrue)
                .help_heading(GLOBAL_HELP)
                .help("With --debug, also log request and response bodies (they may hold secrets)"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .global(true)
                .value_name("FORMAT")
                .value_parser(["json", "yaml", "raw"])
                .help_heading(GLOBAL_HELP)
                .help("Output: json (pretty on a terminal, compact otherwise), yaml, or raw (the body as received; lists and streams print JSON lines)"),
        )
        .arg(
            Arg::new("max-items")
                .long("max-items")
                .global(true)
                .value_name("N")
                .value_parser(clap::value_parser!(usize))
                .help_heading(GLOBAL_HELP)
                .help("For list commands: stop after this many items (all pages are read otherwise)"),
        );
    for operation in app
        .operations
        .iter()
        .copied()
        .flatten()
        .filter(|op| op.resource.is_empty())
    {
        root = root.subcommand(operation_command(operation));
    }
    for resource in app.resources {
        let mut group = Command::new(resource.name)
            .about(resource.about)
            .subcommand_required(true)
            .arg_required_else_help(true);
        for operation in app
            .operations
            .iter()
            .copied()
            .flatten()
            .filter(|op| op.resource == resource.name)
        {
            group = group.subcommand(operation_command(operation));
        }
        root = root.subcommand(group);
    }
    root
}

fn operation_command(operation: &Operation) -> Command {
    let mut command = Command::new(operation.name)
        .about(operation.about)
        .long_about(operation.long_about);
    for flag in operation.flags {
        let value_name = match flag.kind {
            Kind::String => "TEXT",
            Kind::Integer => "INTEGER",
            Kind::Number => "NUMBER",
            Kind::Boolean => "BOOL",
            Kind::Json => "JSON",
            Kind::File => "PATH",
            Kind::Raw => "@PATH|-|TEXT",
        };
        let mut arg = Arg::new(flag.id)
            .long(flag.long)
            .value_name(value_name)
            .help(flag.help);
        if let Some(alias) = flag.alias {
            arg = arg.alias(alias);
        }
        arg = if flag.repeated {
            arg.action(ArgAction::Append)
        } else if flag.kind == Kind::Boolean {
            arg.action(ArgAction::Set)
                .num_args(0..=1)
                .default_missing_value("true")
        } else {
            arg.action(ArgAction::Set)
        };
        command = command.arg(arg);
    }
    if operation.json_body {
        command = command.arg(
            Arg::new(BODY_ID)
                .long("body")
                .value_name("JSON|@PATH|-")
                .help(
                    "The whole JSON body: inline, @file, or - for stdin; flags override its fields",
                ),
        );
    }
    command
}

/// The id of `--body` when it takes the whole JSON body (not a parameter's id).
const BODY_ID: &str = "--body";

/// The parameters given on the command line (and in `--body`), as JSON values.
pub(crate) struct Input {
    values: BTreeMap<&'static str, Value>,
    flags: BTreeMap<&'static str, &'static str>,
    /// `--body` fields no parameter declares, sent as they are.
    extra_fields: Vec<(String, Value)>,
}

impl Input {
    fn parse(operation: &Operation, matches: &ArgMatches) -> Result<Self, Failure> {
        let mut values = BTreeMap::new();
        for flag in operation.flags {
            let Some(texts) = matches.get_many::<String>(flag.id) else {
                continue;
            };
            let texts: Vec<&String> = texts.collect();
            let value = if texts.len() == 1 && flag.nullable && texts[0] == "null" {
                Value::Null
            } else if flag.repeated {
                Value::Array(
                    texts
                        .iter()
                        .map(|text| parse_value(flag, text))
                        .collect::<Result<_, _>>()?,
                )
            } else {
                parse_value(flag, texts[0])?
            };
            values.insert(flag.id, value);
        }
        let mut extra_fields = Vec::new();
        let body = if operation.json_body {
            matches.get_one::<String>(BODY_ID)
        } else {
            None
        };
        if let Some(source) = body {
            let text = read_source(source, "--body")?;
            let body: Value = serde_json::from_str(&text)
                .map_err(|error| Failure::Usage(format!("--body is not JSON: {error}")))?;
            let Value::Object(fields) = body else {
                return Err(Failure::Usage("--body must be a JSON object".to_owned()));
            };
            for (name, value) in fields {
                match operation
                    .flags
                    .iter()
                    .find(|flag| flag.body_name == Some(name.as_str()))
                {
                    // A flag given on the command line wins over the same field in --body.
                    Some(flag) => {
                        values.entry(flag.id).or_insert(value);
                    }
                    None => extra_fields.push((name, value)),
                }
            }
        }
        Ok(Self {
            values,
            flags: operation
                .flags
                .iter()
                .map(|flag| (flag.id, flag.long))
                .collect(),
            extra_fields,
        })
    }

    fn flag(&self, id: &str) -> String {
        format!("--{}", self.flags.get(id).copied().unwrap_or(id))
    }

    fn decode<T: DeserializeOwned>(&self, id: &str, value: &Value) -> Result<T, Failure> {
        T::deserialize(value)
            .map_err(|error| Failure::Usage(format!("{}: {error} (got {value})", self.flag(id))))
    }

    /// A parameter the method requires.
    pub(crate) fn required<T: DeserializeOwned>(&self, id: &str) -> Result<T, Failure> {
        self.optional(id)?.ok_or_else(|| self.missing(id))
    }

    /// A parameter, if given (and not `null`).
    pub(crate) fn optional<T: DeserializeOwned>(&self, id: &str) -> Result<Option<T>, Failure> {
        match self.values.get(id) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => self.decode(id, value).map(Some),
        }
    }

    /// A parameter that can also be sent as `null`, if given.
    pub(crate) fn nullable<T: DeserializeOwned>(
        &self,
        id: &str,
    ) -> Result<Option<sdk::Nullable<T>>, Failure> {
        match self.values.get(id) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(sdk::Nullable::Null)),
            Some(value) => self
                .decode(id, value)
                .map(|v| Some(sdk::Nullable::Value(v))),
        }
    }

    /// A file to upload, read from the path given.
    pub(crate) fn file(&self, id: &str) -> Result<Option<sdk::FileUpload>, Failure> {
        Ok(self.files(id)?.and_then(|files| files.into_iter().next()))
    }

    /// Files to upload, read from the paths given.
    pub(crate) fn files(&self, id: &str) -> Result<Option<Vec<sdk::FileUpload>>, Failure> {
        let paths: Vec<String> = match self.optional::<Value>(id)? {
            None => return Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| self.decode::<String>(id, item))
                .collect::<Result<_, _>>()?,
            Some(other) => vec![self.decode::<String>(id, &other)?],
        };
        paths
            .iter()
            .map(|path| {
                sdk::FileUpload::from_path_blocking(path)
                    .map_err(|error| Failure::Usage(format!("{}: {error}", self.flag(id))))
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }

    /// A raw body: the file after `@`, stdin for `-`, or the text itself.
    pub(crate) fn bytes(&self, id: &str) -> Result<Option<bytes::Bytes>, Failure> {
        let Some(source) = self.optional::<String>(id)? else {
            return Ok(None);
        };
        read_bytes(&source, &self.flag(id)).map(|bytes| Some(bytes.into()))
    }

    /// A text body: the file after `@`, stdin for `-`, or the text itself.
    pub(crate) fn text(&self, id: &str) -> Result<Option<String>, Failure> {
        let Some(source) = self.optional::<String>(id)? else {
            return Ok(None);
        };
        read_source(&source, &self.flag(id)).map(Some)
    }

    /// Fails for a required parameter that was not given.
    pub(crate) fn need<T>(&self, id: &str, value: Option<T>) -> Result<T, Failure> {
        value.ok_or_else(|| self.missing(id))
    }

    fn missing(&self, id: &str) -> Failure {
        Failure::Usage(format!("{} is required", self.flag(id)))
    }

    /// Adds the `--body` fields no parameter declares to the call.
    pub(crate) fn apply<T>(&self, mut call: sdk::Call<T>) -> sdk::Call<T> {
        for (name, value) in &self.extra_fields {
            call = call.body_field(name.clone(), value.clone());
        }
        call
    }
}

fn parse_value(flag: &Flag, text: &str) -> Result<Value, Failure> {
    let bad = |what: &str| Failure::Usage(format!("--{} expects {what}, got `{text}`", flag.long));
    Ok(match flag.kind {
        Kind::String | Kind::File | Kind::Raw => Value::String(text.to_owned()),
        Kind::Integer => text
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| text.parse::<u64>().map(Value::from))
            .map_err(|_| bad("an integer"))?,
        Kind::Number => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| bad("a number"))?,
        Kind::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Value::Bool(true),
            "false" | "0" | "no" => Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        Kind::Json => serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned())),
    })
}

fn read_bytes(source: &str, flag: &str) -> Result<Vec<u8>, Failure> {
    if source == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|error| Failure::Usage(format!("{flag}: cannot read stdin: {error}")))?;
        Ok(bytes)
    } else if let Some(path) = source.strip_prefix('@') {
        std::fs::read(path)
            .map_err(|error| Failure::Usage(format!("{flag}: cannot read {path}: {error}")))
    } else {
        Ok(source.as_bytes().to_vec())
    }
}

fn read_source(source: &str, flag: &str) -> Result<String, Failure> {
    String::from_utf8(read_bytes(source, flag)?)
        .map_err(|_| Failure::Usage(format!("{flag}: the input is not UTF-8 text")))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
    Raw,
}

/// How responses are printed.
pub(crate) struct Output {
    format: Format,
    pretty: bool,
    max_items: Option<usize>,
}

impl Output {
    fn write(&self, value: &impl Serialize, line: bool) -> Result<(), Failure> {
        let text = match self.format {
            Format::Yaml => {
                let text = serde_yaml::to_string(value)
                    .map_err(|error| Failure::Io(std::io::Error::other(error)))?;
                if line { format!("---\n{text}") } else { text }
            }
            _ if self.pretty && !line => {
                serde_json::to_string_pretty(value).map_err(|error| Failure::Io(error.into()))?
                    + "\n"
            }
            _ => serde_json::to_string(value).map_err(|error| Failure::Io(error.into()))? + "\n",
        };
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
        Ok(())
    }

    /// A JSON response: printed in the chosen format, or as received with `raw`.
    pub(crate) async fn json<T: Serialize + Send + 'static>(
        &self,
        call: sdk::Call<T>,
    ) -> Result<(), Failure> {
        if self.format == Format::Raw {
            let raw = call.with_raw_response().await?;
            let mut stdout = std::io::stdout().lock();
            if std::io::stdout().is_terminal() {
                // On a terminal a raw body must not drive it; into a pipe it goes as sent.
                let text = terminal_text(&String::from_utf8_lossy(&raw.body), true);
                stdout.write_all(text.as_bytes())?;
            } else {
                stdout.write_all(&raw.body)?;
            }
            if !raw.body.ends_with(b"\n") {
                stdout.write_all(b"\n")?;
            }
            return Ok(stdout.flush()?);
        }
        self.write(&call.await?, false)
    }

    /// A value already received (a waited-for job's result).
    pub(crate) fn value(&self, value: &impl Serialize) -> Result<(), Failure> {
        self.write(value, false)
    }

    /// A paginated list: every item of every page (up to `--max-items`), one per line
    /// (pretty, one after another, on a terminal).
    pub(crate) async fn page<T>(&self, call: sdk::Call<sdk::Page<T>>) -> Result<(), Failure>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
    {
        let mut items = call.into_stream();
        let mut printed = 0;
        while self.max_items.is_none_or(|max| printed < max) {
            let Some(item) = items.next().await else {
                break;
            };
            self.write(&item?, !self.pretty)?;
            printed += 1;
        }
        Ok(())
    }

    /// An event stream: each event as one JSON line, printed as it arrives.
    pub(crate) async fn events<T: Serialize + DeserializeOwned + Send + 'static>(
        &self,
        call: sdk::Call<sdk::EventStream<T>>,
    ) -> Result<(), Failure> {
        let mut events = call.await?;
        while let Some(event) = events.next().await {
            self.write(&event?, true)?;
        }
        Ok(())
    }

    /// A binary response, written to stdout as it is.
    pub(crate) async fn bytes(&self, call: sdk::Call<bytes::Bytes>) -> Result<(), Failure> {
        let bytes = call.await?;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&bytes)?;
        Ok(stdout.flush()?)
    }

    /// A text response, printed as it is.
    pub(crate) async fn text(&self, call: sdk::Call<String>) -> Result<(), Failure> {
        let text = call.await?;
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            stdout.write_all(b"\n")?;
        }
        Ok(stdout.flush()?)
    }

    /// A response without a body: nothing is printed.
    pub(crate) async fn empty(&self, call: sdk::Call<()>) -> Result<(), Failure> {
        call.await?;
        Ok(())
    }
}

/// Runs the tool: parses the command line, calls the method, prints, and returns
/// the exit code.
pub(crate) fn main(app: &App, dispatch: Dispatch) -> ExitCode {
    let matches = match command(app).try_get_matches() {
        Ok(matches) => matches,
        Err(error) => {
            // Help and version go to stdout with success; usage errors exit with 2.
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(app, &matches, dispatch) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&failure),
    }
}

fn run(app: &App, matches: &ArgMatches, dispatch: Dispatch) -> Result<(), Failure> {
    let Some((first, first_matches)) = matches.subcommand() else {
        return Err(Failure::Usage("no command given".to_owned()));
    };
    let (resource, name, method_matches) = match first_matches.subcommand() {
        Some((name, method_matches)) if app.resources.iter().any(|r| r.name == first) => {
            (first, name, method_matches)
        }
        _ => ("", first, first_matches),
    };
    let Some((group, index)) = app
        .operations
        .iter()
        .enumerate()
        .find_map(|(group, operations)| {
            operations
                .iter()
                .position(|op| op.resource == resource && op.name == name)
                .map(|index| (group, index))
        })
    else {
        return Err(Failure::Usage(format!("unknown command `{first} {name}`")));
    };
    if matches.get_flag("debug") {
        install_debug_log(app.log_target);
    }
    let input = Input::parse(&app.operations[group][index], method_matches)?;
    let format = match matches.get_one::<String>("format").map(String::as_str) {
        Some("yaml") => Format::Yaml,
        Some("raw") => Format::Raw,
        _ => Format::Json,
    };
    let output = Output {
        format,
        pretty: std::io::stdout().is_terminal(),
        max_items: matches.get_one::<usize>("max-items").copied(),
    };

    let mut builder = sdk::Client::builder().log_bodies(matches.get_flag("log-bodies"));
    if let Some(key) = matches.get_one::<String>("api-key") {
        builder = builder.api_key(key);
    }
    if let Some(url) = matches.get_one::<String>("base-url") {
        builder = builder.base_url(url);
    }
    if let Some(retries) = matches.get_one::<u32>("max-retries") {
        builder = builder.max_retries(*retries);
    }
    if let Some(seconds) = matches.get_one::<f64>("timeout") {
        let timeout = Duration::try_from_secs_f64(*seconds)
            .map_err(|_| Failure::Usage(format!("--timeout: `{seconds}` is not a duration")))?;
        builder = builder.timeout(timeout);
    }
    let client = builder.build().map_err(|error| match error {
        // No credential, a bad base URL: the command line (or environment) is wrong.
        sdk::Error::Config(message) => Failure::Usage(message),
        other => Failure::Sdk(other),
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(dispatch(&client, group, index, &input, &output))
}

/// Sends the SDK's request and response logs (secrets already redacted by the SDK)
/// to stderr.
fn install_debug_log(target: &'static str) {
    use tracing_subscriber::layer::SubscriberExt as _;
    let only_the_sdk =
        tracing_subscriber::filter::Targets::new().with_target(target, tracing::Level::DEBUG);
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(only_the_sdk);
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Server text for a terminal: control characters other than newline and tab, and
/// bidi controls, written as `\u{..}` escapes; unchanged when not shown on a terminal.
fn terminal_text(text: &str, terminal: bool) -> String {
    if !terminal {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if (c.is_control() && c != '\n' && c != '\t') || bidi {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    out
}

fn report(failure: &Failure) -> ExitCode {
    match failure {
        Failure::Usage(message) => {
            eprintln!("error: {message}\n\nFor more information, try '--help'.");
            ExitCode::from(2)
        }
        Failure::Sdk(sdk::Error::Api(error)) => {
            eprintln!(
                "error: {} {}",
                error.status.as_u16(),
                error.status.canonical_reason().unwrap_or("")
            );
            let body = error.body_text();
            if !body.is_empty() {
                eprintln!("{}", terminal_text(&body, std::io::stderr().is_terminal()));
            }
            ExitCode::from(1)
        }
        Failure::Sdk(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Failure::Io(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Failure::Io(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::terminal_text;

    #[test]
    fn a_body_shown_on_a_terminal_cannot_drive_it() {
        let body = "{\"msg\": \"\u{1b}[2J\u{7}\u{0}\u{202e}x\"}\nline two\ttab";
        let shown = terminal_text(body, true);
        for control in ['\u{1b}', '\u{7}', '\u{0}', '\u{202e}'] {
            assert!(!shown.contains(control), "{shown:?}");
        }
        assert!(
            shown.contains("\\u{1b}") && shown.contains("\nline two\ttab"),
            "{shown}"
        );
        assert_eq!(
            terminal_text(body, false),
            body,
            "a pipe gets the body as sent"
        );
    }
}
