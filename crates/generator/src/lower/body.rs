//! Stage 2, body: an operation's request body → [`RequestBody`] and its params fields.
//!
//! Input: the spec's request body (or the config's override) and its media types.
//! Output: the body kind (JSON fields or value, form, multipart, bytes, text) and
//! the fields it adds to the params type.

use indexmap::IndexMap;
use openapi_compact::{MediaType, RequestBody as SpecRequestBody};
use serde_json::Value;

use super::SpecOp;
use super::names;
use super::names::Namespace;
use super::operation::lowerer_components;
use super::response::media_examples;
use super::types::{SchemaView, TypeLowerer};
use crate::diagnostics::{Diagnostic, escape_pointer_token};
use crate::ir::{Param, ParamLocation, Presence, QueryStyle, RequestBody, TypeRef};
use crate::load::resolve;

/// The JSON media type of a content map, if any (`application/json`, `*/*+json`).
pub(super) fn json_media(content: &IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    content.iter().find(|(media_type, _)| {
        let essence = media_type.split(';').next().unwrap_or("").trim();
        essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
    })
}

/// How a body's media type is sent, in order of preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum BodyKind {
    Json,
    Form,
    Multipart,
    Binary,
    Text,
}

pub(super) fn media_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

pub(super) fn body_kind(media_type: &str) -> BodyKind {
    let essence = media_essence(media_type);
    if essence == "application/json"
        || essence.ends_with("+json")
        || essence == "*/*"
        || essence == "text/json"
    {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if essence.starts_with("multipart/") {
        BodyKind::Multipart
    } else if essence.starts_with("text/")
        || essence.ends_with("+xml")
        || essence == "application/xml"
    {
        BodyKind::Text
    } else {
        BodyKind::Binary
    }
}

pub(super) fn lower_body<'a>(
    op: &SpecOp<'a>,
    params_name: &str,
    lowerer: &mut TypeLowerer<'a>,
    fields: &mut Vec<Param>,
    field_names: &mut Namespace,
) -> Option<RequestBody> {
    let body = op.operation.request_body.as_ref()?;
    let components = lowerer_components(lowerer);
    let pointer = format!("{}/requestBody", op.pointer);
    let Some((body, _)) =
        resolve::<SpecRequestBody>(body, "requestBodies", components.map(|c| &c.request_bodies))
    else {
        lowerer.diagnostics.push(Diagnostic::error(
            pointer,
            "cannot resolve this request body `$ref`",
        ));
        return None;
    };
    // The preferred media type the spec offers (JSON first).
    let (media_type, media, kind) = body
        .content
        .iter()
        .map(|(media_type, media)| (media_type, media, body_kind(media_type)))
        .min_by_key(|(_, _, kind)| *kind)?;
    let schema_pointer = format!(
        "{pointer}/content/{}/schema",
        escape_pointer_token(media_type)
    );
    let hint = format!("{params_name}Body");
    let body_doc = body
        .description
        .clone()
        .unwrap_or_else(|| "The request body.".to_owned());
    let whole_presence = if body.required {
        Presence::Required
    } else {
        Presence::Optional
    };
    match kind {
        BodyKind::Binary | BodyKind::Text => {
            let rust_name = field_names.claim("body");
            fields.push(Param {
                wire_name: "body".to_owned(),
                rust_name: rust_name.clone(),
                location: ParamLocation::Body,
                ty: if kind == BodyKind::Binary {
                    TypeRef::Bytes
                } else {
                    TypeRef::String
                },
                presence: whole_presence,
                null_setter: None,
                style: QueryStyle::FormExploded,
                doc: body_doc,
                example: Value::String("hello".to_owned()),
                secret: false,
                pointer: schema_pointer.clone(),
            });
            let content_type = if media_essence(media_type).contains('*') {
                "application/octet-stream".to_owned()
            } else {
                media_type.clone()
            };
            return Some(if kind == BodyKind::Binary {
                RequestBody::Binary {
                    field: rust_name,
                    content_type,
                }
            } else {
                RequestBody::Text {
                    field: rust_name,
                    content_type,
                }
            });
        }
        BodyKind::Json | BodyKind::Form | BodyKind::Multipart => {}
    }
    let Some(schema) = media.schema.as_ref() else {
        if kind == BodyKind::Json {
            return None;
        }
        lowerer.diagnostics.push(Diagnostic::warning(
            schema_pointer,
            "a form body without a schema has no fields to send; the body is left out",
        ));
        return None;
    };
    let view: SchemaView<'a> = schema.into();
    let media_pointer = format!("{pointer}/content/{}", escape_pointer_token(media_type));
    let examples = media_examples(media, lowerer_components(lowerer), &media_pointer);
    let body_example =
        lowerer
            .examples()
            .media_body(view, media.example.as_ref(), &examples, &media_pointer);
    if let Some(properties) = lowerer.body_fields(view, &schema_pointer, &hint) {
        for field in properties {
            let doc = field.doc().into_owned();
            let pointer = field.pointer();
            let secret = field.secret();
            let ty = if kind == BodyKind::Multipart {
                lowerer.file_type(&field.ty, view, &schema_pointer, &field.wire_name)
            } else {
                field.ty
            };
            fields.push(Param {
                rust_name: field_names.claim(&field.rust_name),
                location: ParamLocation::Body,
                ty,
                presence: field.presence,
                null_setter: None,
                style: QueryStyle::FormExploded,
                doc,
                example: body_example
                    .get(&field.wire_name)
                    .cloned()
                    .unwrap_or(Value::Null),
                secret,
                wire_name: field.wire_name,
                pointer,
            });
        }
        return Some(match kind {
            BodyKind::Form => RequestBody::Form,
            BodyKind::Multipart => RequestBody::Multipart,
            _ => RequestBody::JsonFields {
                required: body.required,
            },
        });
    }
    if kind != BodyKind::Json {
        // An object without properties (Stripe's `DELETE` bodies) is a form with no fields.
        if lowerer.is_empty_object(view, &schema_pointer) {
            return Some(if kind == BodyKind::Form {
                RequestBody::Form
            } else {
                RequestBody::Multipart
            });
        }
        lowerer.diagnostics.push(Diagnostic::warning(
            schema_pointer,
            "a form body whose schema is not an object has no fields to send; the body is left out",
        ));
        return None;
    }
    let (ty, nullable) = lowerer.type_of(view, &hint, &schema_pointer);
    let rust_name = field_names.claim("body");
    fields.push(Param {
        wire_name: "body".to_owned(),
        rust_name: rust_name.clone(),
        location: ParamLocation::Body,
        ty,
        presence: match (body.required, nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, _) => Presence::Optional,
        },
        null_setter: None,
        style: QueryStyle::FormExploded,
        doc: body_doc,
        example: body_example,
        secret: false,
        pointer: schema_pointer,
    });
    Some(RequestBody::JsonValue { field: rust_name })
}

