//! Emits the conformance tests: one test per SDK method, run against a mock server.
//!
//! Input: the model (every operation, with each parameter's example value).
//! Output: the tokens of `tests/conformance.rs` in the SDK crate.
//!
//! Each test calls its method with every parameter set to its example value and sends
//! it to the server named by `CONFORMANCE_BASE_URL`, a mock built from the same spec
//! (Prism, started by `cargo xtask conformance`). The mock validates the request
//! against the spec, so a wrongly serialized path, query, header or body fails the
//! test with the mock's own list of violations; the mock's response is then decoded
//! with the SDK's types, so a model that cannot read what the spec describes fails too.
//! The tests are `#[ignore]`d: without a mock server they cannot run, and they say so
//! instead of passing.

use std::fmt::Write as _;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::tokens::{ident, retarget, type_tokens};
use super::{OperationSite, operation_sites};
use crate::ir::{Api, Param, Presence, RequestBody, Returns, SuccessAnswer, TypeRef};

/// The tokens of `tests/conformance.rs`, in pieces to be formatted one at a time:
/// the head (inner attributes and helpers), then one test per operation, each made
/// only when its turn comes. On a big spec the whole file's tokens and syntax tree
/// were the largest thing emitting held (issue 11, item 7).
pub fn conformance_pieces(api: &Api) -> impl Iterator<Item = TokenStream> + '_ {
    let sites = operation_sites(&api.root);
    let head = head(api, &sites);
    std::iter::once(head).chain(sites.into_iter().map(move |site| test(api, &site)))
}

