//! Emits the blocking client's resource handles (`src/blocking/api/`).
//!
//! Input: the model's resource tree.
//! Output: tokens for `src/blocking/api/mod.rs` (the client's own accessors and
//! methods) and for one file per resource, mirroring `src/resources/` file for file,
//! whose methods take the same arguments as the async ones and return their results
//! directly: each runs the async method on the blocking client's runtime.

use proc_macro2::TokenStream;
use quote::quote;

use super::resources::{argument_names, job_signatures, response_type, signature_args};
use super::tokens::{doc_attrs, ident, type_tokens};
use crate::ir::{Operation, Resource, Returns};

/// The tokens of `src/blocking/api/mod.rs`.
#[must_use]
pub fn blocking_api(root: &Resource, features: &crate::ir::Features) -> TokenStream {
    let gate = |child: &Resource| super::tokens::resource_gate(features, &child.module);
    let accessors = root
        .children
        .iter()
        .zip(accessors(root, &[]))
        .map(|(child, accessor)| {
            let gate = gate(child);
            quote! { #gate #accessor }
        });
    let methods = root
        .operations
        .iter()
        .map(|operation| method(operation, &[]));
    let children = root.children.iter().map(|child| {
        let gate = gate(child);
        let module = ident(&child.module);
        quote! { #gate pub mod #module; }
    });
    quote! {
        impl super::Client {
            #(#accessors)*
            #(#methods)*
        }
        #(#children)*
    }
}

/// The tokens of a resource's file under `src/blocking/api/` (where its async
/// module is under `src/resources/`); `chain` runs from the root's first child down
/// to it.
#[must_use]
pub fn blocking_resource(resource: &Resource, chain: &[&Resource]) -> TokenStream {
    let module_doc = format!(" Blocking handles under `{}`.", resource.path);
    let items = node_items(resource, chain);
    quote! {
        #![doc = #module_doc]
        #items
    }
}

/// A resource's handle, its methods and its children's modules.
fn node_items(resource: &Resource, chain: &[&Resource]) -> TokenStream {
    let type_name = ident(&resource.type_name);
    let doc = doc_attrs(&resource.doc);
    let accessors = accessors(resource, chain);
    let methods = resource
        .operations
        .iter()
        .map(|operation| method(operation, chain));
    let jobs = resource
        .jobs
        .iter()
        .flat_map(|job| job_signatures(resource, job));
    let path = chain.iter().map(|r| ident(&r.accessor)).collect::<Vec<_>>();
    let job_methods = jobs.map(|signature| {
        let (name, args, arg_names, answer) = (
            &signature.name,
            &signature.args,
            &signature.arg_names,
            &signature.answer,
        );
        let doc = " Blocking form of the async method of the same name: it waits for the job on this client's runtime.";
        quote! {
            #[doc = #doc]
            pub fn #name(&self, #args) -> Result<#answer, crate::Error> {
                self.client.wait(self.client.async_client() #(.#path())* .#name(#(#arg_names),*))
            }
        }
    });
    let children = resource.children.iter().map(|child| {
        let module = ident(&child.module);
        quote! { pub mod #module; }
    });
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub struct #type_name {
            pub(crate) client: crate::blocking::Client,
        }

        impl #type_name {
            #(#accessors)*
            #(#methods)*
            #(#job_methods)*
        }

        #(#children)*
    }
}

fn accessors(resource: &Resource, chain: &[&Resource]) -> Vec<TokenStream> {
    let client = if chain.is_empty() {
        quote! { self.clone() }
    } else {
        quote! { self.client.clone() }
    };
    resource
        .children
        .iter()
        .map(|child| {
            let accessor = ident(&child.accessor);
            let module = ident(&child.module);
            let type_name = ident(&child.type_name);
            let doc = doc_attrs(&child.doc);
            quote! {
                #doc
                #[must_use]
                pub fn #accessor(&self) -> self::#module::#type_name {
                    self::#module::#type_name { client: #client }
                }
            }
        })
        .collect()
}

fn method(operation: &Operation, chain: &[&Resource]) -> TokenStream {
    let name = ident(&operation.method_name);
    // The async method carries the full docs and example; this one points to it.
    let summary = operation.doc.split("\n\n").next().unwrap_or_default();
    let doc = doc_attrs(&format!(
        "{summary}\n\nBlocking form of the async method of the same name: it waits for the result."
    ));
    let args = signature_args(operation);
    let arg_names = argument_names(operation);
    let client = if chain.is_empty() {
        quote! { self }
    } else {
        quote! { self.client }
    };
    let path = chain.iter().map(|resource| ident(&resource.accessor));
    let call = quote! { #client.async_client() #(.#path())* .#name(#(#arg_names),*) };
    let (return_ty, body) = match operation.returns() {
        Returns::Page(pagination) => {
            let item = type_tokens(&pagination.item);
            (
                quote! { crate::blocking::Page<#item> },
                quote! { #client.page(#call) },
            )
        }
        Returns::Events(event) => {
            let event = type_tokens(&event);
            (
                quote! { crate::blocking::Events<#event> },
                quote! { #client.events(#call) },
            )
        }
        _ => (response_type(operation), quote! { #client.send(#call) }),
    };
    // The wrapper calls the deprecated async method on purpose.
    let deprecated = if operation.deprecated {
        let note = super::resources::deprecation_note(operation);
        quote! {
            #[deprecated(note = #note)]
            #[allow(deprecated)]
        }
    } else {
        quote! {}
    };
    quote! {
        #doc
        #deprecated
        pub fn #name(&self, #(#args),*) -> Result<#return_ty, crate::Error> {
            #body
        }
    }
}
