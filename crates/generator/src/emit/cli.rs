//! Emits the command-line tool: a crate whose binary calls every SDK method.
//!
//! Input: the model, and how the tool's manifest names the SDK crate.
//! Output: [`Files`] of the tool's crate: `Cargo.toml` and `README.md` (askama
//! templates under `templates/cli/`), `src/main.rs` and `src/commands/` (tokens: the
//! tool and the dispatch in `mod.rs`, then one module per top-level resource with
//! its commands' table and functions), and `src/runtime.rs` (hand-written, copied
//! from `templates/cli/runtime.rs`).
//!
//! Every SDK method becomes `<binary> <resource>[:<sub>] <method>`, with one flag per
//! parameter (kebab case; a list's flag is singular and repeats). The commands are
//! data (`commands::OPERATIONS`) that the runtime turns into clap commands, plus one
//! small async function per method that reads its flags into the SDK's params type,
//! calls the method and hands the `Call` to the runtime's printer for its response
//! kind. Help text comes from the spec's descriptions, as string literals.

use std::collections::BTreeSet;

use askama::Template;
use heck::ToKebabCase as _;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::tokens::{ident, retarget, type_tokens};
use super::{EmitError, Files, OperationSite, header, operation_sites};
use crate::ir::{
    Api, Job, JobHelper, Operation, Param, ParamLocation, ParamsType, Presence, RequestBody,
    Resource, ResponseBody, TypeDef, TypeKind, TypeRef,
};
use crate::lower::names;

/// The hand-written runtime every tool carries.
pub const CLI_RUNTIME: &str = include_str!("../../../../templates/cli/runtime.rs");

/// The tool's dependencies and dev-dependencies (the SDK is added by its path),
/// from the one table of versions.
pub use super::manifest::{CLI_DEPENDENCIES, CLI_DEV_DEPENDENCIES};

/// Global flags every command has; a parameter's flag never takes one of these.
const GLOBAL_FLAGS: &[&str] = &[
    "api-key",
    "base-url",
    "max-retries",
    "timeout",
    "debug",
    "format",
    "max-items",
    "help",
    "version",
];

#[derive(Template)]
#[template(path = "cli/Cargo.toml", escape = "none")]
struct ManifestTemplate<'a> {
    header: String,
    name: String,
    version: String,
    description: String,
    license: String,
    binary: String,
    sdk_name: String,
    sdk_dependency: &'a str,
    dependencies: Vec<(&'static str, String)>,
    dev_dependencies: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "cli/README.md", escape = "none")]
struct ReadmeTemplate<'a> {
    title: &'a str,
    package: &'a str,
    binary: &'a str,
    key_env: String,
    base_url_env: String,
    example: String,
}

