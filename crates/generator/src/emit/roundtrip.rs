//! Emits the round-trip tests: decoding then encoding gives back the same JSON.
//!
//! Input: the model's named types.
//! Output: the tokens of `tests/roundtrip/main.rs` and its `part_<n>.rs` files in
//! the SDK crate.
//!
//! For every model type the test holds a few JSON values generated from the type's
//! shape with a fixed seed (so the file is deterministic): optional fields left out
//! or set, nullable ones `null`, integers past 2^53, numbers as integers and as
//! floats (`2.0`, `-0.0`), enum values the SDK does not list and properties the spec
//! does not declare. Each must decode into the type and re-serialize to exactly the
//! same JSON value, so a model that drops a `null`, invents a default or turns `3`
//! into `3.0` fails.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::{Map, Value};

use super::models::find_type;
use super::tokens::{ident, retarget, type_tokens};
use crate::ir::{Api, ExtraFields, Presence, TypeDef, TypeKind, TypeRef};

/// Values generated per type.
const SAMPLES: usize = 3;
/// How deep a generated value nests before optional parts are left out.
const MAX_DEPTH: usize = 4;

/// Model types checked by one test function.
const TYPES_PER_TEST: usize = 64;
/// Test functions per file: a check is at most ten formatted lines (the call, the
/// name and [`SAMPLES`] samples), so a file stays under 2,700 lines.
const TESTS_PER_FILE: usize = 4;

/// The types the tests check: every model type but the status unions, which are
/// decoded by status, not from JSON alone.
fn checked(api: &Api) -> Vec<&TypeDef> {
    api.types
        .iter()
        .filter(|def| !matches!(def.kind, TypeKind::StatusUnion(_)))
        .collect()
}

/// How many `part_<n>.rs` files the tests take.
#[must_use]
pub fn part_count(api: &Api) -> usize {
    checked(api)
        .len()
        .div_ceil(TYPES_PER_TEST * TESTS_PER_FILE)
        .max(1)
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
/// format one at a time: the file's head, then one test function per
/// [`TYPES_PER_TEST`] model types. A big API's samples are megabytes; built as one
/// syntax tree they took more memory than all the rest of the emit stage.
#[must_use]
pub fn part_file(api: &Api, part: usize) -> Vec<TokenStream> {
    let checked = checked(api);
    let tests: Vec<&[&TypeDef]> = checked.chunks(TYPES_PER_TEST).collect();
    let count = tests.len();
    let mut pieces = vec![quote! {
        //! A share of the round-trip checks.
        #![allow(clippy::too_many_lines, reason = "one line per model type")]

        use super::check;
    }];
    let first = (part - 1) * TESTS_PER_FILE;
    for (index, types) in tests.iter().enumerate().skip(first).take(TESTS_PER_FILE) {
        let checks: Vec<TokenStream> = types
            .iter()
            .filter_map(|def| check_call(api, def))
            .collect();
        if checks.is_empty() {
            continue;
        }
        // One function keeps the plain name; more are numbered from 1.
        let name = if count == 1 {
            ident("every_model_type_reserializes_what_it_decoded")
        } else {
            ident(&format!(
                "every_model_type_reserializes_what_it_decoded_{}",
                index + 1
            ))
        };
        pieces.push(quote! {
            #[test]
            fn #name() {
                #(#checks)*
            }
        });
    }
    if pieces.len() == 1 {
        // No type to check: the helper is still used.
        pieces.push(quote! {
            #[test]
            fn no_model_type_to_check() {
                check::<::serde_json::Value>("Value", &[]);
            }
        });
    }
    pieces
}

