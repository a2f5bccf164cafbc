//! The round-trip tests' model: which model types are checked, with which JSON
//! samples, in which test function of which file.
//!
//! Input: the named types ([`crate::ir::Api::types`], sorted by name).
//! Output: [`RoundTrip`]: the `tests/roundtrip/part_<n>.rs` files, their test
//! functions and each function's checks. `emit/roundtrip.rs` only renders it.
//!
//! For every model type but the status unions (decoded by status, not from JSON
//! alone) the samples are a few JSON values generated from the type's shape with a
//! seed taken from its name, so they are deterministic: optional fields left out or
//! set, nullable ones `null`, integers past 2^53, numbers as integers and as floats
//! (`2.0`, `-0.0`), enum values the SDK does not list and properties the spec does
//! not declare. A type no sample can be made of (one that holds a file, or only an
//! endless value) is left out. The types are checked [`TYPES_PER_TEST`] to a test
//! function and [`TESTS_PER_FILE`] functions to a file, so no file passes 2,700
//! lines.

use serde_json::{Map, Value};

use crate::ir::{
    ExtraFields, Presence, RoundTrip, RoundTripCheck, RoundTripPart, RoundTripTest, TypeDef,
    TypeKind, TypeRef, find_type,
};

/// Values generated per type.
const SAMPLES: usize = 3;
/// How deep a generated value nests before optional parts are left out.
const MAX_DEPTH: usize = 4;

/// Model types checked by one test function.
pub const TYPES_PER_TEST: usize = 64;
/// Test functions per file: a check is at most ten formatted lines (the call, the
/// name and [`SAMPLES`] samples), so a file stays under 2,700 lines.
pub const TESTS_PER_FILE: usize = 4;

/// The name of the test in a file with nothing to check: it keeps the shared helper
/// used.
const NOTHING_TO_CHECK: &str = "no_model_type_to_check";

/// Lays out the round-trip tests (see the module docs). `types` is sorted by name.
#[must_use]
pub fn lower_round_trip(types: &[TypeDef]) -> RoundTrip {
    let checked: Vec<&TypeDef> = types
        .iter()
        .filter(|def| !matches!(def.kind, TypeKind::StatusUnion(_)))
        .collect();
    let chunks: Vec<&[&TypeDef]> = checked.chunks(TYPES_PER_TEST).collect();
    let count = chunks.len();
    let mut tests = Vec::with_capacity(count);
    for (index, chunk) in chunks.iter().enumerate() {
        let checks: Vec<RoundTripCheck> =
            chunk.iter().filter_map(|def| check(types, def)).collect();
        // One function keeps the plain name; more are numbered from 1, counting the
        // ones left out for having nothing to check.
        let name = if count == 1 {
            "every_model_type_reserializes_what_it_decoded".to_owned()
        } else {
            format!(
                "every_model_type_reserializes_what_it_decoded_{}",
                index + 1
            )
        };
        tests.push((!checks.is_empty()).then_some(RoundTripTest { name, checks }));
    }
    // The tests move into their files: the samples are most of the model on a big
    // spec, and a copy of them would be held beside them (issue 11, item 7).
    let mut parts: Vec<RoundTripPart> = Vec::with_capacity(tests.len().div_ceil(TESTS_PER_FILE));
    for (index, test) in tests.into_iter().enumerate() {
        if index % TESTS_PER_FILE == 0 {
            parts.push(RoundTripPart::default());
        }
        if let (Some(part), Some(test)) = (parts.last_mut(), test) {
            part.tests.push(test);
        }
    }
    if parts.is_empty() {
        parts.push(RoundTripPart::default());
    }
    for part in &mut parts {
        if part.tests.is_empty() {
            part.tests.push(RoundTripTest {
                name: NOTHING_TO_CHECK.to_owned(),
                checks: Vec::new(),
            });
        }
    }
    RoundTrip { parts }
}

/// The samples of one type, or `None` when none can be made.
fn check(types: &[TypeDef], def: &TypeDef) -> Option<RoundTripCheck> {
    let mut samples = Vec::new();
    let mut random = Random::seeded(&def.name);
    for sample in 0..SAMPLES {
        let mut generator = Generator {
            types,
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
    (!samples.is_empty()).then(|| RoundTripCheck::new(def.name.clone(), &samples))
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
                    if let Some(fixed) = field.fixed() {
                        if field.presence == Presence::Required || !deep {
                            object
                                .insert(field.wire_name.clone(), Value::String(fixed.to_string()));
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