/// Emits the tool's crate. `sdk_path` is where it finds the SDK crate, relative to
/// its own directory (`../llama-cloud`); the manifest names it with that path and
/// the SDK's version.
pub fn emit_cli(api: &Api, sdk_path: &str) -> Result<Files, EmitError> {
    let meta = &api.meta;
    let sdk_dependency = &format!(
        "{{ path = {}, version = {} }}",
        super::toml_string(sdk_path),
        super::toml_string(&meta.version)
    );
    let mut files = Files::new();
    let template_error = |template: &'static str| {
        move |error: askama::Error| EmitError::Template {
            template,
            message: error.to_string(),
        }
    };
    let manifest = ManifestTemplate {
        header: header(api, "#"),
        name: super::toml_string(&meta.cli_package),
        version: super::toml_string(&meta.version),
        description: super::toml_string(&format!(
            "The {} command-line tool, generated from its OpenAPI document.",
            super::tokens::one_line(&meta.title)
        )),
        license: super::toml_string(&meta.license),
        binary: super::toml_string(&meta.cli_binary),
        sdk_name: super::toml_string(&meta.package_name),
        sdk_dependency,
        dependencies: super::manifest::manifest_lines(CLI_DEPENDENCIES),
        dev_dependencies: super::manifest::manifest_lines(CLI_DEV_DEPENDENCIES),
    }
    .render()
    .map_err(template_error("cli/Cargo.toml"))?;
    files.insert("Cargo.toml".to_owned(), manifest);

    let mut commands: Vec<Command<'_>> = operation_sites(&api.root)
        .iter()
        .map(|site| command(site, &api.types))
        .collect();
    // Job helpers get commands too (`parsing parse`), shown like the start method's.
    let mut helpers = Vec::new();
    job_helpers(&api.root, &mut Vec::new(), &mut helpers);
    let helper_operations: Vec<Operation> = helpers
        .iter()
        .filter_map(|(chain, job, helper)| {
            let start = find_in(&api.root, chain, &helper.start_method)?;
            let result = find_in(
                &api.root,
                chain,
                job.result_method.as_deref().unwrap_or(&job.status_method),
            )?;
            Some(helper_operation(start, result, helper))
        })
        .collect();
    let mut functions: BTreeSet<String> = commands.iter().map(|c| c.function.clone()).collect();
    for ((chain, job, helper), operation) in helpers.iter().zip(&helper_operations) {
        let (Some(start), Some(result)) = (
            find_in(&api.root, chain, &helper.start_method),
            find_in(
                &api.root,
                chain,
                job.result_method.as_deref().unwrap_or(&job.status_method),
            ),
        ) else {
            continue;
        };
        let base: Vec<&str> = chain
            .iter()
            .map(|r| names::bare(&r.accessor))
            .chain([names::bare(&helper.name)])
            .collect();
        let base = base.join("_");
        let mut function = base.clone();
        let mut n = 2;
        while !functions.insert(function.clone()) {
            function = format!("{base}_{n}");
            n += 1;
        }
        commands.push(Command {
            resource: chain
                .iter()
                .map(|r| names::bare(&r.accessor).to_kebab_case())
                .collect::<Vec<_>>()
                .join(":"),
            name: names::bare(&helper.name).to_kebab_case(),
            function,
            accessors: chain.iter().map(|r| r.accessor.as_str()).collect(),
            operation,
            flags: flags(operation, &api.types),
            helper: Some(HelperCall {
                method: &helper.name,
                start_params: start.params.as_ref(),
                result_params: result.params.as_ref(),
            }),
        });
    }
    let title = super::tokens::one_line(&meta.title);
    let readme = ReadmeTemplate {
        title: &title,
        package: &meta.cli_package,
        binary: &meta.cli_binary,
        key_env: if meta.auth.schemes.is_empty() {
            String::new()
        } else {
            meta.auth.key_env.first().cloned().unwrap_or_default()
        },
        base_url_env: meta.base_url_env.clone().unwrap_or_default(),
        example: commands
            .first()
            .map(|command| command.example(&meta.cli_binary))
            .unwrap_or_default(),
    }
    .render()
    .map_err(template_error("cli/README.md"))?;
    files.insert(
        "README.md".to_owned(),
        format!(
            "<!-- {} -->\n\n{readme}",
            header(api, "").trim().replace('\n', " ")
        ),
    );

    files.insert(
        "src/runtime.rs".to_owned(),
        format!(
            "{}\n#![cfg_attr(rustfmt, rustfmt::skip)]\n#![allow(dead_code, reason = \"the runtime serves every API; this tool may not use each of its helpers\")]\n{CLI_RUNTIME}",
            header(api, "//")
        ),
    );
    let krate = ident(&meta.crate_ident);
    let main_doc = format!(
        " `{}`: the command-line tool for the {} API.",
        meta.cli_binary,
        super::tokens::one_line(&meta.title)
    );
    let main = quote! {
        #![doc = #main_doc]
        #![doc = ""]
        #![doc = " Run it with `--help` for its commands."]

        mod commands;
        mod runtime;

        /// The SDK, under the name the runtime uses.
        use #krate as sdk;

        fn main() -> std::process::ExitCode {
            runtime::main(&commands::APP, commands::dispatch)
        }
    };
    files.insert(
        "src/main.rs".to_owned(),
        super::format_rust(api, "src/main.rs", &main)?,
    );
    let groups = groups(api, &commands);
    files.insert(
        "src/commands/mod.rs".to_owned(),
        super::format_rust(api, "src/commands/mod.rs", &commands_root(api, &groups))?,
    );
    for group in &groups {
        let path = format!("src/commands/{}.rs", names::bare(&group.module));
        let text = super::format_rust(api, &path, &group_tokens(api, group))?;
        files.insert(path, text);
    }
    Ok(files)
}

/// Shell examples for the SDK's README: the first command, and the first command
/// that streams (empty when there is none).
pub(crate) fn readme_examples(api: &Api, sites: &[OperationSite<'_>]) -> (String, String) {
    let binary = &api.meta.cli_binary;
    let example = |site: &OperationSite<'_>| command(site, &api.types).example(binary);
    let first = sites.first().map(example).unwrap_or_default();
    let stream = sites
        .iter()
        .find(|site| matches!(site.operation.response, ResponseBody::EventStream(_)))
        .map(example)
        .unwrap_or_default();
    (first, stream)
}

/// One method command.
struct Command<'a> {
    /// `beta:chat`, or empty at the top level.
    resource: String,
    /// `create`.
    name: String,
    /// The function that runs it (`beta_chat_create`).
    function: String,
    /// `client.beta().chat()`'s accessors.
    accessors: Vec<&'a str>,
    operation: &'a Operation,
    flags: Vec<Flag<'a>>,
    /// For a job helper's command (`parsing parse`): the SDK calls it makes.
    helper: Option<HelperCall<'a>>,
}