/// `check::<T>("T", &[samples])` for one type, or `None` when no sample can be made.
fn check_call(api: &Api, def: &TypeDef) -> Option<TokenStream> {
    let krate = &api.meta.crate_ident;
    let mut samples = Vec::new();
    let mut random = Random::seeded(&def.name);
    for sample in 0..SAMPLES {
        let mut generator = Generator {
            types: &api.types,
            random: &mut random,
            sparse: sample == 0,
        };
        if let Some(value) = generator.value(&TypeRef::Named(def.name.clone()), 0) {
            let text = value.to_string();
            if !samples.contains(&text) {
                samples.push(text);
            }
        }
    }
    if samples.is_empty() {
        return None;
    }
    let ty = retarget(&type_tokens(&TypeRef::Named(def.name.clone())), krate);
    let name = &def.name;
    let samples = samples.iter().map(|text| Literal::string(text));
    Some(quote! { check::<#ty>(#name, &[#(#samples),*]); })
}

/// A small deterministic generator (splitmix64), seeded by the type's name.
struct Random(u64);

impl Random {
    fn seeded(name: &str) -> Self {
        // FNV-1a of the name: the samples depend on nothing else.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in name.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        Self(hash)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }

    fn chance(&mut self, in_four: usize) -> bool {
        self.below(4) < in_four
    }
}

struct Generator<'a> {
    types: &'a [TypeDef],
    random: &'a mut Random,
    /// The first sample of each type: every optional field left out.
    sparse: bool,
}

impl Generator<'_> {
    /// A JSON value of `ty`; `None` when the type cannot be written as JSON (files) or
    /// only an endless value would do.
    fn value(&mut self, ty: &TypeRef, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH * 3 {
            return None;
        }
        Some(match ty {
            TypeRef::String => Value::String(self.string()),
            TypeRef::Bool => Value::Bool(self.random.chance(2)),
            TypeRef::I32 => Value::from([0_i64, -7, 2_147_483_647][self.random.below(3)]),
            TypeRef::I64 => {
                Value::from([0_i64, -3, 9_007_199_254_740_993, i64::MIN][self.random.below(4)])
            }
            TypeRef::U64 => {
                Value::from([0_u64, 9_007_199_254_740_993, u64::MAX][self.random.below(3)])
            }
            TypeRef::Number => match self.random.below(5) {
                0 => Value::from(3),
                1 => Value::from(2.0),
                2 => Value::from(-0.5),
                3 => Value::from(9_007_199_254_740_993_u64),
                _ => Value::from(1e300),
            },
            TypeRef::Json => self.any_json(depth),
            TypeRef::Vec(inner) => {
                let count = if depth >= MAX_DEPTH {
                    0
                } else {
                    self.random.below(3)
                };
                let mut items = Vec::new();
                for _ in 0..count {
                    items.push(self.value(inner, depth + 1)?);
                }
                Value::Array(items)
            }
            TypeRef::Map(inner) => {
                let count = if depth >= MAX_DEPTH {
                    0
                } else {
                    self.random.below(3)
                };
                let mut map = Map::new();
                for index in 0..count {
                    map.insert(format!("key{index}"), self.value(inner, depth + 1)?);
                }
                Value::Object(map)
            }
            TypeRef::Option(inner) => {
                if self.random.chance(1) {
                    Value::Null
                } else {
                    self.value(inner, depth + 1)?
                }
            }
            TypeRef::Boxed(inner) => self.value(inner, depth)?,
            TypeRef::File | TypeRef::Bytes => return None,
            TypeRef::Named(name) => self.named(name, depth)?,
        })
    }

    fn string(&mut self) -> String {
        ["text", "", "ünïcødé \u{1F980}", "quote \" and \\ and \n"][self.random.below(4)].to_owned()
    }

    fn any_json(&mut self, depth: usize) -> Value {
        match self.random.below(if depth >= MAX_DEPTH { 4 } else { 6 }) {
            0 => Value::Null,
            1 => Value::from(9_007_199_254_740_993_u64),
            2 => Value::from(2.5),
            3 => Value::String("x".to_owned()),
            4 => Value::Array(vec![Value::Null, Value::from(1)]),
            _ => {
                let mut map = Map::new();
                map.insert("nested".to_owned(), Value::Null);
                map.insert("n".to_owned(), Value::from(-0.0));
                Value::Object(map)
            }
        }
    }

    fn named(&mut self, name: &str, depth: usize) -> Option<Value> {
        let def = find_type(self.types, name)?;
        match &def.kind {
            TypeKind::Alias(target) => self.value(target, depth),
            TypeKind::StringEnum(variants) => {
                let pick = self.random.below(variants.len() + 1);
                Some(Value::String(variants.get(pick).map_or_else(
                    || "a-value-this-sdk-does-not-know".to_owned(),
                    |variant| variant.wire_value.clone(),
                )))
            }
            TypeKind::Struct(def) => {
                let mut object = Map::new();
                let deep = depth >= MAX_DEPTH || self.sparse;
                for field in &def.fields {
                    if let Some(fixed) = &field.fixed {
                        if field.presence == Presence::Required || !deep {
                            object.insert(field.wire_name.clone(), Value::String(fixed.clone()));
                        }
                        continue;
                    }
                    let value = match field.presence {
                        Presence::Required => Some(self.value(&field.ty, depth + 1)?),
                        Presence::RequiredNullable => Some(if deep || self.random.chance(1) {
                            Value::Null
                        } else {
                            self.value(&field.ty, depth + 1)?
                        }),
                        Presence::Optional => {
                            if deep || self.random.chance(2) {
                                None
                            } else {
                                self.value(&field.ty, depth + 1)
                            }
                        }
                        Presence::OptionalNullable => match (deep, self.random.below(3)) {
                            (true, _) | (false, 0) => None,
                            (false, 1) => Some(Value::Null),
                            (false, _) => self.value(&field.ty, depth + 1),
                        },
                    };
                    if let Some(value) = value {
                        object.insert(field.wire_name.clone(), value);
                    }
                }
                if let ExtraFields::Keep { value, .. } = &def.extra
                    && !deep
                    && !def.fields.iter().any(|f| f.wire_name == "x_undeclared")
                    && let Some(extra) = self.value(value, depth + 1)
                {
                    object.insert("x_undeclared".to_owned(), extra);
                }
                Some(Value::Object(object))
            }
            TypeKind::TaggedUnion { tag, variants } => {
                let variant = &variants[self.random.below(variants.len())];
                let mut value = self.value(&variant.ty, depth + 1)?;
                let tag_value = variant.tags[self.random.below(variant.tags.len())].clone();
                value
                    .as_object_mut()?
                    .insert(tag.clone(), Value::String(tag_value));
                Some(value)
            }
            TypeKind::UntaggedUnion(variants) => {
                // Untagged alternatives are tried in order; a value made for a later one
                // may be read as an earlier one, which must still keep every byte.
                let start = self.random.below(variants.len());
                (0..variants.len()).find_map(|offset| {
                    let variant = &variants[(start + offset) % variants.len()];
                    self.value(&variant.ty, depth + 1)
                })
            }
            TypeKind::StatusUnion(_) => None,
        }
    }
}
