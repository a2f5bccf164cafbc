//! Emits the resource tree: one module per resource, one method per operation.
//!
//! Input: the model's [`Resource`] tree.
//! Output: `(path, tokens)` for `src/resources/**.rs`. A resource with children is a
//! directory module (`beta/mod.rs`), a leaf is a file (`beta/chat.rs`).
//!
//! Each method only describes its request (method, path, where each parameter goes)
//! and hands it to the runtime's shared request path (`crate::runtime::request`), so the
//! per-operation code stays small and every behaviour (retries, errors, logging)
//! lives in one place.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{doc_attrs, doc_lines_verbatim, ident, type_tokens};
use crate::emit::models::find_type;
use crate::ir::{
    EnumVariant, Job, JobHelper, Meta, Operation, PageSlot, PageStyle, Pagination, ParamLocation,
    PathPart, Presence, QueryStyle, RequestBody, Resource, Returns, TypeDef, TypeKind, TypeRef,
};

/// Every resource module, as (path under `src/`, tokens).
#[must_use]
/// One resource module to emit: its file under `src/`, the resources from the root to
/// it (empty for the root), and the resource.
pub struct ResourceFile<'a> {
    /// The file under `src/` (`resources/beta/chat.rs`).
    pub path: String,
    /// The resources from the root down to this one, inclusive (empty for the root).
    pub chain: Vec<&'a Resource>,
    /// The resource.
    pub node: &'a Resource,
}

/// Every resource module of the tree, root first.
#[must_use]
pub fn resource_files(root: &Resource) -> Vec<ResourceFile<'_>> {
    let mut files = Vec::new();
    list_files(root, "resources", &[], &mut files);
    files
}

fn list_files<'a>(
    node: &'a Resource,
    dir: &str,
    chain: &[&'a Resource],
    files: &mut Vec<ResourceFile<'a>>,
) {
    let is_root = chain.is_empty() && node.path.is_empty();
    let mut chain_here: Vec<&Resource> = chain.to_vec();
    if !is_root {
        chain_here.push(node);
    }
    let path = if is_root || !node.children.is_empty() {
        format!("{dir}/mod.rs")
    } else {
        format!("{dir}.rs")
    };
    files.push(ResourceFile {
        path,
        chain: chain_here.clone(),
        node,
    });
    for child in &node.children {
        let child_dir = format!("{dir}/{}", crate::ir::bare(&child.module));
        list_files(child, &child_dir, &chain_here, files);
    }
}

/// The tokens of one resource module.
#[must_use]
pub fn resource_tokens(
    meta: &Meta,
    file: &ResourceFile<'_>,
    types: &[TypeDef],
    features: &crate::ir::Features,
) -> TokenStream {
    let node = file.node;
    let chain_here = &file.chain;
    let is_root = chain_here.is_empty();
    // A top-level resource compiles only with its feature.
    let gate = |child: &Resource| {
        if is_root {
            super::tokens::resource_gate(features, &child.module)
        } else {
            None
        }
    };
    let child_mods = node.children.iter().map(|child| {
        let module = ident(&child.module);
        let doc = doc_attrs(&child.doc);
        let gate = gate(child);
        quote! {
            #doc
            #gate
            pub mod #module;
        }
    });
    let accessors = node.children.iter().map(|child| {
        let gate = gate(child);
        let module = ident(&child.module);
        let accessor = ident(&child.accessor);
        let type_name = ident(&child.type_name);
        let doc = doc_attrs(&child.doc);
        let path = quote! { self::#module };
        let client = if is_root {
            quote! { self.clone() }
        } else {
            quote! { self.client.clone() }
        };
        quote! {
            #doc
            #gate
            #[must_use]
            pub fn #accessor(&self) -> #path::#type_name {
                #path::#type_name::new(#client)
            }
        }
    });
    let methods: Vec<TokenStream> = node
        .operations
        .iter()
        .map(|operation| method(meta, operation, types, chain_here, is_root))
        .chain(
            node.jobs
                .iter()
                .map(|job| job_methods(meta, chain_here, node, job, types)),
        )
        .collect();
    if is_root {
        quote! {
            #(#child_mods)*

            impl crate::Client {
                #(#accessors)*
                #(#methods)*
            }
        }
    } else {
        let type_name = ident(&node.type_name);
        let doc = doc_attrs(&node.doc);
        let reach = format!(" Reached with `{}`.", node.reach);
        quote! {
            #(#child_mods)*

            #doc
            #[doc = ""]
            #[doc = #reach]
            #[derive(Debug, Clone)]
            pub struct #type_name {
                client: crate::Client,
            }

            impl #type_name {
                pub(crate) fn new(client: crate::Client) -> Self {
                    Self { client }
                }

                #(#accessors)*
                #(#methods)*
            }
        }
    }
}