/// What a job helper's command calls: the helper, with the start method's params
/// and the result method's, both read from the command's one set of flags.
struct HelperCall<'a> {
    /// The helper's method name (`parse`).
    method: &'a str,
    /// The start method's params type, if it has one.
    start_params: Option<&'a ParamsType>,
    /// The result method's params type, if it has one.
    result_params: Option<&'a ParamsType>,
}

/// The operation a job helper's command shows: the start method's, with the result
/// method's fields that the start does not share (one `--project-id` fills both),
/// the helper's name and docs, and the result's response.
fn helper_operation(start: &Operation, result: &Operation, helper: &JobHelper) -> Operation {
    let mut operation = start.clone();
    operation.method_name.clone_from(&helper.name);
    operation.doc.clone_from(&helper.doc);
    operation.response = result.response.clone();
    operation.pagination = None;
    operation.stream_alternative = None;
    let params = operation.params.get_or_insert_with(|| ParamsType {
        name: String::new(),
        doc: String::new(),
        fields: Vec::new(),
    });
    for field in result.params.iter().flat_map(|p| &p.fields) {
        if !params
            .fields
            .iter()
            .any(|existing| existing.rust_name == field.rust_name)
        {
            params.fields.push(field.clone());
        }
    }
    // How to wait: read by the helper's function, not sent.
    for (name, doc) in POLL_FLAGS {
        if !params
            .fields
            .iter()
            .any(|existing| existing.rust_name == *name)
        {
            params.fields.push(Param {
                wire_name: (*name).to_owned(),
                rust_name: (*name).to_owned(),
                location: ParamLocation::Query,
                ty: TypeRef::Number,
                presence: Presence::Optional,
                style: crate::ir::QueryStyle::FormExploded,
                doc: (*doc).to_owned(),
                example: serde_json::Value::Null,
                pointer: String::new(),
            });
        }
    }
    operation
}

/// The waiting flags of a job helper's command: (id, help).
const POLL_FLAGS: &[(&str, &str)] = &[
    (
        "poll_interval",
        "Seconds before the first status poll; later waits grow linearly to 5 s (default 1)",
    ),
    (
        "poll_timeout",
        "Seconds to wait for the job in all (default 7200)",
    ),
];

/// The operation `name` of the resource at the end of `chain` (the root when empty).
fn find_in<'a>(root: &'a Resource, chain: &[&'a Resource], name: &str) -> Option<&'a Operation> {
    chain
        .last()
        .copied()
        .unwrap_or(root)
        .operations
        .iter()
        .find(|op| op.method_name == name)
}

/// Every job helper of the tree, as (resources from the root, job, helper).
fn job_helpers<'a>(
    resource: &'a Resource,
    chain: &mut Vec<&'a Resource>,
    out: &mut Vec<(Vec<&'a Resource>, &'a Job, &'a JobHelper)>,
) {
    for job in &resource.jobs {
        for helper in &job.helpers {
            out.push((chain.clone(), job, helper));
        }
    }
    for child in &resource.children {
        chain.push(child);
        job_helpers(child, chain, out);
        chain.pop();
    }
}

/// One flag of a method command.
struct Flag<'a> {
    /// The id the runtime keys values by (`index_ids`; path parameters `path.<name>`).
    id: String,
    long: String,
    alias: Option<String>,
    param: &'a Param,
    kind: &'static str,
    repeated: bool,
    /// Whether `null` sends null.
    nullable: bool,
    /// The name `--body` fills it from.
    body_name: Option<String>,
    help: String,
}

impl Command<'_> {
    /// A shell example of this command with its required flags.
    fn example(&self, binary: &str) -> String {
        let mut words = vec![binary.to_owned()];
        if !self.resource.is_empty() {
            words.push(self.resource.clone());
        }
        words.push(self.name.clone());
        // The required flags; with none, the first body field, to show one in use.
        let required = |flag: &&Flag<'_>| {
            flag.param.presence == Presence::Required || flag.param.location == ParamLocation::Path
        };
        let shown: Vec<&Flag<'_>> = if self.flags.iter().any(|f| required(&f)) {
            self.flags.iter().filter(required).collect()
        } else {
            self.flags
                .iter()
                .filter(|f| f.param.location == ParamLocation::Body && !f.param.example.is_null())
                .take(1)
                .collect()
        };
        for flag in shown {
            let value = match &flag.param.example {
                serde_json::Value::String(text) if text != "string" => text.clone(),
                serde_json::Value::Array(items)
                    if flag.repeated && !items.is_empty() && items[0] != "string" =>
                {
                    items[0]
                        .as_str()
                        .map_or_else(|| items[0].to_string(), str::to_owned)
                }
                serde_json::Value::String(_) | serde_json::Value::Array(_) => String::new(),
                other => other.to_string(),
            };
            words.push(format!("--{}", flag.long));
            // A derived placeholder says less than the flag's own name.
            words.push(if value.is_empty() {
                format!("\"${}\"", flag.long.to_uppercase().replace('-', "_"))
            } else {
                shell_quote(&value)
            });
        }
        words.join(" ")
    }
}

fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c))
    {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The command for one method.
fn command<'a>(site: &OperationSite<'a>, types: &[TypeDef]) -> Command<'a> {
    Command {
        resource: site
            .chain
            .iter()
            .map(|r| names::bare(&r.accessor).to_kebab_case())
            .collect::<Vec<_>>()
            .join(":"),
        name: names::bare(&site.operation.method_name).to_kebab_case(),
        function: site.name.clone(),
        accessors: site.chain.iter().map(|r| r.accessor.as_str()).collect(),
        operation: site.operation,
        flags: flags(site.operation, types),
        helper: None,
    }
}

/// The flags of one method: path parameters, then the params type's fields.
fn flags<'a>(operation: &'a Operation, types: &[TypeDef]) -> Vec<Flag<'a>> {
    let whole_body = match &operation.body {
        Some(
            RequestBody::JsonValue { field }
            | RequestBody::Binary { field, .. }
            | RequestBody::Text { field, .. },
        ) => Some(field.as_str()),
        _ => None,
    };
    let json_body = json_body(operation);
    let mut taken: BTreeSet<String> = GLOBAL_FLAGS.iter().map(|s| (*s).to_owned()).collect();
    if json_body {
        taken.insert("body".to_owned());
    }
    let params = operation.params.iter().flat_map(|p| &p.fields);
    let mut out = Vec::new();
    for (param, is_path) in operation
        .path_params
        .iter()
        .map(|p| (p, true))
        .chain(params.map(|p| (p, false)))
    {
        if !is_path
            && param.ty.contains_file()
            && !matches!(param.ty, TypeRef::File)
            && !is_file_list(&param.ty)
        {
            // A map of files has no command-line form.
            continue;
        }
        let (kind, repeated) = flag_kind(&param.ty, types);
        let is_whole_body = !is_path && whole_body == Some(param.rust_name.as_str());
        let kind = if is_whole_body
            && matches!(
                operation.body,
                Some(RequestBody::Binary { .. } | RequestBody::Text { .. })
            ) {
            "Raw"
        } else {
            kind
        };
        let mut long = if is_whole_body {
            "body".to_owned()
        } else {
            let kebab = param.wire_name.to_kebab_case();
            let kebab = if kebab.is_empty() {
                "param".to_owned()
            } else {
                kebab
            };
            if repeated { singular(&kebab) } else { kebab }
        };
        let plural = param.wire_name.to_kebab_case();
        if taken.contains(&long) {
            long = format!("{}-{long}", param.location.name());
        }
        let base = long.clone();
        let mut n = 2;
        while taken.contains(&long) {
            long = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(long.clone());
        let alias = (repeated && plural != long && !plural.is_empty() && !taken.contains(&plural))
            .then(|| {
                taken.insert(plural.clone());
                plural
            });
        let nullable = matches!(
            param.presence,
            Presence::OptionalNullable | Presence::RequiredNullable
        );
        let help = flag_help(param, types, is_path, repeated, nullable);
        out.push(Flag {
            id: if is_path {
                format!("path.{}", names::bare(&param.rust_name))
            } else {
                names::bare(&param.rust_name).to_owned()
            },
            long,
            alias,
            param,
            kind,
            repeated,
            nullable,
            body_name: (json_body && param.location == ParamLocation::Body && !is_whole_body)
                .then(|| param.wire_name.clone()),
            help,
        });
    }
    out
}

fn json_body(operation: &Operation) -> bool {
    matches!(
        operation.body,
        Some(RequestBody::JsonFields { .. } | RequestBody::Form | RequestBody::Multipart)
    )
}

fn is_file_list(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Vec(inner) if **inner == TypeRef::File)
}