/// The first piece of `tests/conformance.rs`: its inner attributes and helpers.
fn head(api: &Api, sites: &[OperationSite<'_>]) -> TokenStream {
    let krate = ident(&api.meta.crate_ident);
    let client = ident(&api.meta.client_name);
    let streams = sites
        .iter()
        .any(|site| matches!(site.operation.returns(), Returns::Events(_)));
    let use_stream_ext = streams.then(|| quote! { use #krate::StreamExt as _; });
    let check_request = (!sites.is_empty()).then(|| quote! {
        /// Like `check`, for a response the mock may be unable to make (an image with no
        /// example, an event stream, an operation with no response declared): the mock validates the
        /// request before it makes the response, so its "cannot produce" answer, which
        /// comes without violations, means the request was right. Anything else fails.
        fn check_request<T>(operation: &str, outcome: Result<T, #krate::Error>) -> Option<T> {
            // A redirect the spec declares: the mock answers it only for a valid
            // request, with the spec's example `Location`, which is off the mock (the
            // real service's storage) or absent.
            if let Err(#krate::Error::Api(error)) = &outcome
                && error.status.is_redirection()
                && error.headers.get("sl-violations").is_none()
            {
                eprintln!("{operation}: request valid; the mock answered the redirect the spec declares ({})", error.status);
                return None;
            }
            if let Err(#krate::Error::Api(error)) = &outcome
                && error.headers.get("sl-violations").is_none()
                && let Ok(problem) = error.body_as::<serde_json::Value>()
            {
                let kind = problem["type"].as_str().unwrap_or_default();
                let title = problem["title"].as_str().unwrap_or_default();
                // Prism's answers for a valid request whose response it cannot make: no
                // example for the media type, no serializer for it, or an object it
                // cannot write as text (an event stream).
                if kind.ends_with("#NOT_ACCEPTABLE")
                    || kind.ends_with("#NO_COMPLEX_OBJECT_TEXT")
                    || kind.ends_with("#NO_RESPONSE_RESPONSE_DEFINED")
                    || (kind.ends_with("#UNKNOWN") && title.starts_with("Cannot find serializer"))
                {
                    eprintln!("{operation}: request valid; the mock cannot make this response: {title}");
                    return None;
                }
            }
            Some(check(operation, outcome))
        }
    });
    let schema_made = sites
        .iter()
        .any(|site| asks_for_schema_made(site.operation))
        .then(|| {
            quote! {
                /// Sends the call; when the mock's usual response cannot decode (for the
                /// reason in `note`, which the model knows: the spec's own example does not
                /// fit its schema), asks the mock again for a response made from the schema,
                /// which must.
                async fn decoded_or_schema_made<T: Send + 'static>(
                    call: impl Fn() -> #krate::Call<T>,
                    note: &str,
                ) -> Result<T, #krate::Error> {
                    match call().await {
                        Err(#krate::Error::Decode { .. }) => {
                            eprintln!("{note}");
                            call().header("Prefer", "dynamic=true").await
                        }
                        other => other,
                    }
                }
            }
        });
    let check_config_body = sites.iter().any(|site| site.operation.body_from_config).then(|| quote! {
        /// Like `check`, for a body the config adds where the spec declares none (a spec
        /// gap): the mock, which knows only the spec, refuses any body ("No supported
        /// content types", its code 415), which shows the body was sent; everything
        /// else is checked as usual.
        fn check_config_body<T>(operation: &str, outcome: Result<T, #krate::Error>) {
            if let Err(#krate::Error::Api(error)) = &outcome
                && error
                    .headers
                    .get("sl-violations")
                    .is_some_and(|v| String::from_utf8_lossy(v.as_bytes()).contains("No supported content types"))
            {
                eprintln!("{operation}: the body the config adds was sent; the spec declares none, so the mock refuses it");
                return;
            }
            check(operation, outcome);
        }
    });
    quote! {
        #![allow(deprecated, reason = "deprecated operations are tested like the others")]
        #![allow(clippy::too_many_lines, reason = "one test per operation, each as long as its parameter list")]

        #use_stream_ext

        /// A client for the mock server, with a credential for every scheme the API has.
        fn client() -> #krate::#client {
            let base_url = std::env::var("CONFORMANCE_BASE_URL").expect(
                "CONFORMANCE_BASE_URL names the mock server; `cargo xtask conformance` starts one and sets it",
            );
            #krate::#client::builder()
                .api_key("conformance-key")
                .basic_auth("conformance-user", "conformance-password")
                .base_url(base_url)
                .max_retries(0)
                .build()
                .expect("a client for the mock server")
        }

        /// An example value, decoded into the type the SDK takes.
        #[allow(dead_code, reason = "a suite whose methods take only strings decodes no example")]
        fn value<T: serde::de::DeserializeOwned>(json: &str) -> T {
            serde_json::from_str(json)
                .unwrap_or_else(|error| panic!("the example {json} does not decode: {error}"))
        }

        /// Fails with the mock server's own account of what was wrong with the request.
        fn check<T>(operation: &str, outcome: Result<T, #krate::Error>) -> T {
            match outcome {
                Ok(value) => value,
                Err(#krate::Error::Api(error)) => match error.headers.get("sl-violations") {
                    Some(violations) => panic!(
                        "{operation}: the mock server rejected the request: {}",
                        String::from_utf8_lossy(violations.as_bytes())
                    ),
                    None => panic!("{operation}: {error}"),
                },
                Err(error) => panic!("{operation}: {error}"),
            }
        }

        #check_request

        #check_config_body

        #schema_made
    }
}

fn test(api: &Api, site: &OperationSite<'_>) -> TokenStream {
    let (operation, chain) = (site.operation, &site.chain);
    let krate = &api.meta.crate_ident;
    let name = ident(&site.name);
    // The method as the SDK names it (`beta.chat.create`), for failure messages.
    let dotted = operation.log_name.as_str();
    let accessors: Vec<_> = chain.iter().map(|r| ident(&r.accessor)).collect();
    let method = ident(&operation.method_name);
    let mut args: Vec<TokenStream> = operation
        .path_params
        .iter()
        .map(|param| match (&param.ty, &param.example) {
            (TypeRef::String, Value::String(text)) => quote! { #text },
            (TypeRef::String, other) => {
                let text = other.to_string();
                quote! { #text }
            }
            (ty, example) => example_value(krate, ty, example),
        })
        .collect();
    let mut setup = quote! {};
    // Prism reads repeated multipart parts as one value (it wants `name[]`), so an
    // optional list in a multipart body would fail there although the SDK sends what
    // multipart servers read; such fields are left out and named in the test's docs.
    let multipart = matches!(operation.body, Some(RequestBody::Multipart));
    let left_out = |f: &Param| {
        multipart
            && f.presence != Presence::Required
            && matches!(&f.ty, TypeRef::Vec(inner) if !inner.contains_file())
    };
    let mut skipped = Vec::new();
    if let Some(params) = &operation.params {
        let ty = retarget(&type_tokens(&TypeRef::Named(params.name.clone())), krate);
        let required: Vec<&Param> = params
            .fields
            .iter()
            .filter(|f| f.presence == Presence::Required)
            .collect();
        let constructor = if required.is_empty() {
            quote! { #ty::default() }
        } else {
            let values = required.iter().map(|f| field_value(krate, f));
            quote! { #ty::new(#(#values),*) }
        };
        let sets = params
            .fields
            .iter()
            .filter(|f| f.presence != Presence::Required)
            .filter(|f| !f.example.is_null() || f.ty.contains_file() || f.ty == TypeRef::Bytes)
            .filter(|f| {
                if left_out(f) {
                    skipped.push(format!("`{}`", f.wire_name));
                }
                !left_out(f)
            })
            .map(|f| {
                let field = ident(&f.rust_name);
                let value = field_value(krate, f);
                let wrapped = match f.presence {
                    Presence::OptionalNullable => {
                        let krate = ident(krate);
                        quote! { #krate::Nullable::Value(#value) }
                    }
                    _ => quote! { Some(#value) },
                };
                quote! { params.#field = #wrapped; }
            });
        let sets: Vec<TokenStream> = sets.collect();
        let mutable = if sets.is_empty() {
            quote! {}
        } else {
            quote! { mut }
        };
        setup = quote! {
            let #mutable params = #constructor;
            #(#sets)*
        };
        args.push(quote! { params });
    }
    let call = quote! { client() #(.#accessors())* .#method(#(#args),*).await };
    let consume = match operation.returns() {
        Returns::Events(_) => quote! {
            if let Some(mut events) = check_request(#dotted, #call) {
                while let Some(event) = events.next().await {
                    check(#dotted, event);
                }
            }
        },
        _ if operation.body_from_config => quote! { check_config_body(#dotted, #call); },
        // The spec declares only errors for this operation: the mock answers a valid
        // request with one of them (the spec's example), an invalid one with its
        // violations or its own problem document.
        _ if operation.success == SuccessAnswer::Nothing => {
            let krate = ident(krate);
            let note = format_text(&format!(
                "{dotted}: request valid; the spec declares no success response, and the mock answered with one it declares ("
            ));
            let note = format!("{note}{{}})");
            quote! {
                match #call {
                    Err(#krate::Error::Api(error))
                        if error.headers.get("sl-violations").is_none()
                            && !String::from_utf8_lossy(&error.body).contains("stoplight.io/prism/errors") =>
                    {
                        eprintln!(#note, error.status);
                    }
                    outcome => { check_request(#dotted, outcome); }
                }
            }
        }
        // The spec answers with a redirect to the real service (its example
        // `Location`), which the client follows and cannot reach from here; the mock
        // redirects only a request it found valid.
        _ if operation.success == SuccessAnswer::Redirect => {
            let krate = ident(krate);
            let off = format!(
                "{}{{error}}",
                format_text(&format!(
                    "{dotted}: request valid; the mock redirected it to the spec's example `Location`, off the mock and not reachable: "
                ))
            );
            let back = format_text(&format!(
                "{dotted}: request valid; the mock redirected it to the spec's example `Location`, a path the spec does not have"
            ));
            quote! {
                match #call {
                    Err(#krate::Error::Connection(error)) => eprintln!(#off),
                    // A relative example `Location` (Nexus's `string`) leads back to
                    // the mock, to a path the spec does not have.
                    Err(#krate::Error::Api(error))
                        if String::from_utf8_lossy(&error.body).contains("#NO_PATH_MATCHED_ERROR") =>
                    {
                        eprintln!(#back);
                    }
                    outcome => { check_request(#dotted, outcome); }
                }
            }
        }
        // The spec's own response example contradicts its schema (the model lists
        // where and how), so the mock's usual answer cannot decode; a decode failure
        // then asks the mock again for a response made from the schema, which must.
        _ if asks_for_schema_made(operation) => {
            let defects = super::tokens::one_line(&operation.response_example_defects.join("; "));
            let note = format!(
                "{dotted}: the mock's usual response is known not to fit the schema ({defects}); asking it for a response made from the schema"
            );
            let setup = std::mem::take(&mut setup);
            let call = quote! { client() #(.#accessors())* .#method(#(#args),*) };
            quote! {
                let outcome = decoded_or_schema_made(|| { #setup #call }, #note).await;
                check_request(#dotted, outcome);
            }
        }
        _ => quote! { check_request(#dotted, #call); },
    };
    let ignore =
        "needs a mock server of the spec: `cargo xtask conformance` starts Prism and runs these";
    let mut doc = format!(" `{} {}`", operation.http_method, operation.path_template);
    if !skipped.is_empty() {
        let _ = write!(
            doc,
            "\n\n Left out: {} (lists in a multipart body, which the mock reads as one value).",
            skipped.join(", ")
        );
    }
    let doc_lines = doc.lines().map(|line| quote! { #[doc = #line] });
    quote! {
        #(#doc_lines)*
        #[tokio::test]
        #[ignore = #ignore]
        async fn #name() {
            #setup
            #consume
        }
    }
}

/// Whether the operation's test retries a decode failure with a response the mock
/// makes from the schema: one whose spec example the model lists as not fitting.
fn asks_for_schema_made(operation: &crate::ir::Operation) -> bool {
    !matches!(operation.returns(), Returns::Events(_))
        && !operation.body_from_config
        && operation.success == SuccessAnswer::Response
        && !operation.response_example_defects.is_empty()
}

/// Text as a format string that prints it as it is (its braces doubled): a note
/// whose words are all known when the test is generated is one literal, not a
/// format string with literal arguments.
fn format_text(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// A parameter's example as an expression of the type its setter or constructor takes.
fn field_value(krate: &str, field: &Param) -> TokenStream {
    example_value(krate, &field.ty, &field.example)
}

fn example_value(krate: &str, ty: &TypeRef, example: &Value) -> TokenStream {
    let krate_ident = ident(krate);
    match ty {
        TypeRef::File => quote! {
            #krate_ident::FileUpload::new(&b"hello"[..]).filename("hello.txt").content_type("text/plain")
        },
        TypeRef::Vec(inner) if **inner == TypeRef::File => {
            let one = example_value(krate, inner, example);
            quote! { vec![#one] }
        }
        TypeRef::Bytes => quote! { ::bytes::Bytes::from_static(b"hello") },
        // Files inside other shapes (a map of files) cannot come from JSON: send none.
        _ if ty.contains_file() => quote! { Default::default() },
        TypeRef::String if example.is_string() => {
            let text = example.as_str().unwrap_or_default();
            quote! { #text.to_owned() }
        }
        _ => {
            let ty = retarget(&type_tokens(ty), krate);
            let json = Literal::string(&example.to_string());
            quote! { value::<#ty>(#json) }
        }
    }
}