/// A request body the config gives in place of the spec's (a spec gap: LlamaCloud's
/// `POST /api/v2/parse/upload` declares none, though the server takes a multipart
/// file and a JSON `configuration`).
pub(super) fn override_body<'a>(
    op: &SpecOp<'a>,
    override_: &crate::config::OperationOverride,
    params_name: &str,
    lowerer: &mut TypeLowerer<'a>,
    fields: &mut Vec<Param>,
    field_names: &mut Namespace,
) -> Option<RequestBody> {
    let pointer = format!("{}/requestBody", op.pointer);
    if override_.request_content_type.as_deref() != Some("multipart/form-data") {
        lowerer.diagnostics.push(Diagnostic::error(
            pointer,
            "the config's `request_content_type` must be `multipart/form-data`, the one media type a body override supports",
        ));
        return None;
    }
    for (name, field) in &override_.request_fields {
        let ty = if field.file {
            TypeRef::File
        } else if let Some(schema) = &field.schema {
            let hint = format!("{params_name}{}", names::pascal_ident(name, "Field"));
            if let Some((ty, _)) = lowerer.type_at_pointer(schema, &hint) {
                ty
            } else {
                lowerer.diagnostics.push(Diagnostic::error(
                    pointer.clone(),
                    format!("the config's body field `{name}` names the schema `{schema}`, which the spec does not have"),
                ));
                TypeRef::Json
            }
        } else {
            TypeRef::String
        };
        fields.push(Param {
            wire_name: name.clone(),
            rust_name: field_names.claim(&names::snake_ident(name, "field")),
            location: ParamLocation::Body,
            example: match &field.schema {
                Some(schema) if !field.file => {
                    lowerer.examples().body(SchemaView::Ref(schema), schema)
                }
                _ => Value::Null,
            },
            ty,
            presence: if field.required {
                Presence::Required
            } else {
                Presence::Optional
            },
            null_setter: None,
            style: QueryStyle::FormExploded,
            doc: field
                .doc
                .clone()
                .unwrap_or_else(|| format!("The `{name}` part of the multipart body.")),
            secret: false,
            pointer: pointer.clone(),
        });
    }
    Some(RequestBody::Multipart)
}