/// `index-ids` → `index-id`: a repeated flag names one item.
fn singular(kebab: &str) -> String {
    let (head, last) = kebab.rsplit_once('-').map_or(("", kebab), |(h, l)| (h, l));
    let one = if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if ["sses", "uses", "xes", "ches", "shes", "zes"]
        .iter()
        .any(|s| last.ends_with(s))
    {
        last[..last.len() - 2].to_owned()
    } else if last.len() > 3
        && last.ends_with('s')
        && !last.ends_with("ss")
        && !last.ends_with("us")
        && !last.ends_with("is")
    {
        last[..last.len() - 1].to_owned()
    } else if last == "ids" {
        "id".to_owned()
    } else {
        last.to_owned()
    };
    if head.is_empty() {
        one
    } else {
        format!("{head}-{one}")
    }
}

/// The runtime's `Kind` for a type, and whether the flag repeats (a list).
fn flag_kind(ty: &TypeRef, types: &[TypeDef]) -> (&'static str, bool) {
    match ty {
        TypeRef::Vec(inner) => match flag_kind(inner, types) {
            (kind, false) => (kind, true),
            (_, true) => ("Json", false),
        },
        TypeRef::Option(inner) | TypeRef::Boxed(inner) => flag_kind(inner, types),
        TypeRef::String => ("String", false),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => ("Integer", false),
        TypeRef::Number => ("Number", false),
        TypeRef::Bool => ("Boolean", false),
        TypeRef::File => ("File", false),
        TypeRef::Bytes => ("Raw", false),
        TypeRef::Named(name) => match super::models::find_type(types, name).map(|def| &def.kind) {
            Some(TypeKind::StringEnum(_)) => ("String", false),
            Some(TypeKind::Alias(target)) => flag_kind(target, types),
            _ => ("Json", false),
        },
        TypeRef::Json | TypeRef::Map(_) => ("Json", false),
    }
}

