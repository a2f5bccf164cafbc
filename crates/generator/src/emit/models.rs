//! Emits the `types` module: every model type and every method's parameters type.
//!
//! Input: the model's [`TypeDef`]s and [`ParamsType`]s.
//! Output: the tokens of each item of `src/types/` (the module split is
//! [`crate::ir::TypeModule`]'s).
//!
//! Models keep what they do not know: structs keep undeclared properties in
//! `extra_fields`, string enums have an `Other(String)` variant, and unions an
//! `Unknown(serde_json::Value)` one, so a newer server never breaks decoding.
//!
//! Structs derive no serde trait: their `Deserialize` is a `match` on the property
//! names that the runtime's `object` module drives, and their `Serialize` a line
//! per property through its `Writer`, which the compiler checks in a fraction of
//! the derives' time. A struct with a credential field writes out its `Debug`.

use std::fmt::Write as _;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::tokens::{doc_attrs, ident, type_tokens};
use crate::ir::{
    EnumVariant, ExtraFields, Param, ParamLocation, ParamsType, Presence, StructDef, TypeDef,
    TypeKind, TypeRef, UnionAccessor, UnionVariant, Wrapper,
};

pub use crate::ir::find_type;

/// The tokens of one model type.
#[must_use]
pub fn type_def(def: &TypeDef, all: &[TypeDef]) -> TokenStream {
    let doc = doc_attrs(&def.doc);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct(fields) => struct_def(&name, &doc, fields, all),
        TypeKind::StringEnum(variants) => string_enum(&name, &doc, variants),
        TypeKind::TaggedUnion { tag, variants } => {
            let accessors = union_accessors(&name, variants, &def.accessors, true);
            let union = tagged_union(&name, &doc, tag, variants);
            quote! { #union #accessors }
        }
        TypeKind::UntaggedUnion(variants) => {
            let unknown = crate::ir::union_keeps_unknown(variants);
            let accessors = union_accessors(&name, variants, &def.accessors, unknown);
            let union = untagged_union(&name, &doc, variants);
            quote! { #union #accessors }
        }
        TypeKind::Alias(target) => {
            let target = type_tokens(target);
            quote! {
                #doc
                pub type #name = #target;
            }
        }
        TypeKind::StatusUnion(variants) => status_union(&name, &doc, variants),
    }
}

/// Whether a value of `ty` can itself be `null`, through aliases: any JSON
/// (`pub type Label = Value`), or a union, whose `Unknown` (or any-JSON variant)
/// keeps any value.
fn takes_null(ty: &TypeRef, all: &[TypeDef]) -> bool {
    let mut current = ty;
    for _ in 0..16 {
        match current {
            TypeRef::Json => return true,
            TypeRef::Boxed(inner) => current = inner,
            TypeRef::Named(name) => match find_type(all, name).map(|def| &def.kind) {
                Some(TypeKind::Alias(target)) => current = target,
                Some(TypeKind::TaggedUnion { .. } | TypeKind::UntaggedUnion(_)) => return true,
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

fn struct_def(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    def: &StructDef,
    all: &[TypeDef],
) -> TokenStream {
    let fields: Vec<TokenStream> = def
        .fields
        .iter()
        .map(|field| {
            let mut text = field.doc().into_owned();
            if let Some(default) = &field.default {
                let _ = write!(text, "\n\nThe API's default: `{default}`.");
            }
            let field_doc = doc_attrs(&text);
            let field_name = ident(&field.rust_name);
            let ty = presence_type(&field.ty, field.presence);
            quote! {
                #field_doc
                pub #field_name: #ty,
            }
        })
        .collect();
    let extra = match &def.extra {
        ExtraFields::Keep { field, value } => {
            let field = ident(field);
            let map = type_tokens(&TypeRef::Map(Box::new(value.clone())));
            quote! {
                /// Properties the spec does not declare, kept so that re-serializing loses nothing.
                pub #field: #map,
            }
        }
        ExtraFields::Forbidden => quote! {},
    };
    let extra_init = match &def.extra {
        ExtraFields::Keep { field, .. } => {
            let field = ident(field);
            quote! { #field: Default::default(), }
        }
        ExtraFields::Forbidden => quote! {},
    };
    let args: Vec<_> = def.constructor_args().collect();
    let inits: Vec<TokenStream> = def
        .fields
        .iter()
        .map(|field| {
            let field_name = ident(&field.rust_name);
            if let Some(fixed) = field.fixed() {
                let value = quote! { String::from(#fixed) };
                let value = if field.presence == Presence::Required {
                    value
                } else {
                    quote! { Some(#value) }
                };
                return quote! { #field_name: #value, };
            }
            if field.presence == Presence::Required {
                let (_, convert) = setter_input(&field.ty);
                let value = convert(quote! { #field_name });
                if field_name == value.to_string() {
                    quote! { #field_name, }
                } else {
                    quote! { #field_name: #value, }
                }
            } else {
                quote! { #field_name: Default::default(), }
            }
        })
        .collect();
    let has_fixed = def.fields.iter().any(|field| field.fixed().is_some());
    let (derive_default, constructor) = if !args.is_empty() {
        let params = args.iter().map(|field| {
            let field_name = ident(&field.rust_name);
            let (arg_ty, _) = setter_input(&field.ty);
            quote! { #field_name: #arg_ty }
        });
        let names = args
            .iter()
            .map(|f| format!("`{}`", f.wire_name))
            .collect::<Vec<_>>()
            .join(", ");
        let new_doc = format!(
            " Creates a value from the required {names}; set the others with the chainable setters."
        );
        (
            quote! {},
            quote! {
                impl #name {
                    #[doc = #new_doc]
                    #[must_use]
                    pub fn new(#(#params),*) -> Self {
                        Self { #(#inits)* #extra_init }
                    }
                }
            },
        )
    } else if has_fixed {
        (
            quote! {},
            quote! {
                impl Default for #name {
                    fn default() -> Self {
                        Self { #(#inits)* #extra_init }
                    }
                }
            },
        )
    } else {
        (quote! { Default, }, quote! {})
    };
    let setters = def.fields.iter().map(|field| model_setter(field, all));
    let decode = struct_decode(name, def, all);
    let extra_name = extra_field(&def.extra);
    let encode = struct_encode(
        name,
        def.fields.iter().map(|field| {
            (
                field.rust_name.as_str(),
                field.wire_name.as_str(),
                field.presence,
            )
        }),
        extra_name,
    );
    let (derive_debug, debug) = debug_impl(
        name,
        def.fields
            .iter()
            .map(|field| (field.rust_name.as_str(), field.secret()))
            .chain(extra_name.map(|field| (field, false))),
    );
    quote! {
        #doc
        #[doc = ""]
        #[doc = " Build it with `new` (or `Default`) and the chainable setters; fields left unset are not sent."]
        #[derive(#derive_debug Clone, PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
            #extra
        }
        #debug
        #encode
        #decode
        #constructor
        impl #name {
            #(#setters)*
        }
    }
}

/// The Rust name of the field that keeps a struct's undeclared properties, if any.
fn extra_field(extra: &ExtraFields) -> Option<&str> {
    match extra {
        ExtraFields::Keep { field, .. } => Some(field),
        ExtraFields::Forbidden => None,
    }
}

/// A struct's `Serialize` impl: each written field (Rust name, wire name, presence)
/// in order through the runtime's `object::Writer`, which leaves out an unset
/// optional one, then the undeclared properties kept in `extra`.
fn struct_encode<'f>(
    name: &proc_macro2::Ident,
    written: impl Iterator<Item = (&'f str, &'f str, Presence)>,
    extra: Option<&str>,
) -> TokenStream {
    let mut writes: Vec<TokenStream> = written
        .map(|(rust_name, wire, presence)| {
            let field_name = ident(rust_name);
            let write = match presence {
                Presence::Required | Presence::RequiredNullable => quote! { field },
                Presence::Optional => quote! { optional },
                Presence::OptionalNullable => quote! { nullable },
            };
            quote! { object.#write(#wire, &self.#field_name)?; }
        })
        .collect();
    if let Some(extra) = extra {
        let extra = ident(extra);
        writes.push(quote! { object.extra(&self.#extra)?; });
    }
    let body = if writes.is_empty() {
        quote! { crate::runtime::object::Writer::new(serializer)?.end() }
    } else {
        quote! {
            let mut object = crate::runtime::object::Writer::new(serializer)?;
            #(#writes)*
            object.end()
        }
    };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #body
            }
        }
    }
}

/// A struct's `Deserialize` impl: its `runtime::object::FromObject` impl, which reads
/// each property by its wire name, keeps (or skips) the undeclared ones and builds
/// the struct; the runtime's `object` module does the rest, once for every struct.
fn struct_decode(name: &proc_macro2::Ident, def: &StructDef, all: &[TypeDef]) -> TokenStream {
    let type_name = name.to_string();
    // `field_` keeps the slots apart from the other locals, whatever the fields' names.
    let slot =
        |field: &crate::ir::Field| ident(&format!("field_{}", crate::ir::bare(&field.rust_name)));
    let slots = def.fields.iter().map(|field| {
        let slot = slot(field);
        quote! { let mut #slot = None; }
    });
    let arms = def.fields.iter().map(|field| {
        let slot = slot(field);
        let wire = &field.wire_name;
        let read = if field.presence == Presence::Optional && takes_null(&field.ty, all) {
            quote! { read_present }
        } else {
            quote! { read }
        };
        quote! { #wire => object::#read(&mut #slot, &mut map, #wire)?, }
    });
    let (extra_slot, undeclared, extra_init) = match &def.extra {
        ExtraFields::Keep { field, .. } => {
            let field = ident(field);
            (
                quote! { let mut extra = Default::default(); },
                quote! { object::keep(&mut extra, key, &mut map)? },
                quote! { #field: extra, },
            )
        }
        ExtraFields::Forbidden => (quote! {}, quote! { object::skip(&mut map)? }, quote! {}),
    };
    let read_all = if !def.fields.is_empty() {
        quote! {
            while let Some(key) = map.next_key::<object::Key<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    _ => #undeclared,
                }
            }
        }
    } else if matches!(def.extra, ExtraFields::Keep { .. }) {
        quote! {
            while let Some(key) = map.next_key::<object::Key<'de>>()? {
                #undeclared;
            }
        }
    } else {
        quote! {
            while map.next_key::<::serde::de::IgnoredAny>()?.is_some() {
                #undeclared;
            }
        }
    };
    let inits = def.fields.iter().map(|field| {
        let slot = slot(field);
        let field_name = ident(&field.rust_name);
        let wire = &field.wire_name;
        let value = match field.presence {
            Presence::Required => quote! { object::required(#slot, #wire)? },
            // Must be sent: a missing field is a decode error, not an invented `null`.
            Presence::RequiredNullable => quote! { object::present(#slot, #wire)? },
            Presence::Optional | Presence::OptionalNullable => {
                quote! { #slot.unwrap_or_default() }
            }
        };
        quote! { #field_name: #value, }
    });
    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::object::deserialize(deserializer)
            }
        }
        impl crate::runtime::object::FromObject for #name {
            const NAME: &'static str = #type_name;
            fn from_object<'de, A: ::serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                use crate::runtime::object;
                #(#slots)*
                #extra_slot
                #read_all
                Ok(Self {
                    #(#inits)*
                    #extra_init
                })
            }
        }
    }
}

/// A field's Rust type with its presence wrapper.
fn presence_type(ty: &TypeRef, presence: Presence) -> TokenStream {
    let inner = type_tokens(ty);
    match presence.wrapper() {
        Wrapper::Bare => inner,
        Wrapper::Option => quote! { Option<#inner> },
        Wrapper::Nullable => quote! { crate::Nullable<#inner> },
    }
}

/// A value set into a field of this presence: wrapped as the field holds it.
fn wrap_value(value: TokenStream, presence: Presence) -> TokenStream {
    match presence.wrapper() {
        Wrapper::Bare => value,
        Wrapper::Option => quote! { Some(#value) },
        Wrapper::Nullable => quote! { crate::Nullable::Value(#value) },
    }
}

/// A model field's setter, null setter and default getter.
fn model_setter(field: &crate::ir::Field, all: &[TypeDef]) -> TokenStream {
    let field_name = ident(&field.rust_name);
    let wire = &field.wire_name;
    let mut out = quote! {};
    if field.fixed().is_none() {
        let setter = ident(field.setter());
        let (arg_ty, convert) = setter_input(&field.ty);
        let value = convert(quote! { value });
        let assigned = wrap_value(value, field.presence);
        let set_doc = match &field.default {
            Some(default) => doc_attrs(&format!(
                "Sets `{wire}`; left unset, it is not sent and the API applies its default, `{default}`."
            )),
            None => doc_attrs(&format!("Sets `{wire}`.")),
        };
        out.extend(quote! {
            #set_doc
            #[must_use]
            pub fn #setter(mut self, value: #arg_ty) -> Self {
                self.#field_name = #assigned;
                self
            }
        });
    }
    if let Some(null_setter) = field.null_setter() {
        let null_setter = ident(null_setter);
        let null_doc = format!(" Sets `{wire}` to an explicit `null`.");
        let null = match field.presence {
            Presence::OptionalNullable => quote! { crate::Nullable::Null },
            _ => quote! { None },
        };
        out.extend(quote! {
            #[doc = #null_doc]
            #[must_use]
            pub fn #null_setter(mut self) -> Self {
                self.#field_name = #null;
                self
            }
        });
    }
    if let (Some(getter), Some(default)) = (field.default_getter(), &field.default)
        && let Some(getter) = default_getter(field, getter, default, all)
    {
        out.extend(getter);
    }
    out
}

/// `<field>_or_default()`: the value, or the spec's default when it is absent.
fn default_getter(
    field: &crate::ir::Field,
    getter: &str,
    default: &Value,
    all: &[TypeDef],
) -> Option<TokenStream> {
    let field_name = ident(&field.rust_name);
    let getter = ident(getter);
    let value = default_expr(default, &field.ty, all)?;
    let wire = &field.wire_name;
    let nullable = field.presence == Presence::OptionalNullable;
    let get_doc = if nullable {
        format!(" `{wire}`, or the API's default when it is absent; `None` when it is `null`.")
    } else {
        format!(" `{wire}`, or the API's default when it is absent.")
    };
    let (ret, body) = match (&field.ty, nullable) {
        (TypeRef::String, false) => (
            quote! { &str },
            quote! { self.#field_name.as_deref().unwrap_or(#value) },
        ),
        (TypeRef::String, true) => (
            quote! { Option<&str> },
            quote! {
                match &self.#field_name {
                    crate::Nullable::Omitted => Some(#value),
                    crate::Nullable::Null => None,
                    crate::Nullable::Value(value) => Some(value.as_str()),
                }
            },
        ),
        (ty, nullable) => {
            let copy = matches!(
                ty,
                TypeRef::Bool | TypeRef::I32 | TypeRef::I64 | TypeRef::U64 | TypeRef::Number
            );
            let tokens = type_tokens(ty);
            let read = if copy {
                quote! { *value }
            } else {
                quote! { value.clone() }
            };
            if nullable {
                (
                    quote! { Option<#tokens> },
                    quote! {
                        match &self.#field_name {
                            crate::Nullable::Omitted => Some(#value),
                            crate::Nullable::Null => None,
                            crate::Nullable::Value(value) => Some(#read),
                        }
                    },
                )
            } else if copy {
                (
                    quote! { #tokens },
                    quote! { self.#field_name.unwrap_or(#value) },
                )
            } else {
                (
                    quote! { #tokens },
                    quote! { self.#field_name.clone().unwrap_or(#value) },
                )
            }
        }
    };
    Some(quote! {
        #[doc = #get_doc]
        #[must_use]
        pub fn #getter(&self) -> #ret {
            #body
        }
    })
}

/// A Rust expression for a spec default of a known scalar type (`&str` for strings).
fn default_expr(value: &Value, ty: &TypeRef, all: &[TypeDef]) -> Option<TokenStream> {
    Some(match (ty, value) {
        (TypeRef::String, Value::String(text)) => quote! { #text },
        (TypeRef::Bool, Value::Bool(flag)) => quote! { #flag },
        (TypeRef::Number, Value::Number(number)) => {
            let literal = if let Some(n) = number.as_i64() {
                Literal::i64_suffixed(n)
            } else if let Some(n) = number.as_u64() {
                Literal::u64_suffixed(n)
            } else {
                Literal::f64_suffixed(number.as_f64()?)
            };
            quote! { crate::Number::from(#literal) }
        }
        (TypeRef::I64, Value::Number(number)) => {
            let literal = Literal::i64_suffixed(number.as_i64()?);
            quote! { #literal }
        }
        (TypeRef::I32, Value::Number(number)) => {
            let literal = Literal::i32_suffixed(i32::try_from(number.as_i64()?).ok()?);
            quote! { #literal }
        }
        (TypeRef::U64, Value::Number(number)) => {
            let literal = Literal::u64_suffixed(number.as_u64()?);
            quote! { #literal }
        }
        (TypeRef::Named(name), Value::String(text)) => {
            let def = find_type(all, name)?;
            let TypeKind::StringEnum(variants) = &def.kind else {
                return None;
            };
            let variant = variants.iter().find(|v| &v.wire_value == text)?;
            let type_name = ident(name);
            let variant = ident(&variant.rust_name);
            quote! { crate::types::#type_name::#variant }
        }
        _ => return None,
    })
}

fn string_enum(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    variants: &[EnumVariant],
) -> TokenStream {
    let declared = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let variant_doc = format!(" `{}`", variant.wire_value);
        quote! {
            #[doc = #variant_doc]
            #variant_name,
        }
    });
    let as_str = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let wire = &variant.wire_value;
        quote! { Self::#variant_name => #wire, }
    });
    let from_str = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let wire = &variant.wire_value;
        quote! { #wire => Self::#variant_name, }
    });
    quote! {
        #doc
        #[doc = ""]
        #[doc = " Open to values this SDK does not list: they are `Other`, and compare by their text (`Other(\"x\")` equals the variant for `\"x\"`)."]
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #name {
            #(#declared)*
            /// Any other value: one this version of the SDK does not list, or one the API accepts beside the listed ones.
            Other(String),
        }

        impl #name {
            /// The value as sent on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Other(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                // One list of values, in `From<&str>`; an unknown one keeps this `String`.
                match Self::from(value.as_str()) {
                    Self::Other(_) => Self::Other(value),
                    known => known,
                }
            }
        }

        impl PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for #name {}

        impl ::std::hash::Hash for #name {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                ::std::hash::Hash::hash(self.as_str(), state);
            }
        }

        impl PartialOrd for #name {
            fn partial_cmp(&self, other: &Self) -> Option<::std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for #name {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

fn status_union(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    variants: &[crate::ir::StatusVariant],
) -> TokenStream {
    let declared = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let variant_doc = format!(" The body of a `{}` response.", variant.status);
        match &variant.ty {
            Some(ty) => {
                let ty = type_tokens(ty);
                quote! { #[doc = #variant_doc] #variant_name(#ty), }
            }
            None => quote! { #[doc = #variant_doc] #variant_name, },
        }
    });
    let arms = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let status = variant.status;
        match &variant.ty {
            Some(_) => {
                quote! { #status => ::serde_json::from_slice(body).map(Self::#variant_name), }
            }
            None => quote! { #status => Ok(Self::#variant_name), },
        }
    });
    // A 2xx the spec does not list is read as the first body type it does list.
    let fallback = variants
        .iter()
        .find(|variant| variant.ty.is_some())
        .map(|variant| {
            let variant_name = ident(&variant.rust_name);
            quote! { _ => ::serde_json::from_slice(body).map(Self::#variant_name), }
        })
        .unwrap_or_else(|| {
            let first = ident(&variants[0].rust_name);
            quote! { _ => Ok(Self::#first), }
        });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#declared)*
        }

        impl crate::runtime::call::StatusDecode for #name {
            fn decode(status: u16, body: &[u8]) -> Result<Self, ::serde_json::Error> {
                match status {
                    #(#arms)*
                    #fallback
                }
            }
        }
    }
}

fn union_variant_decls(variants: &[UnionVariant]) -> Vec<TokenStream> {
    variants
        .iter()
        .map(|variant| {
            let variant_name = ident(&variant.rust_name);
            let ty = type_tokens(&variant.ty);
            let doc = if variant.tags.is_empty() {
                " One of the union's alternatives.".to_owned()
            } else {
                format!(
                    " Selected by the tag {}.",
                    variant
                        .tags
                        .iter()
                        .map(|t| format!("`{t}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            quote! {
                #[doc = #doc]
                #variant_name(#ty),
            }
        })
        .collect()
}

fn tagged_union(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    tag: &str,
    variants: &[UnionVariant],
) -> TokenStream {
    let declared = union_variant_decls(variants);
    let constructors = union_constructors(name, variants);
    let decode_arms = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let tags = &variant.tags;
        quote! {
            Some(#(#tags)|*) => ::serde_json::from_value(value).map(Self::#variant_name).map_err(::serde::de::Error::custom),
        }
    });
    // Every variant goes out with one of its own tags, whatever its payload holds:
    // a caller can neither forget the tag nor send a wrong one. A decoded value
    // already holds one of them and goes back out unchanged.
    let encode_arms = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let tags = &variant.tags;
        quote! {
            Self::#variant_name(payload) => crate::runtime::union::serialize_tagged(payload, #tag, &[#(#tags),*], serializer),
        }
    });
    let tag_doc = format!(" The union is discriminated by its `{tag}` property.");
    quote! {
        #doc
        #[doc = ""]
        #[doc = #tag_doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#declared)*
            /// A variant this version of the SDK does not know, kept as sent.
            Unknown(::serde_json::Value),
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = ::serde_json::Value::deserialize(deserializer)?;
                let tag = value.get(#tag).and_then(::serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#decode_arms)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#encode_arms)*
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        #constructors
    }
}

fn untagged_union(
    name: &proc_macro2::Ident,
    doc: &TokenStream,
    variants: &[UnionVariant],
) -> TokenStream {
    let declared = union_variant_decls(variants);
    let constructors = union_constructors(name, variants);
    let has_json = !crate::ir::union_keeps_unknown(variants);
    let unknown = if has_json {
        quote! {}
    } else {
        quote! {
            /// A value that matches none of the known alternatives, kept as sent.
            Unknown(::serde_json::Value),
        }
    };
    let display = if crate::ir::union_displays(variants) {
        let arms = variants.iter().map(|variant| {
            let variant = ident(&variant.rust_name);
            quote! { Self::#variant(value) => ::std::fmt::Display::fmt(value, f), }
        });
        let unknown_arm = if has_json {
            quote! {}
        } else {
            quote! { Self::Unknown(value) => ::std::fmt::Display::fmt(value, f), }
        };
        quote! {
            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        #(#arms)*
                        #unknown_arm
                    }
                }
            }
        }
    } else {
        quote! {}
    };
    // Decoded by `crate::runtime::union::decode_untagged`: the alternative that holds the
    // whole value wins, not just the first that accepts it.
    let alternatives = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        quote! { |value| crate::runtime::union::alternative(value, Self::#variant_name), }
    });
    let unknown_variant = if has_json {
        quote! { None }
    } else {
        quote! { Some(Self::Unknown) }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#declared)*
            #unknown
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::union::deserialize_untagged(deserializer, &[#(#alternatives)*], #unknown_variant)
            }
        }

        #constructors
        #display
    }
}

/// A union's read accessors: `Some` of a field when the value is a variant that
/// has it. `has_unknown`: the union has an `Unknown` variant.
fn union_accessors(
    name: &proc_macro2::Ident,
    variants: &[UnionVariant],
    accessors: &[UnionAccessor],
    has_unknown: bool,
) -> TokenStream {
    if accessors.is_empty() {
        return quote! {};
    }
    let methods = accessors.iter().map(|accessor| {
        let method = ident(&accessor.name);
        // Text reads as `&str` and a boxed value as what the box holds.
        let (ret, deref) = match &accessor.ty {
            TypeRef::String => (quote! { &str }, true),
            TypeRef::Boxed(inner) => (type_tokens(inner), true),
            other => (type_tokens(other), false),
        };
        let ret = if deref && accessor.ty == TypeRef::String {
            ret
        } else {
            quote! { &#ret }
        };
        let arms = accessor.variants.iter().map(|(variant, field, presence)| {
            let (variant, field) = (ident(variant), ident(field));
            let read = match (presence, deref) {
                (Presence::Required, false) => quote! { Some(&value.#field) },
                (Presence::Required, true) => quote! { Some(&*value.#field) },
                (Presence::Optional | Presence::RequiredNullable, false) => {
                    quote! { value.#field.as_ref() }
                }
                (Presence::Optional | Presence::RequiredNullable, true) => {
                    quote! { value.#field.as_deref() }
                }
                (Presence::OptionalNullable, false) => quote! { value.#field.as_value() },
                (Presence::OptionalNullable, true) => quote! { value.#field.as_deref() },
            };
            quote! { Self::#variant(value) => #read, }
        });
        let fallback = if has_unknown || accessor.variants.len() < variants.len() {
            quote! { _ => None, }
        } else {
            quote! {}
        };
        let doc = format!(
            " The `{}` field, when the value is a variant that has it and it is set.",
            crate::ir::bare(&accessor.name)
        );
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #method(&self) -> Option<#ret> {
                match self {
                    #(#arms)*
                    #fallback
                }
            }
        }
    });
    quote! {
        impl #name {
            #(#methods)*
        }
    }
}

/// One constructor per variant, and `From` for each payload type no other variant has.
fn union_constructors(name: &proc_macro2::Ident, variants: &[UnionVariant]) -> TokenStream {
    let constructors = variants.iter().map(|variant| {
        let variant_name = ident(&variant.rust_name);
        let constructor = ident(&variant.constructor);
        let (arg, value) = payload_input(&variant.ty);
        let doc = format!(" The `{}` variant.", variant.rust_name);
        quote! {
            #[doc = #doc]
            #[must_use]
            pub fn #constructor(value: #arg) -> Self {
                Self::#variant_name(#value)
            }
        }
    });
    let froms = variants
        .iter()
        .filter(|variant| variant.from_payload)
        .map(|variant| {
            let variant_name = ident(&variant.rust_name);
            let (ty, value) = match &variant.ty {
                TypeRef::Boxed(inner) => (type_tokens(inner), quote! { Box::new(value) }),
                other => (type_tokens(other), quote! { value }),
            };
            quote! {
                impl From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        Self::#variant_name(#value)
                    }
                }
            }
        });
    quote! {
        impl #name {
            #(#constructors)*
        }
        #(#froms)*
    }
}

/// A union constructor's argument type and the payload built from it.
fn payload_input(ty: &TypeRef) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::Boxed(inner) => {
            let (arg, convert) = setter_input(inner);
            let value = convert(quote! { value });
            (arg, quote! { Box::new(#value) })
        }
        other => {
            let (arg, convert) = setter_input(other);
            (arg, convert(quote! { value }))
        }
    }
}

/// The tokens of one method's parameters type.
#[must_use]
pub fn params_type(params: &ParamsType) -> TokenStream {
    let name = ident(&params.name);
    let doc = doc_attrs(&params.doc);
    let required: Vec<&Param> = params
        .fields
        .iter()
        .filter(|field| field.presence == Presence::Required)
        .collect();
    let fields = params.fields.iter().map(|field| {
        let field_doc = doc_attrs(&field.doc);
        let field_name = ident(&field.rust_name);
        let ty = presence_type(&field.ty, field.presence);
        quote! {
            #field_doc
            pub #field_name: #ty,
        }
    });
    let setters = params.fields.iter().map(setter);
    let (derive_default, constructor) = if required.is_empty() {
        (quote! { Default, }, quote! {})
    } else {
        let args = required.iter().map(|field| {
            let field_name = ident(&field.rust_name);
            let (arg_ty, _) = setter_input(&field.ty);
            quote! { #field_name: #arg_ty }
        });
        let inits = params.fields.iter().map(|field| {
            let field_name = ident(&field.rust_name);
            if field.presence == Presence::Required {
                let (_, convert) = setter_input(&field.ty);
                let value = convert(quote! { #field_name });
                if field_name == value.to_string() {
                    quote! { #field_name, }
                } else {
                    quote! { #field_name: #value, }
                }
            } else {
                quote! { #field_name: Default::default(), }
            }
        });
        let names = required
            .iter()
            .map(|f| format!("`{}`", crate::ir::bare(&f.rust_name)))
            .collect::<Vec<_>>()
            .join(", ");
        let new_doc = format!(
            " Creates the parameters from the required {names}; set the others with the chainable setters."
        );
        (
            quote! {},
            quote! {
                #[doc = #new_doc]
                #[must_use]
                pub fn new(#(#args),*) -> Self {
                    Self { #(#inits)* }
                }
            },
        )
    };
    let (derive_debug, debug) = debug_impl(
        &name,
        params
            .fields
            .iter()
            .map(|field| (field.rust_name.as_str(), field.secret)),
    );
    // The JSON body's fields: files and raw bytes are never JSON (multipart and raw
    // bodies send them), and the other parameters go in the path, query or headers.
    let encode = struct_encode(
        &name,
        params
            .fields
            .iter()
            .filter(|field| {
                field.location == ParamLocation::Body
                    && !field.ty.contains_file()
                    && field.ty != TypeRef::Bytes
            })
            .map(|field| {
                (
                    field.rust_name.as_str(),
                    field.wire_name.as_str(),
                    field.presence,
                )
            }),
        None,
    );
    quote! {
        #doc
        #[derive(#derive_debug Clone, PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
        #debug
        #encode

        impl #name {
            #constructor
            #(#setters)*
        }
    }
}

/// `Debug` for a struct with these fields (Rust name, whether a credential): derived
/// when none is a credential (the `Debug` of the derive list, and no impl), else
/// written out with `[redacted]` in each credential's place, so a value that holds
/// an API key can be logged.
fn debug_impl<'f>(
    name: &proc_macro2::Ident,
    fields: impl Iterator<Item = (&'f str, bool)> + Clone,
) -> (TokenStream, TokenStream) {
    if !fields.clone().any(|(_, secret)| secret) {
        return (quote! { Debug, }, quote! {});
    }
    let shown = fields.map(|(rust_name, secret)| {
        let label = crate::ir::bare(rust_name);
        let field_name = ident(rust_name);
        if secret {
            quote! { .field(#label, &crate::runtime::redact::Hidden) }
        } else {
            quote! { .field(#label, &self.#field_name) }
        }
    });
    let type_name = name.to_string();
    (
        quote! {},
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(#type_name) #(#shown)* .finish()
                }
            }
        },
    )
}

type Convert = Box<dyn Fn(TokenStream) -> TokenStream>;

/// The argument type a setter takes for a value of `ty`, and how to convert it:
/// anything that converts into the value (`&str` for strings and string enums, a
/// payload for a union, `0.5` or `3` for a number).
fn setter_input(ty: &TypeRef) -> (TokenStream, Convert) {
    match ty {
        TypeRef::String => (
            quote! { impl Into<String> },
            Box::new(|v| quote! { #v.into() }),
        ),
        TypeRef::Number => (
            quote! { impl Into<crate::Number> },
            Box::new(|v| quote! { #v.into() }),
        ),
        TypeRef::Named(_) => {
            let ty = type_tokens(ty);
            (
                quote! { impl Into<#ty> },
                Box::new(|v| quote! { #v.into() }),
            )
        }
        TypeRef::Boxed(inner) if matches!(**inner, TypeRef::Named(_)) => {
            let ty = type_tokens(inner);
            (
                quote! { impl Into<#ty> },
                Box::new(|v| quote! { Box::new(#v.into()) }),
            )
        }
        TypeRef::Vec(inner)
            if matches!(
                **inner,
                TypeRef::String | TypeRef::Number | TypeRef::Named(_)
            ) =>
        {
            let item = type_tokens(inner);
            (
                quote! { impl IntoIterator<Item = impl Into<#item>> },
                Box::new(|v| quote! { #v.into_iter().map(Into::into).collect() }),
            )
        }
        TypeRef::Bytes => (
            quote! { impl Into<::bytes::Bytes> },
            Box::new(|v| quote! { #v.into() }),
        ),
        other => {
            let ty = type_tokens(other);
            (quote! { #ty }, Box::new(|v| v))
        }
    }
}

fn setter(field: &Param) -> TokenStream {
    let field_name = ident(&field.rust_name);
    let (arg_ty, convert) = setter_input(&field.ty);
    let value = convert(quote! { value });
    let wire = &field.wire_name;
    let where_sent = field.location.noun();
    let set_doc = format!(" Sets the `{wire}` {where_sent}.");
    let assigned = wrap_value(value, field.presence);
    let setter = quote! {
        #[doc = #set_doc]
        #[must_use]
        pub fn #field_name(mut self, value: #arg_ty) -> Self {
            self.#field_name = #assigned;
            self
        }
    };
    let null_setter = match (field.presence, &field.null_setter) {
        (Presence::OptionalNullable, Some(null_name)) => {
            let null_name = ident(null_name);
            let null_doc = format!(" Sends the `{wire}` {where_sent} as an explicit `null`.");
            quote! {
                #[doc = #null_doc]
                #[must_use]
                pub fn #null_name(mut self) -> Self {
                    self.#field_name = crate::Nullable::Null;
                    self
                }
            }
        }
        (Presence::RequiredNullable, Some(null_name)) => {
            let null_name = ident(null_name);
            let null_doc = format!(" Sends the `{wire}` {where_sent} as `null`.");
            quote! {
                #[doc = #null_doc]
                #[must_use]
                pub fn #null_name(mut self) -> Self {
                    self.#field_name = None;
                    self
                }
            }
        }
        _ => quote! {},
    };
    quote! { #setter #null_setter }
}
