//! Emits the round-trip tests: decoding then encoding gives back the same JSON.
//!
//! Input: the model's [`crate::ir::RoundTrip`] (which types, which samples, which
//! function of which file, all decided by `lower/roundtrip.rs`).
//! Output: the tokens of `tests/roundtrip/main.rs` and its `part_<n>.rs` files in
//! the SDK crate.
//!
//! Each sample must decode into its type and re-serialize to exactly the same JSON
//! value, so a model that drops a `null`, invents a default or turns `3` into `3.0`
//! fails.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::tokens::{ident, retarget, type_tokens};
use crate::ir::{Api, RoundTripCheck, RoundTripTest, TypeRef};

/// How many `part_<n>.rs` files the tests take.
#[must_use]
pub fn part_count(api: &Api) -> usize {
    api.round_trip.parts.len()
}

/// The tokens of `tests/roundtrip/main.rs`: the doc, the `check` helper and the
/// parts' module declarations.
#[must_use]
pub fn main_file(api: &Api) -> TokenStream {
    let krate_ident = ident(&api.meta.crate_ident);
    let parts = (1..=part_count(api)).map(|n| ident(&format!("part_{n}")));
    quote! {
        //! Every model type decodes generated JSON and re-serializes it unchanged.

        use #krate_ident as _;

        #(mod #parts;)*

        /// Decodes each sample as `T` and checks that encoding gives it back.
        fn check<T: ::serde::de::DeserializeOwned + ::serde::Serialize>(name: &str, samples: &[&str]) {
            for sample in samples {
                let sent: ::serde_json::Value = ::serde_json::from_str(sample).expect("a sample is JSON");
                let decoded: T = ::serde_json::from_str(sample)
                    .unwrap_or_else(|error| panic!("{name} does not decode {sample}: {error}"));
                let again = ::serde_json::to_value(&decoded).expect("a model serializes");
                assert_eq!(again, sent, "{name} re-serializes {sample} differently");
            }
        }
    }
}

/// The tokens of `tests/roundtrip/part_<n>.rs` (`part` counts from 1), as pieces to
/// format one at a time: the file's head, then one per test function. A big API's
/// samples are megabytes; built as one syntax tree they took more memory than all
/// the rest of the emit stage.
#[must_use]
pub fn part_file(api: &Api, part: usize) -> Vec<TokenStream> {
    let mut pieces = vec![quote! {
        //! A share of the round-trip checks.
        #![allow(clippy::too_many_lines, reason = "one line per model type")]

        use super::check;
    }];
    let tests = api
        .round_trip
        .parts
        .get(part - 1)
        .map_or(&[][..], |part| &part.tests);
    pieces.extend(tests.iter().map(|test| test_fn(api, test)));
    pieces
}

/// One `#[test]` function; with no checks, one that calls the helper on nothing.
fn test_fn(api: &Api, test: &RoundTripTest) -> TokenStream {
    let name = ident(&test.name);
    let checks: Vec<TokenStream> = if test.checks.is_empty() {
        vec![quote! { check::<::serde_json::Value>("Value", &[]); }]
    } else {
        test.checks
            .iter()
            .map(|check| check_call(api, check))
            .collect()
    };
    quote! {
        #[test]
        fn #name() {
            #(#checks)*
        }
    }
}

/// `check::<T>("T", &[samples])` for one type.
fn check_call(api: &Api, check: &RoundTripCheck) -> TokenStream {
    let ty = retarget(
        &type_tokens(&TypeRef::Named(check.type_name.clone())),
        &api.meta.crate_ident,
    );
    let name = &check.type_name;
    let samples = check.samples().map(Literal::string);
    quote! { check::<#ty>(#name, &[#(#samples),*]); }
}
