//! Emits the command-line tool: a crate whose binary calls every SDK method.
//!
//! Input: the model (its [`crate::ir::Cli`], decided in `lower/cli.rs`), and how
//! the tool's manifest names the SDK crate.
//! Output: [`Files`] of the tool's crate: `Cargo.toml` and `README.md` (askama
//! templates under `templates/cli/`), `src/main.rs` and `src/commands/` (tokens: the
//! tool and the dispatch in `mod.rs`, then one module per top-level resource with
//! its commands' table and functions), and `src/runtime.rs` (hand-written, copied
//! from `templates/cli/runtime.rs`).
//!
//! The commands are data (`commands::OPERATIONS`) that the runtime turns into clap
//! commands, plus one small async function per command that reads its flags into
//! the SDK's params type, calls the method and hands the `Call` to the runtime's
//! printer for its response kind. Help text is written as terminal-safe string
//! literals.

use askama::Template;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::tokens::{ident, retarget, type_tokens};
use super::{EmitError, Files, header};
use crate::ir::{
    Api, Command, CommandCall, CommandGroup, Flag, FlagRead, ParamsType, Presence, Print,
};

/// The hand-written runtime every tool carries.
pub const CLI_RUNTIME: &str = include_str!("../../../../templates/cli/runtime.rs");

/// The tool's dependencies and dev-dependencies (the SDK is added by its path),
/// from the one table of versions.
pub use super::manifest::{CLI_DEPENDENCIES, CLI_DEV_DEPENDENCIES};

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
    dev_dependencies: Vec<(String, String)>,
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
        dev_dependencies: super::manifest::dev_dependency_lines(
            CLI_DEV_DEPENDENCIES,
            &meta.cli_test_dependencies,
        ),
    }
    .render()
    .map_err(template_error("cli/Cargo.toml"))?;
    files.insert("Cargo.toml".to_owned(), manifest);

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
        example: api.cli.example.clone(),
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
    let groups = &api.cli.groups;
    files.insert(
        "src/commands/mod.rs".to_owned(),
        super::format_rust(api, "src/commands/mod.rs", &commands_root(api, groups))?,
    );
    for group in groups {
        let path = format!("src/commands/{}.rs", group.module.trim_start_matches("r#"));
        let text = super::format_rust(api, &path, &group_tokens(api, group))?;
        files.insert(path, text);
    }
    Ok(files)
}

/// `src/commands/mod.rs`: the tool, its resource commands, the groups' tables and
/// the dispatch to each group.
fn commands_root(api: &Api, groups: &[CommandGroup]) -> TokenStream {
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

    let resources = api.cli.resources.iter().map(|resource| {
        let name = &resource.name;
        let about = super::tokens::terminal_text(&resource.about);
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
fn group_tokens(api: &Api, group: &CommandGroup) -> TokenStream {
    let krate = &api.meta.crate_ident;
    let operations = group.commands.iter().map(|command| {
        let resource = &command.resource;
        let name = &command.name;
        // Help is printed to a terminal: no spec text may carry escapes to it.
        let (about, long_about) = (
            super::tokens::terminal_text(&command.about),
            super::tokens::terminal_text(&command.long_about),
        );
        let json_body = command.json_body;
        let flags = command.flags.iter().map(|flag| {
            let id = &flag.id;
            let long = &flag.long;
            let kind = format_ident!("{}", flag.kind.runtime_name());
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

/// The function of a job helper's command: reads both params values, waits for the
/// job with the default polling, prints the result.
fn helper_function(
    krate: &str,
    command: &Command,
    method: &str,
    start_params: Option<&ParamsType>,
    result_params: Option<&ParamsType>,
) -> TokenStream {
    let function = ident(&command.function);
    let sdk = ident(krate);
    let mut steps = Vec::new();
    let mut args = Vec::new();
    for (params, var) in [(start_params, "params"), (result_params, "result")] {
        if let Some(params) = params {
            let var = ident(var);
            steps.push(params_value(krate, &command.flags, params, &var));
            args.push(quote! { #var });
        }
    }
    let accessors = command.accessors.iter().map(|a| ident(a));
    let method = ident(method);
    let doc = &command.function_doc;
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
fn command_function(krate: &str, command: &Command) -> TokenStream {
    let (method, path_args, params, print) = match &command.call {
        CommandCall::JobHelper {
            method,
            start_params,
            result_params,
        } => {
            return helper_function(
                krate,
                command,
                method,
                start_params.as_ref(),
                result_params.as_ref(),
            );
        }
        CommandCall::Method {
            method,
            path_args,
            params,
            print,
        } => (method, path_args, params, print),
    };
    let function = ident(&command.function);
    let mut steps = Vec::new();
    let mut args = Vec::new();
    for arg in path_args {
        let id = &arg.flag;
        let var = ident(&arg.var);
        let ty = retarget(&type_tokens(&arg.ty), krate);
        steps.push(quote! { let #var: #ty = input.required(#id)?; });
        args.push(match arg.ty {
            crate::ir::TypeRef::String => quote! { &#var },
            _ => quote! { #var },
        });
    }
    if let Some(params) = params {
        steps.push(params_value(
            krate,
            &command.flags,
            params,
            &ident("params"),
        ));
        args.push(quote! { params });
    }
    let accessors = command.accessors.iter().map(|a| ident(a));
    let method = ident(method);
    let call = quote! { input.apply(client #(.#accessors())* .#method(#(#args),*)) };
    let print = match print {
        Print::Empty => quote! { output.empty(#call).await },
        Print::Page => quote! { output.page(#call).await },
        Print::Json => quote! { output.json(#call).await },
        Print::Events => quote! { output.events(#call).await },
        Print::Bytes => quote! { output.bytes(#call).await },
        Print::Text => quote! { output.text(#call).await },
    };
    let doc = &command.function_doc;
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
    flags: &[Flag],
    params: &ParamsType,
    var: &proc_macro2::Ident,
) -> TokenStream {
    let sdk = ident(krate);
    let ty = ident(&params.name);
    // By name, not by address: a job helper's flags fill two params types.
    let by_field = |field: &crate::ir::Param| {
        flags
            .iter()
            .find(|f| f.field == field.rust_name && f.location == field.location)
    };
    let required: Vec<&crate::ir::Param> = params
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

/// How a flag's value is read, as tokens.
enum Getter {
    /// Decoded from JSON into this type.
    Typed(TokenStream),
    /// Read by a runtime call returning `Result<Option<_>, Failure>` (files, raw bodies).
    Special(TokenStream),
}

fn getter(flag: &Flag, krate: &str) -> Getter {
    let id = &flag.id;
    match &flag.read {
        FlagRead::File => Getter::Special(quote! { input.file(#id) }),
        FlagRead::Files => Getter::Special(quote! { input.files(#id) }),
        FlagRead::Bytes => Getter::Special(quote! { input.bytes(#id) }),
        FlagRead::Text => Getter::Special(quote! { input.text(#id) }),
        FlagRead::Typed(ty) => Getter::Typed(retarget(&type_tokens(ty), krate)),
    }
}