fn method(
    meta: &Meta,
    operation: &Operation,
    types: &[TypeDef],
    chain: &[&Resource],
    is_root: bool,
) -> TokenStream {
    let name = ident(&operation.method_name);
    let mut doc = doc_attrs(&operation.doc);
    if let Some(example) = example(meta, operation, types, chain) {
        // The example is ours, not spec text: it must stay a doctest, so it is not sanitized.
        let text = format!("\n# Example\n\n```no_run\n{example}```");
        doc.extend(doc_lines_verbatim(&text));
    }
    let deprecated = if operation.deprecated {
        let note = deprecation_note(operation);
        quote! { #[deprecated(note = #note)] }
    } else {
        quote! {}
    };
    let http_method = ident(&operation.http_method);
    let operation_name = &operation.log_name;

    let args = signature_args(operation);

    let path_steps = operation.path.iter().map(|part| match part {
        PathPart::Literal(text) => quote! { request.path(#text); },
        PathPart::Param(rust_name) => {
            let arg = ident(rust_name);
            let wire = operation
                .path_params
                .iter()
                .find(|param| &param.rust_name == rust_name)
                .map_or_else(
                    || crate::ir::bare(rust_name).to_owned(),
                    |param| param.wire_name.clone(),
                );
            quote! { request.path_param(#wire, &#arg); }
        }
    });
    let param_steps = operation
        .params
        .iter()
        .flat_map(|params| &params.fields)
        .filter_map(|field| {
            let field_name = ident(&field.rust_name);
            let wire = &field.wire_name;
            match field.location {
                ParamLocation::Query => Some(match field.style {
                    QueryStyle::FormExploded | QueryStyle::DeepObject => {
                        quote! { request.query(#wire, &params.#field_name); }
                    }
                    style => {
                        let style = ident(match style {
                            QueryStyle::Form => "Form",
                            QueryStyle::SpaceDelimited => "SpaceDelimited",
                            QueryStyle::PipeDelimited => "PipeDelimited",
                            _ => "FormObject",
                        });
                        quote! {
                            request.query_styled(#wire, &params.#field_name, crate::runtime::request::QueryStyle::#style);
                        }
                    }
                }),
                ParamLocation::Header => {
                    Some(quote! { request.header(#wire, &params.#field_name); })
                }
                ParamLocation::Cookie => {
                    Some(quote! { request.cookie(#wire, &params.#field_name); })
                }
                ParamLocation::Path | ParamLocation::Body => None,
            }
        });
    let fixed_query = operation
        .fixed_query
        .iter()
        .map(|(name, value)| quote! { request.query(#name, #value); });
    let body_step = body_step(operation);
    let return_ty = response_type(operation);
    let mut paginate = quote! {};
    let constructor = match operation.returns() {
        Returns::Empty => quote! { crate::Call::empty },
        Returns::Page(pagination) => {
            let style = page_style(pagination);
            paginate = quote! { request.paginate(#style); };
            quote! { crate::Call::page }
        }
        Returns::Json(_) => quote! { crate::Call::json },
        Returns::Events(_) => quote! { crate::Call::events },
        Returns::Bytes => quote! { crate::Call::bytes },
        Returns::ByStatus(_) => quote! { crate::Call::by_status },
        Returns::Text => quote! { crate::Call::text },
    };
    let client = if is_root {
        quote! { self.clone() }
    } else {
        quote! { self.client.clone() }
    };
    let accept = operation
        .accept
        .as_ref()
        .map(|media_types| quote! { request.accept(#media_types); });
    let auth = operation.auth.as_ref().map(|kinds| {
        let kinds = kinds.iter().map(super::auth_scheme_tokens);
        quote! { request.auth(&[#(#kinds),*]); }
    });
    let no_auth = if operation.no_auth {
        quote! { request.no_auth(); }
    } else {
        quote! {}
    };
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#args),*) -> crate::Call<#return_ty> {
            let mut request = crate::runtime::request::RequestSpec::new(::reqwest::Method::#http_method, #operation_name);
            #(#path_steps)*
            #(#fixed_query)*
            #(#param_steps)*
            #body_step
            #paginate
            #accept
            #auth
            #no_auth
            #constructor(#client, request)
        }
    }
}

/// How the method puts its body on the request.
fn body_step(operation: &Operation) -> TokenStream {
    let body_fields = || {
        operation
            .params
            .iter()
            .flat_map(|params| &params.fields)
            .filter(|field| field.location == ParamLocation::Body)
    };
    let raw = |field: &str, content_type: &str, method: TokenStream| {
        let optional =
            body_fields().any(|f| f.rust_name == field && f.presence != Presence::Required);
        let field = ident(field);
        if optional {
            quote! {
                if let Some(body) = &params.#field {
                    request.#method(body.clone(), #content_type);
                }
            }
        } else {
            quote! { request.#method(params.#field.clone(), #content_type); }
        }
    };
    match &operation.body {
        Some(RequestBody::JsonFields { .. }) => quote! { request.json(&params); },
        Some(RequestBody::JsonValue { field }) => {
            let field = ident(field);
            quote! { request.json(&params.#field); }
        }
        // A form without fields (Stripe's `DELETE` bodies) sends no body at all.
        Some(RequestBody::Form | RequestBody::Multipart) if body_fields().next().is_none() => {
            quote! {}
        }
        Some(RequestBody::Form) => quote! { request.form(&params); },
        Some(RequestBody::Multipart) => {
            let parts = body_fields().map(|field| {
                let field_name = ident(&field.rust_name);
                let wire = &field.wire_name;
                if field.ty.contains_file() {
                    quote! { form.file(#wire, &params.#field_name); }
                } else {
                    quote! { form.text(#wire, &params.#field_name); }
                }
            });
            quote! {
                let mut form = crate::runtime::request::Multipart::default();
                #(#parts)*
                request.multipart(form);
            }
        }
        Some(RequestBody::Binary {
            field,
            content_type,
        }) => raw(field, content_type, quote! { bytes_body }),
        Some(RequestBody::Text {
            field,
            content_type,
        }) => raw(field, content_type, quote! { text_body }),
        None => quote! {},
    }
}

/// The method's arguments: path parameters in path order, then the params type.
pub(crate) fn signature_args(operation: &Operation) -> Vec<TokenStream> {
    let path_args = operation.path_params.iter().map(|param| {
        let arg = ident(&param.rust_name);
        let ty = match &param.ty {
            TypeRef::String => quote! { &str },
            other => type_tokens(other),
        };
        quote! { #arg: #ty }
    });
    let params_arg = operation.params.as_ref().map(|params| {
        let ty = ident(&params.name);
        quote! { params: crate::types::#ty }
    });
    path_args.chain(params_arg).collect()
}

/// The names of the method's arguments, to pass them on.
pub(crate) fn argument_names(operation: &Operation) -> Vec<proc_macro2::Ident> {
    let mut names: Vec<_> = operation
        .path_params
        .iter()
        .map(|param| ident(&param.rust_name))
        .collect();
    if operation.params.is_some() {
        names.push(ident("params"));
    }
    names
}

/// A job's `wait_for_completion` and its one-call helpers.
fn job_methods(
    meta: &Meta,
    chain: &[&Resource],
    node: &Resource,
    job: &Job,
    types: &[TypeDef],
) -> TokenStream {
    let find = |name: &str| node.operations.iter().find(|op| op.method_name == name);
    // Lowering checked that these methods exist.
    let Some(status) = find(&job.status_method) else {
        return quote! {};
    };
    let result = job
        .result_method
        .as_deref()
        .and_then(find)
        .unwrap_or(status);
    let params_of = |op: &Operation, name: &str| match &op.params {
        Some(params) => {
            let (arg, ty) = (ident(name), ident(&params.name));
            (quote! { #arg: crate::types::#ty, }, quote! { #arg })
        }
        None => (quote! {}, quote! {}),
    };
    let (wait, status_fn, id) = (
        ident(&job.wait_method),
        ident(&job.status_method),
        ident(&job.id_param),
    );
    let (status_arg, status_pass) = params_of(status, "params");
    let status_answer = response_type(status);
    let (field, success, failure, error) = (
        &job.status_field,
        &job.success,
        &job.failure,
        &job.error_field,
    );
    let quoted = |values: &[String]| values.join("`, `");
    let wait_doc = doc_attrs(&format!(
        "Waits for a job to end, polling [`Self::{}`] as `options` say (by default every 1 s, then up to every 5 s, for at most 2 hours).\n\nReturns the answer whose `{}` is `{}`. A status of `{}` is [`crate::Error::JobFailed`], with the job's own message; no end within `options.timeout` is [`crate::Error::JobTimeout`]. Dropping the future stops the polling.",
        job.status_method,
        field.join("."),
        quoted(success),
        quoted(failure),
    ));
    let mut wait_doc = wait_doc;
    // The example is ours: the status method's call, waiting instead.
    if let Some(waiting) = wait_call_expression(meta, chain, status, job, types) {
        let text = format!(
            "\n# Example\n\n```no_run\n# async fn example() -> Result<(), {krate}::Error> {{\nlet client = {krate}::{client}::from_env()?;\nlet options = {krate}::PollOptions::default();\nlet done = {waiting}.await?;\nprintln!(\"{{done:?}}\");\n# Ok(())\n# }}\n```",
            krate = meta.crate_ident,
            client = meta.client_name,
        );
        wait_doc.extend(doc_lines_verbatim(&text));
    }
    let poll_call = if status.params.is_some() {
        quote! { self.#status_fn(#id, #status_pass.clone()) }
    } else {
        quote! { self.#status_fn(#id) }
    };
    let wait_method = quote! {
        #wait_doc
        pub async fn #wait(
            &self,
            #id: &str,
            #status_arg
            options: &crate::PollOptions,
        ) -> Result<#status_answer, crate::Error> {
            let job = crate::runtime::poll::JobStatus {
                field: &[#(#field),*],
                success: &[#(#success),*],
                failure: &[#(#failure),*],
                error: &[#(#error),*],
            };
            crate::runtime::poll::wait(
                || ::std::future::IntoFuture::into_future(#poll_call),
                job,
                options,
            )
            .await
        }
    };
    let helpers = job.helpers.iter().map(|helper| {
        let name = ident(&helper.name);
        let start_fn = ident(&helper.start_method);
        let Some(start) = find(&helper.start_method) else {
            return quote! {};
        };
        let (start_arg, start_pass) = params_of(start, "params");
        let (result_arg, result_pass) = params_of(result, "result");
        let answer = response_type(result);
        let access = helper.id_access.iter().map(|field| ident(field));
        let mut doc = doc_attrs(&helper.doc);
        if let Some(call) = helper_call_expression(meta, chain, start, result, helper, types) {
            let text = format!(
                "\n# Example\n\n```no_run\n# async fn example() -> Result<(), {krate}::Error> {{\nlet client = {krate}::{client}::from_env()?;\nlet options = {krate}::PollOptions::default();\nlet done = {call}.await?;\nprintln!(\"{{done:?}}\");\n# Ok(())\n# }}\n```",
                krate = meta.crate_ident,
                client = meta.client_name,
            );
            doc.extend(doc_lines_verbatim(&text));
        }
        let finish = match &job.result_method {
            Some(result_method) => {
                let result_fn = ident(result_method);
                let defaults = status
                    .params
                    .as_ref()
                    .map(|_| quote! { ::core::default::Default::default(), });
                quote! {
                    self.#wait(&id, #defaults options).await?;
                    self.#result_fn(&id, #result_pass).await
                }
            }
            None => quote! { self.#wait(&id, #result_pass, options).await },
        };
        let finish = if job.result_method.is_none() && status.params.is_none() {
            quote! { self.#wait(&id, options).await }
        } else {
            finish
        };
        quote! {
            #doc
            pub async fn #name(
                &self,
                #start_arg
                #result_arg
                options: &crate::PollOptions,
            ) -> Result<#answer, crate::Error> {
                let job = self.#start_fn(#start_pass).await?;
                let id = job #(.#access)*.clone();
                #finish
            }
        }
    });
    quote! {
        #wait_method
        #(#helpers)*
    }
}

/// One method of a job (`wait_for_completion` or a helper), as its signature:
/// name, arguments after `&self`, the names they are passed on by, and the success
/// type. The blocking client wraps these.
pub(crate) struct JobSignature {
    /// The method's name.
    pub name: proc_macro2::Ident,
    /// Its arguments, each with a trailing comma.
    pub args: TokenStream,
    /// The arguments' names, in order.
    pub arg_names: Vec<proc_macro2::Ident>,
    /// What it returns on success.
    pub answer: TokenStream,
}

/// The signatures of a job's methods: `wait_for_completion`, then its helpers.
pub(crate) fn job_signatures(node: &Resource, job: &Job) -> Vec<JobSignature> {
    let find = |name: &str| node.operations.iter().find(|op| op.method_name == name);
    let Some(status) = find(&job.status_method) else {
        return Vec::new();
    };
    let result = job
        .result_method
        .as_deref()
        .and_then(find)
        .unwrap_or(status);
    let params_of = |op: &Operation, name: &str| {
        op.params.as_ref().map(|params| {
            let (arg, ty) = (ident(name), ident(&params.name));
            (quote! { #arg: crate::types::#ty, }, arg)
        })
    };
    let options = ident("options");
    let id = ident(&job.id_param);
    let mut out = Vec::new();
    let mut args = quote! { #id: &str, };
    let mut arg_names = vec![id];
    if let Some((arg, name)) = params_of(status, "params") {
        args.extend(arg);
        arg_names.push(name);
    }
    args.extend(quote! { options: &crate::PollOptions, });
    arg_names.push(options.clone());
    out.push(JobSignature {
        name: ident(&job.wait_method),
        args,
        arg_names,
        answer: response_type(status),
    });
    for helper in &job.helpers {
        let Some(start) = find(&helper.start_method) else {
            continue;
        };
        let mut args = TokenStream::new();
        let mut arg_names = Vec::new();
        for (arg, name) in [params_of(start, "params"), params_of(result, "result")]
            .into_iter()
            .flatten()
        {
            args.extend(arg);
            arg_names.push(name);
        }
        args.extend(quote! { options: &crate::PollOptions, });
        arg_names.push(options.clone());
        out.push(JobSignature {
            name: ident(&helper.name),
            args,
            arg_names,
            answer: response_type(result),
        });
    }
    out
}

/// A compiling call of a job's `wait_for_completion` (with `options` in scope): the
/// status method's example call, waiting instead.
pub(crate) fn wait_call_expression(
    meta: &Meta,
    chain: &[&Resource],
    status: &Operation,
    job: &Job,
    types: &[TypeDef],
) -> Option<String> {
    let call = call_expression(meta, status, chain, types)?;
    let (head, args) = call.rsplit_once(&format!(".{}(", job.status_method))?;
    let args = args.strip_suffix(')')?;
    Some(format!("{head}.{}({args}, &options)", job.wait_method))
}

/// A compiling call of a job helper (with `options` in scope): the start method's
/// example call under the helper's name, with default result parameters.
fn helper_call_expression(
    meta: &Meta,
    chain: &[&Resource],
    start: &Operation,
    result: &Operation,
    helper: &JobHelper,
    types: &[TypeDef],
) -> Option<String> {
    let call = call_expression(meta, start, chain, types)?;
    let (head, args) = call.rsplit_once(&format!(".{}(", helper.start_method))?;
    let mut args: Vec<String> = vec![args.strip_suffix(')')?.to_owned()];
    args.retain(|arg| !arg.is_empty());
    if let Some(params) = &result.params {
        if params
            .fields
            .iter()
            .any(|f| f.presence == Presence::Required)
        {
            return None;
        }
        args.push(format!(
            "{}::types::{}::default()",
            meta.crate_ident,
            crate::ir::bare(&params.name)
        ));
    }
    args.push("&options".to_owned());
    Some(format!("{head}.{}({})", helper.name, args.join(", ")))
}

/// The `#[deprecated]` note of a method: the successor's call, when known.
pub(crate) fn deprecation_note(operation: &Operation) -> String {
    match &operation.successor {
        Some(successor) => {
            format!("The API marks this operation as deprecated; use `{successor}` instead.")
        }
        None => "The API marks this operation as deprecated.".to_owned(),
    }
}

/// The runtime's `PageStyle` value for a paginated method.
fn page_style(pagination: &Pagination) -> TokenStream {
    let text = |value: Option<&String>| match value {
        Some(text) => quote! { Some(#text) },
        None => quote! { None },
    };
    let slot = |slot: &PageSlot| {
        let (name, in_body) = (&slot.name, slot.in_body);
        quote! { crate::runtime::page::Slot { name: #name, in_body: #in_body } }
    };
    let maybe_slot = |value: Option<&PageSlot>| match value {
        Some(value) => {
            let value = slot(value);
            quote! { Some(#value) }
        }
        None => quote! { None },
    };
    let next = match &pagination.style {
        PageStyle::Cursor { field, param } => {
            let param = slot(param);
            quote! { crate::runtime::page::PageNext::Cursor { field: #field, param: #param } }
        }
        PageStyle::Offset {
            offset,
            limit,
            total,
        } => {
            let (offset, limit, total) = (
                slot(offset),
                maybe_slot(limit.as_ref()),
                text(total.as_ref()),
            );
            quote! { crate::runtime::page::PageNext::Offset { offset: #offset, limit: #limit, total: #total } }
        }
        PageStyle::PageNumber {
            page,
            size,
            total_pages,
        } => {
            let (page, size, total_pages) = (
                slot(page),
                maybe_slot(size.as_ref()),
                text(total_pages.as_ref()),
            );
            quote! {
                crate::runtime::page::PageNext::PageNumber { page: #page, size: #size, total_pages: #total_pages }
            }
        }
        PageStyle::LinkHeader => quote! { crate::runtime::page::PageNext::LinkHeader },
        PageStyle::NextUrl { field } => {
            quote! { crate::runtime::page::PageNext::NextUrl { field: #field } }
        }
    };
    let items = text(pagination.items_field.as_ref());
    quote! { crate::runtime::page::PageStyle { items: #items, next: #next } }
}

/// The method's success type as the async method returns it.
pub(crate) fn response_type(operation: &Operation) -> TokenStream {
    match operation.returns() {
        Returns::Empty => quote! { () },
        Returns::Page(pagination) => {
            let item = type_tokens(&pagination.item);
            quote! { crate::Page<#item> }
        }
        Returns::Json(ty) => type_tokens(&ty),
        Returns::ByStatus(ty) => type_tokens(ty),
        Returns::Bytes => quote! { ::bytes::Bytes },
        Returns::Text => quote! { String },
        Returns::Events(event) => {
            let event = type_tokens(&event);
            quote! { crate::EventStream<#event> }
        }
    }
}

/// The expression that calls a method with its required inputs set from the model's
/// example values (`client.beta().chat().create(...)`), when each has a plain Rust
/// form; `None` otherwise. String values are written with Rust's own escaping, so
/// spec text stays inside its literal.
pub(crate) fn call_expression(
    meta: &Meta,
    operation: &Operation,
    chain: &[&Resource],
    types: &[TypeDef],
) -> Option<String> {
    let crate_ident = &meta.crate_ident;
    // A derived placeholder ("string") says less than the parameter's own name.
    let text = |example: &serde_json::Value, fallback: &str| match example {
        serde_json::Value::String(text) if text != "string" => format!("{text:?}"),
        _ => format!("{fallback:?}"),
    };
    let mut args = Vec::new();
    for param in &operation.path_params {
        match &param.ty {
            TypeRef::String => args.push(text(&param.example, crate::ir::bare(&param.rust_name))),
            TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => args.push(
                param
                    .example
                    .as_i64()
                    .map_or_else(|| "1".to_owned(), |n| n.to_string()),
            ),
            // A path parameter of a string enum is passed as the enum itself.
            TypeRef::Named(name) => {
                let Some(TypeKind::StringEnum(variants)) =
                    find_type(types, name).map(|def| &def.kind)
                else {
                    return None;
                };
                let value = enum_value(variants, &param.example)?;
                args.push(format!("{crate_ident}::types::{name}::from({value:?})"));
            }
            _ => return None,
        }
    }
    if let Some(params) = &operation.params {
        let required: Vec<_> = params
            .fields
            .iter()
            .filter(|f| f.presence == Presence::Required)
            .collect();
        let mut values = Vec::new();
        for field in &required {
            values.push(match &field.ty {
                TypeRef::String => text(&field.example, &field.wire_name),
                TypeRef::Vec(inner) if **inner == TypeRef::String => {
                    let items: Vec<String> = match &field.example {
                        serde_json::Value::Array(items)
                            if items.iter().all(serde_json::Value::is_string)
                                && !items.is_empty() =>
                        {
                            items.iter().take(2).map(|item| text(item, "")).collect()
                        }
                        _ => vec![format!("{:?}", field.wire_name)],
                    };
                    let mut items = items;
                    items.dedup();
                    format!("[{}]", items.join(", "))
                }
                TypeRef::Bool => "true".to_owned(),
                TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => field
                    .example
                    .as_i64()
                    .map_or_else(|| "1".to_owned(), |n| n.to_string()),
                TypeRef::File => {
                    format!("{crate_ident}::FileUpload::from_path(\"report.pdf\").await?")
                }
                TypeRef::Bytes => "b\"file content\".to_vec()".to_owned(),
                // Nested values are built as a user builds them: `new(..)` with
                // their required fields, from the spec's example where it has one.
                other => value_expression(other, &field.example, types, crate_ident, 0)?,
            });
        }
        let ty = crate::ir::bare(&params.name);
        if required.is_empty() {
            args.push(format!("{crate_ident}::types::{ty}::default()"));
        } else {
            args.push(format!(
                "{crate_ident}::types::{ty}::new({})",
                values.join(", ")
            ));
        }
    }
    // Code, so the names as Rust spells them (`r#mod`), not bare.
    let accessors: String = chain
        .iter()
        .flat_map(|r| [".", r.accessor.as_str(), "()"])
        .collect();
    Some(format!(
        "client{accessors}.{}({})",
        operation.method_name,
        args.join(", ")
    ))
}

/// The wire value of a string enum to show: the example when it is one of the
/// values, else the first value.
fn enum_value<'v>(variants: &'v [EnumVariant], example: &'v serde_json::Value) -> Option<&'v str> {
    example
        .as_str()
        .filter(|text| variants.iter().any(|v| v.wire_value == *text))
        .or_else(|| variants.first().map(|v| v.wire_value.as_str()))
}

/// An expression of type `ty` (as a constructor argument, which takes `impl Into`
/// for named types and `impl IntoIterator` for lists of them), built from
/// `example` where it fits: `"agentic"` for an enum, `X::new(..)` for a struct with
/// its required fields, a union's first variant that can be built. `None` when no
/// obvious value exists; the depth is bounded, so recursive types end.
fn value_expression(
    ty: &TypeRef,
    example: &serde_json::Value,
    types: &[TypeDef],
    crate_ident: &str,
    depth: usize,
) -> Option<String> {
    use serde_json::Value;
    if depth > 6 {
        return None;
    }
    let nested = |ty: &TypeRef, example: &Value| {
        value_expression(ty, example, types, crate_ident, depth + 1)
    };
    Some(match ty {
        TypeRef::String => match example {
            Value::String(text) => format!("{text:?}"),
            _ => "\"string\"".to_owned(),
        },
        TypeRef::Bool => example.as_bool().unwrap_or(true).to_string(),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 => example
            .as_i64()
            .map_or_else(|| "1".to_owned(), |n| n.to_string()),
        TypeRef::Number => match example {
            Value::Number(number) if number.is_i64() => number.to_string(),
            Value::Number(number) => number
                .as_f64()
                .filter(|f| f.is_finite())
                .map_or_else(|| "1".to_owned(), |f| format!("{f:?}")),
            _ => "1".to_owned(),
        },
        TypeRef::Boxed(inner) => nested(inner, example)?,
        TypeRef::Vec(inner)
            if matches!(
                **inner,
                TypeRef::String | TypeRef::Number | TypeRef::Named(_)
            ) =>
        {
            let item = example
                .as_array()
                .and_then(|items| items.first())
                .unwrap_or(&Value::Null);
            format!("[{}]", nested(inner, item)?)
        }
        // Exactly typed arguments: a list of lists, a map, any JSON.
        TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Json | TypeRef::Option(_) => {
            "Default::default()".to_owned()
        }
        TypeRef::Named(name) => {
            let def = find_type(types, name)?;
            match &def.kind {
                // `impl Into<Alias>` is `impl Into<Target>`: an array literal does
                // not convert into a `Vec`, so a list alias is written exactly.
                TypeKind::Alias(TypeRef::Vec(inner)) if **inner == TypeRef::String => {
                    let item = example
                        .as_array()
                        .and_then(|items| items.first())
                        .unwrap_or(&Value::Null);
                    format!("vec![{}.to_owned()]", nested(inner, item)?)
                }
                // Named, so that `impl Into<..>` knows the type.
                TypeKind::Alias(
                    TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Json | TypeRef::Option(_),
                ) => {
                    format!("{crate_ident}::types::{name}::default()")
                }
                TypeKind::Alias(target) => nested(target, example)?,
                TypeKind::StringEnum(variants) => format!("{:?}", enum_value(variants, example)?),
                TypeKind::Struct(fields) => {
                    let mut values = Vec::new();
                    for field in fields.constructor_args() {
                        let value = example.get(&field.wire_name).unwrap_or(&Value::Null);
                        values.push(nested(&field.ty, value)?);
                    }
                    if values.is_empty() {
                        format!("{crate_ident}::types::{name}::default()")
                    } else {
                        format!("{crate_ident}::types::{name}::new({})", values.join(", "))
                    }
                }
                TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
                    variants.iter().find_map(|variant| {
                        let payload = nested(&variant.ty, example)?;
                        Some(format!(
                            "{crate_ident}::types::{name}::{}({payload})",
                            crate::ir::bare(&variant.constructor)
                        ))
                    })?
                }
                TypeKind::StatusUnion(_) => return None,
            }
        }
        TypeRef::File | TypeRef::Bytes => return None,
    })
}

/// A compiling usage example, when every required input has an obvious placeholder.
pub(crate) fn example(
    meta: &Meta,
    operation: &Operation,
    types: &[TypeDef],
    chain: &[&Resource],
) -> Option<String> {
    let crate_ident = &meta.crate_ident;
    let call = call_expression(meta, operation, chain, types)?;
    let variable = chain.last().map_or("response".to_owned(), |r| {
        crate::ir::bare(&r.module).to_owned()
    });
    let client_ty = &meta.client_name;
    let item_line = |ty: &TypeRef, item: &str| {
        first_required_string(ty, types).map_or_else(
            || format!("    println!(\"{{:?}}\", {item}?);\n"),
            |field| format!("    println!(\"{{}}\", {item}?.{field});\n"),
        )
    };
    let use_line = match operation.returns() {
        Returns::Empty => format!("{call}.await?;\n"),
        Returns::Page(pagination) => format!(
            "use {crate_ident}::StreamExt as _;\n// Pages are fetched as the stream is read.\nlet mut items = {call}.into_stream();\nwhile let Some(item) = items.next().await {{\n{}}}\n",
            item_line(&pagination.item, "item")
        ),
        Returns::ByStatus(_) => {
            format!("let {variable} = {call}.await?;\nprintln!(\"{{{variable}:?}}\");\n")
        }
        Returns::Bytes | Returns::Text => format!(
            "let {variable} = {call}.await?;\nprintln!(\"{{}} bytes\", {variable}.len());\n"
        ),
        Returns::Events(_) => format!(
            "use {crate_ident}::StreamExt as _;\nlet mut events = {call}.await?;\nwhile let Some(event) = events.next().await {{\n    println!(\"{{:?}}\", event?);\n}}\n"
        ),
        Returns::Json(ty) => {
            let print = first_required_string(&ty, types).map_or_else(
                || format!("println!(\"{{{variable}:?}}\");\n"),
                |field| format!("println!(\"{{}}\", {variable}.{field});\n"),
            );
            format!("let {variable} = {call}.await?;\n{print}")
        }
    };
    Some(format!(
        "# async fn example() -> Result<(), {crate_ident}::Error> {{\nlet client = {crate_ident}::{client_ty}::from_env()?;\n{use_line}# Ok(())\n# }}\n"
    ))
}

fn first_required_string(ty: &TypeRef, types: &[TypeDef]) -> Option<String> {
    let mut current = ty;
    // Bounded, so no chain of aliases can loop.
    for _ in 0..16 {
        let TypeRef::Named(name) = current else {
            return None;
        };
        let def = super::models::find_type(types, name)?;
        match &def.kind {
            TypeKind::Struct(s) => {
                return s
                    .fields
                    .iter()
                    .find(|f| f.presence == Presence::Required && f.ty == TypeRef::String)
                    .map(|f| f.rust_name.clone());
            }
            TypeKind::Alias(target) => current = target,
            _ => return None,
        }
    }
    None
}