/// The string values a type takes, for help (`[possible values: ...]`).
fn enum_values<'t>(ty: &TypeRef, types: &'t [TypeDef]) -> Vec<&'t str> {
    match ty {
        TypeRef::Vec(inner) | TypeRef::Option(inner) | TypeRef::Boxed(inner) => {
            enum_values(inner, types)
        }
        TypeRef::Named(name) => match super::models::find_type(types, name).map(|def| &def.kind) {
            Some(TypeKind::StringEnum(variants)) => {
                variants.iter().map(|v| v.wire_value.as_str()).collect()
            }
            Some(TypeKind::Alias(target)) => enum_values(target, types),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn flag_help(
    param: &Param,
    types: &[TypeDef],
    is_path: bool,
    repeated: bool,
    nullable: bool,
) -> String {
    let mut help = first_paragraph(&param.doc);
    if param.presence == Presence::Required || is_path {
        help.push_str(" (required)");
    }
    if repeated {
        help.push_str(" (repeat for each item)");
    }
    if nullable {
        help.push_str(" (`null` sends null)");
    }
    let values = enum_values(&param.ty, types);
    if !values.is_empty() {
        help.push_str(" [possible values: ");
        help.push_str(&values.join(", "));
        help.push(']');
    }
    help.trim().to_owned()
}

/// One file of `src/commands/`: the commands of the top level, or of one top-level
/// resource and the resources under it.
struct Group<'c, 'a> {
    /// Its module (`beta`, or the top level's).
    module: String,
    /// Its module doc.
    doc: String,
    /// Its commands, in SDK order.
    commands: Vec<&'c Command<'a>>,
}

/// The commands grouped by top-level resource: the top level's first (when it has
/// any), then each top-level resource's in tree order.
fn groups<'c, 'a>(api: &Api, commands: &'c [Command<'a>]) -> Vec<Group<'c, 'a>> {
    let taken = |name: &str| api.root.children.iter().any(|child| child.module == name);
    let mut top = "top_level".to_owned();
    while taken(&top) {
        top.push_str("_commands");
    }
    let mut groups = vec![Group {
        module: top,
        doc: "The top-level commands: the client's own methods.".to_owned(),
        commands: commands.iter().filter(|c| c.accessors.is_empty()).collect(),
    }];
    for child in &api.root.children {
        let accessor = names::bare(&child.accessor);
        groups.push(Group {
            module: child.module.clone(),
            doc: format!(
                "The commands of `client.{accessor}()` and the resources under it: their flags, and the SDK call each makes."
            ),
            commands: commands
                .iter()
                .filter(|c| c.accessors.first() == Some(&child.accessor.as_str()))
                .collect(),
        });
    }
    groups.retain(|group| !group.commands.is_empty());
    groups
}

/// `src/commands/mod.rs`: the tool, its resource commands, the groups' tables and
/// the dispatch to each group.
fn commands_root(api: &Api, groups: &[Group<'_, '_>]) -> TokenStream {
    let meta = &api.meta;
    let krate = &meta.crate_ident;
    let binary = &meta.cli_binary;
    let about = format!(
        "The {} API from the command line.",
        super::tokens::one_line(&meta.title)
    );
    let key_env = match (meta.auth.schemes.is_empty(), meta.auth.key_env.first()) {
        (false, Some(env)) => quote! { Some(#env) },
        _ => quote! { None },
    };
    let base_url_env = match &meta.base_url_env {
        Some(env) => quote! { Some(#env) },
        None => quote! { None },
    };

    let mut resources: Vec<(String, String)> = Vec::new();
    collect_resources(&api.root, &mut Vec::new(), &mut resources);
    let resources = resources.iter().map(|(name, about)| {
        let about = super::tokens::terminal_text(about);
        quote! { Resource { name: #name, about: #about }, }
    });
    let modules: Vec<_> = groups.iter().map(|group| ident(&group.module)).collect();
    let arms = modules.iter().enumerate().map(|(index, module)| {
        quote! { #index => #module::dispatch(client, index, input, output), }
    });
    let body = if groups.is_empty() {
        // An API without operations (webhooks only) dispatches nothing.
        quote! {
            let _ = (client, group, index, input, output);
            Box::pin(async { Err(Failure::Usage("unknown command".to_owned())) })
        }
    } else {
        quote! {
            match group {
                #(#arms)*
                _ => Box::pin(async { Err(Failure::Usage("unknown command".to_owned())) }),
            }
        }
    };

    quote! {
        //! Every command of the tool, one module per top-level resource: its flags,
        //! and the SDK call it makes.

        use std::future::Future;
        use std::pin::Pin;

        use crate::runtime::{App, Failure, Input, Output, Resource};

        #(mod #modules;)*

        /// The tool.
        pub(crate) const APP: App = App {
            name: #binary,
            about: #about,
            version: env!("CARGO_PKG_VERSION"),
            key_env: #key_env,
            base_url_env: #base_url_env,
            log_target: #krate,
            resources: RESOURCES,
            operations: &[#(#modules::OPERATIONS),*],
        };

        /// The resource commands.
        const RESOURCES: &[Resource] = &[#(#resources)*];

        /// Runs the command at `index` of the `OPERATIONS` of group `group`.
        pub(crate) fn dispatch<'a>(
            client: &'a crate::sdk::Client,
            group: usize,
            index: usize,
            input: &'a Input,
            output: &'a Output,
        ) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + 'a>> {
            #body
        }
    }
}

/// One group's file: its commands' table, its dispatch and its functions.
fn group_tokens(api: &Api, group: &Group<'_, '_>) -> TokenStream {
    let krate = &api.meta.crate_ident;
    let operations = group.commands.iter().map(|command| {
        let resource = &command.resource;
        let name = &command.name;
        let (about, long_about) = operation_help(command.operation);
        // Help is printed to a terminal: no spec text may carry escapes to it.
        let (about, long_about) = (
            super::tokens::terminal_text(&about),
            super::tokens::terminal_text(&long_about),
        );
        let json_body = json_body(command.operation);
        let flags = command.flags.iter().map(|flag| {
            let id = &flag.id;
            let long = &flag.long;
            let kind = format_ident!("{}", flag.kind);
            let help = super::tokens::terminal_text(&flag.help);
            let alias = flag.alias.as_ref().map(|alias| quote! { .alias(#alias) });
            let body = flag.body_name.as_ref().map(|name| quote! { .body(#name) });
            let repeated = flag.repeated.then(|| quote! { .repeated() });
            let nullable = flag.nullable.then(|| quote! { .nullable() });
            quote! {
                Flag::new(#id, #long, Kind::#kind, #help) #alias #body #repeated #nullable,
            }
        });
        quote! {
            Operation {
                resource: #resource,
                name: #name,
                about: #about,
                long_about: #long_about,
                flags: &[#(#flags)*],
                json_body: #json_body,
            },
        }
    });
    let arms = group.commands.iter().enumerate().map(|(index, command)| {
        let function = ident(&command.function);
        quote! { #index => Box::pin(#function(client, input, output)), }
    });
    let functions = group
        .commands
        .iter()
        .map(|command| command_function(krate, command));
    let flag_imports = group
        .commands
        .iter()
        .any(|command| !command.flags.is_empty())
        .then(|| quote! { use crate::runtime::{Flag, Kind}; });
    let doc = format!(" {}", group.doc);

    quote! {
        #![doc = #doc]
        #![allow(clippy::too_many_lines, reason = "one table row and one function per operation")]
        #![allow(deprecated, reason = "deprecated operations stay callable; their help says so")]

        use std::future::Future;
        use std::pin::Pin;

        use crate::runtime::{Failure, Input, Operation, Output};
        #flag_imports

        /// The method commands, in the order `dispatch` numbers them.
        pub(super) const OPERATIONS: &[Operation] = &[#(#operations)*];

        /// Runs the command at `index` of `OPERATIONS`.
        pub(super) fn dispatch<'a>(
            client: &'a crate::sdk::Client,
            index: usize,
            input: &'a Input,
            output: &'a Output,
        ) -> Pin<Box<dyn Future<Output = Result<(), Failure>> + 'a>> {
            match index {
                #(#arms)*
                _ => Box::pin(async { Err(Failure::Usage("unknown command".to_owned())) }),
            }
        }

        #(#functions)*
    }
}

/// The first paragraph of a doc, on one line, for a help line.
fn first_paragraph(doc: &str) -> String {
    doc.split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn collect_resources(
    resource: &Resource,
    chain: &mut Vec<String>,
    out: &mut Vec<(String, String)>,
) {
    if !chain.is_empty() && !resource.operations.is_empty() {
        out.push((chain.join(":"), first_paragraph(&resource.doc)));
    }
    for child in &resource.children {
        chain.push(names::bare(&child.accessor).to_kebab_case());
        collect_resources(child, chain, out);
        chain.pop();
    }
}

/// The one-line and the full help of a method, from its docs.
fn operation_help(operation: &Operation) -> (String, String) {
    let first = operation.doc.lines().next().unwrap_or_default().trim();
    let about = if operation.deprecated {
        format!("(deprecated) {first}")
    } else {
        first.to_owned()
    };
    (about, operation.doc.trim().to_owned())
}

/// The function of a job helper's command: reads both params values, waits for the
/// job with the default polling, prints the result.
fn helper_function(krate: &str, command: &Command<'_>, helper: &HelperCall<'_>) -> TokenStream {
    let function = ident(&command.function);
    let sdk = ident(krate);
    let mut steps = Vec::new();
    let mut args = Vec::new();
    for (params, var) in [
        (helper.start_params, "params"),
        (helper.result_params, "result"),
    ] {
        if let Some(params) = params {
            let var = ident(var);
            steps.push(params_value(krate, &command.flags, params, &var));
            args.push(quote! { #var });
        }
    }
    let accessors = command.accessors.iter().map(|a| ident(a));
    let method = ident(helper.method);
    let doc = format!(
        " `{}`: start, wait, print the result",
        command.operation.method_name
    );
    quote! {
        #[doc = #doc]
        async fn #function(
            client: &crate::sdk::Client,
            input: &Input,
            output: &Output,
        ) -> Result<(), Failure> {
            #(#steps)*
            let mut options = #sdk::PollOptions::default();
            let seconds = |id: &str| -> Result<Option<::std::time::Duration>, Failure> {
                input
                    .optional::<f64>(id)?
                    .map(|value| {
                        ::std::time::Duration::try_from_secs_f64(value).map_err(|_| {
                            Failure::Usage(format!("--{} expects a number of seconds, got {value}", id.replace('_', "-")))
                        })
                    })
                    .transpose()
            };
            if let Some(interval) = seconds("poll_interval")? {
                options = options.interval(interval);
            }
            if let Some(timeout) = seconds("poll_timeout")? {
                options = options.timeout(timeout);
            }
            let done = client #(.#accessors())* .#method(#(#args,)* &options).await?;
            output.value(&done)
        }
    }
}

/// The function that reads a command's flags, calls its SDK method and prints.
fn command_function(krate: &str, command: &Command<'_>) -> TokenStream {
    if let Some(helper) = &command.helper {
        return helper_function(krate, command, helper);
    }
    let function = ident(&command.function);
    let operation = command.operation;
    let mut steps = Vec::new();
    let mut args = Vec::new();
    for flag in command
        .flags
        .iter()
        .filter(|f| f.param.location == ParamLocation::Path)
    {
        let id = &flag.id;
        let var = format_ident!("path_{}", names::bare(&flag.param.rust_name));
        let ty = retarget(&type_tokens(&flag.param.ty), krate);
        steps.push(quote! { let #var: #ty = input.required(#id)?; });
        args.push(match flag.param.ty {
            TypeRef::String => quote! { &#var },
            _ => quote! { #var },
        });
    }
    if let Some(params) = &operation.params {
        steps.push(params_value(
            krate,
            &command.flags,
            params,
            &ident("params"),
        ));
        args.push(quote! { params });
    }
    let accessors = command.accessors.iter().map(|a| ident(a));
    let method = ident(&operation.method_name);
    let call = quote! { input.apply(client #(.#accessors())* .#method(#(#args),*)) };
    let print = match (&operation.response, &operation.pagination) {
        (ResponseBody::Empty, _) => quote! { output.empty(#call).await },
        (ResponseBody::Json(_), Some(_)) => quote! { output.page(#call).await },
        (ResponseBody::Json(_) | ResponseBody::ByStatus(_), _) => {
            quote! { output.json(#call).await }
        }
        (ResponseBody::EventStream(_), _) => quote! { output.events(#call).await },
        (ResponseBody::Bytes, _) => quote! { output.bytes(#call).await },
        (ResponseBody::Text, _) => quote! { output.text(#call).await },
    };
    let doc = format!(" `{} {}`", operation.http_method, operation.path_template);
    quote! {
        #[doc = #doc]
        async fn #function(
            client: &crate::sdk::Client,
            input: &Input,
            output: &Output,
        ) -> Result<(), Failure> {
            #(#steps)*
            #print
        }
    }
}

/// The statements that build a params value named `var` from the command's input.
fn params_value(
    krate: &str,
    flags: &[Flag<'_>],
    params: &ParamsType,
    var: &proc_macro2::Ident,
) -> TokenStream {
    let sdk = ident(krate);
    let ty = ident(&params.name);
    // By name, not by address: a job helper's flags fill two params types.
    let by_field = |field: &Param| {
        flags
            .iter()
            .find(|f| f.param.rust_name == field.rust_name && f.param.location == field.location)
    };
    let required: Vec<&Param> = params
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .collect();
    let constructor = if required.is_empty() {
        quote! { #sdk::types::#ty::default() }
    } else {
        let values = required.iter().map(|field| match by_field(field) {
            Some(flag) => {
                let id = &flag.id;
                match getter(flag, krate) {
                    Getter::Typed(ty) => quote! { input.required::<#ty>(#id)? },
                    Getter::Special(call) => quote! { input.need(#id, #call?)? },
                }
            }
            None => quote! { Default::default() },
        });
        quote! { #sdk::types::#ty::new(#(#values),*) }
    };
    let sets: Vec<TokenStream> = params
        .fields
        .iter()
        .filter(|f| f.presence != Presence::Required)
        .filter_map(|field| {
            let flag = by_field(field)?;
            let id = &flag.id;
            let name = ident(&field.rust_name);
            Some(match (getter(flag, krate), field.presence) {
                (Getter::Typed(ty), Presence::OptionalNullable) => quote! {
                    if let Some(value) = input.nullable::<#ty>(#id)? {
                        #var.#name = value;
                    }
                },
                (Getter::Typed(ty), _) => quote! {
                    if let Some(value) = input.optional::<#ty>(#id)? {
                        #var.#name = Some(value);
                    }
                },
                (Getter::Special(call), Presence::OptionalNullable) => quote! {
                    if let Some(value) = #call? {
                        #var.#name = #sdk::Nullable::Value(value);
                    }
                },
                (Getter::Special(call), _) => quote! {
                    if let Some(value) = #call? {
                        #var.#name = Some(value);
                    }
                },
            })
        })
        .collect();
    let mutable = if sets.is_empty() {
        quote! {}
    } else {
        quote! { mut }
    };
    quote! {
        let #mutable #var = #constructor;
        #(#sets)*
    }
}

/// How a flag's value is read.
enum Getter {
    /// Decoded from JSON into this type.
    Typed(TokenStream),
    /// Read by a runtime call returning `Result<Option<_>, Failure>` (files, raw bodies).
    Special(TokenStream),
}

fn getter(flag: &Flag<'_>, krate: &str) -> Getter {
    let id = &flag.id;
    match (&flag.param.ty, flag.kind) {
        (TypeRef::File, _) => Getter::Special(quote! { input.file(#id) }),
        (ty, _) if is_file_list(ty) => Getter::Special(quote! { input.files(#id) }),
        (TypeRef::Bytes, _) => Getter::Special(quote! { input.bytes(#id) }),
        (TypeRef::String, "Raw") => Getter::Special(quote! { input.text(#id) }),
        (ty, _) => Getter::Typed(retarget(&type_tokens(ty), krate)),
    }
}

#[cfg(test)]
mod tests {
    use super::singular;

    #[test]
    fn list_flags_name_one_item() {
        assert_eq!(singular("index-ids"), "index-id");
        assert_eq!(singular("statuses"), "status");
        assert_eq!(singular("categories"), "category");
        assert_eq!(singular("tags"), "tag");
        assert_eq!(singular("boxes"), "box");
        assert_eq!(singular("status"), "status");
        assert_eq!(singular("ids"), "id");
        assert_eq!(singular("expand"), "expand");
    }
}
