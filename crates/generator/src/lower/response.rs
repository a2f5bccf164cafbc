//! Stage 2, response: an operation's responses → [`ResponseBody`], its error bodies,
//! and the checks of its examples.
//!
//! Input: the spec's responses of one operation.
//! Output: the success response shape (JSON, events, bytes, text, empty, by status),
//! the typed error bodies `ApiError` reads, and the defects of the response examples.

use std::collections::BTreeMap;

use openapi_compact::{MediaType, ReferenceOr, Response, StatusCode};
use serde_json::Value;

use super::SpecOp;
use super::body::{BodyKind, body_kind, json_media, media_essence};
use super::names;
use super::names::Namespace;
use super::operation::lowerer_components;
use super::types::{SchemaView, TypeLowerer};
use crate::diagnostics::{Diagnostic, escape_pointer_token};
use crate::ir::{ErrorBody, Resource, ResponseBody, TypeDef, TypeKind, TypeRef};
use crate::load::resolve;

/// The operation's first `2XX` response, the one a call decodes (and a mock serves).
pub(super) fn success_response<'a>(
    op: &SpecOp<'a>,
) -> Option<(&'a StatusCode, &'a ReferenceOr<Response>)> {
    op.operation
        .responses
        .responses
        .iter()
        .find(|(status, _)| status_class(status) == 2)
}

/// Keeps union accessors only on the unions a successful answer reaches: those
/// are read, and the accessors are code every build compiles.
pub(super) fn keep_success_accessors(root: &Resource, types: &mut [TypeDef]) {
    fn push_refs<'t>(ty: &'t TypeRef, pending: &mut Vec<&'t str>) {
        match ty {
            TypeRef::Named(name) => pending.push(name),
            TypeRef::Vec(inner)
            | TypeRef::Map(inner)
            | TypeRef::Option(inner)
            | TypeRef::Boxed(inner) => {
                push_refs(inner, pending);
            }
            _ => {}
        }
    }
    let mut pending: Vec<&str> = Vec::new();
    let mut stack = vec![root];
    let mut answers = Vec::new();
    while let Some(resource) = stack.pop() {
        stack.extend(resource.children.iter());
        for operation in &resource.operations {
            match &operation.response {
                ResponseBody::Json(ty)
                | ResponseBody::EventStream(ty)
                | ResponseBody::ByStatus(ty) => {
                    answers.push(ty.clone());
                }
                _ => {}
            }
            if let Some(pagination) = &operation.pagination {
                answers.push(pagination.item.clone());
            }
        }
    }
    for ty in &answers {
        push_refs(ty, &mut pending);
    }
    let index: BTreeMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(at, def)| (def.name.clone(), at))
        .collect();
    let mut reached = vec![false; types.len()];
    while let Some(name) = pending.pop() {
        let Some(&at) = index.get(name) else {
            continue;
        };
        if std::mem::replace(&mut reached[at], true) {
            continue;
        }
        let mut next = Vec::new();
        match &types[at].kind {
            TypeKind::Struct(def) => {
                for field in &def.fields {
                    push_refs(&field.ty, &mut next);
                }
            }
            TypeKind::TaggedUnion { variants, .. } | TypeKind::UntaggedUnion(variants) => {
                for variant in variants {
                    push_refs(&variant.ty, &mut next);
                }
            }
            TypeKind::Alias(target) => push_refs(target, &mut next),
            TypeKind::StatusUnion(variants) => {
                for ty in variants.iter().filter_map(|variant| variant.ty.as_ref()) {
                    push_refs(ty, &mut next);
                }
            }
            TypeKind::StringEnum(_) => {}
        }
        // Named by `types` itself, which outlives the walk.
        pending.extend(
            next.into_iter()
                .filter_map(|name| index.get(name).map(|&at| types[at].name.as_str())),
        );
    }
    for (def, reached) in types.iter_mut().zip(reached) {
        if !reached {
            def.accessors.clear();
        }
    }
}

/// Whether the operation's success response declares a `Link` header (RFC 8288
/// paging, as GitHub's lists do).
pub(super) fn declares_link(op: &SpecOp<'_>, lowerer: &TypeLowerer<'_>) -> bool {
    let components = lowerer_components(lowerer);
    success_response(op)
        .and_then(|(_, response)| {
            resolve::<Response>(response, "responses", components.map(|c| &c.responses))
        })
        .is_some_and(|(response, _)| {
            response
                .headers
                .keys()
                .any(|name| name.eq_ignore_ascii_case("link"))
        })
}

/// A status code's class (`2` for `201` and for `2XX`).
pub(super) fn status_class(status: &StatusCode) -> u16 {
    match status {
        StatusCode::Code(code) => code / 100,
        StatusCode::Range(range) => *range,
    }
}

/// Whether the operation declares a response of this class (`2` for `2XX`); the
/// `default` response counts for none.
pub(super) fn declares(op: &SpecOp<'_>, class: u16) -> bool {
    op.operation
        .responses
        .responses
        .keys()
        .any(|status| status_class(status) == class)
}

/// A media type's `examples` entries, resolved, each with the pointer of its value.
///
/// `value: null` reads as no value in the typed document, so an entry with neither a
/// value nor an external one is a `null` example (GitHub's, for its empty objects),
/// which is what a mock server serves for it.
pub(super) fn media_examples(
    media: &MediaType,
    components: Option<&openapi_compact::Components>,
    media_pointer: &str,
) -> Vec<(String, Value)> {
    let mut examples = Vec::new();
    for (name, example) in &media.examples {
        let resolved = resolve::<openapi_compact::Example>(
            example,
            "examples",
            components.map(|c| &c.examples),
        );
        if let Some((example, example_name)) = resolved
            && (example.value.is_some() || example.external_value.is_none())
        {
            let at = match example_name {
                Some(name) => format!("#/components/examples/{}", escape_pointer_token(name)),
                None => format!("{media_pointer}/examples/{}", escape_pointer_token(name)),
            };
            examples.push((
                format!("{at}/value"),
                example.value.clone().unwrap_or(Value::Null),
            ));
        }
    }
    examples
}

/// The examples of an operation's success JSON response that do not validate against
/// its schema, each `pointer: violation`, also pushed as warnings. These are what a
/// mock server (Prism) answers with: the response's first example; without one, a
/// value built from the schema's own nested examples, so those are checked then.
pub(super) fn response_example_defects<'a>(
    op: &SpecOp<'a>,
    lowerer: &mut TypeLowerer<'a>,
) -> Vec<String> {
    let components = lowerer_components(lowerer);
    let Some((status, response)) = success_response(op) else {
        return Vec::new();
    };
    let Some((response, response_name)) =
        resolve::<Response>(response, "responses", components.map(|c| &c.responses))
    else {
        return Vec::new();
    };
    let pointer = match response_name {
        Some(name) => format!("#/components/responses/{}", escape_pointer_token(name)),
        None => format!("{}/responses/{status}", op.pointer),
    };
    let Some((media_type, media)) = json_media(&response.content) else {
        return Vec::new();
    };
    let Some(schema) = &media.schema else {
        return Vec::new();
    };
    let media_pointer = format!("{pointer}/content/{}", escape_pointer_token(media_type));
    let mut examples: Vec<(String, Value)> = Vec::new();
    if let Some(example) = &media.example {
        examples.push((format!("{media_pointer}/example"), example.clone()));
    }
    examples.extend(media_examples(media, components, &media_pointer));
    let check = lowerer.examples().check();
    let view = SchemaView::from(schema);
    let mut mock_limit = None;
    let defects: Vec<(String, String)> = if examples.is_empty() {
        let schema_at = format!("{media_pointer}/schema");
        if check.is_recursive(view) {
            // Not a spec defect but the mock's own limit, listed without a warning.
            mock_limit = Some(format!(
                "{schema_at}: the schema is recursive, and the mock cuts the example it builds from it short"
            ));
        }
        check.invalid_examples_within(view, &schema_at)
    } else {
        examples
            .into_iter()
            .filter_map(|(at, value)| match check.check(view, &value) {
                crate::lower::example_check::Verdict::Invalid(violation) => Some((at, violation)),
                _ => None,
            })
            .collect()
    };
    for (at, violation) in &defects {
        lowerer.diagnostics.push(Diagnostic::warning(
            at.clone(),
            format!("this response example does not match its schema: {violation}"),
        ));
    }
    defects
        .into_iter()
        .map(|(at, violation)| format!("{at}: {violation}"))
        .chain(mock_limit)
        .collect()
}

/// Whether a config's operation reference (`METHOD /path` or an `operationId`) names `op`.
pub(super) fn matches_operation(reference: &str, op: &SpecOp<'_>) -> bool {
    reference == format!("{} {}", op.method.to_uppercase(), op.path)
        || reference == format!("{} {}", op.method.to_uppercase(), op.raw_path)
        || op.operation.operation_id.as_deref() == Some(reference)
}

/// The typed error bodies of the generated operations: each distinct (status, named
/// schema) pair among their 4xx/5xx JSON responses.
pub(super) fn lower_error_bodies<'a>(
    operations: &[SpecOp<'a>],
    generated: &[bool],
    lowerer: &mut TypeLowerer<'a>,
) -> Vec<ErrorBody> {
    let components = lowerer_components(lowerer);
    let mut bodies: Vec<ErrorBody> = Vec::new();
    let mut accessors = Namespace::with_reserved(&["new", "body_text", "body_as"]);
    for (op, _) in operations
        .iter()
        .zip(generated)
        .filter(|(_, generated)| **generated)
    {
        for (status, response) in &op.operation.responses.responses {
            let StatusCode::Code(code) = status else {
                continue;
            };
            if *code < 400 {
                continue;
            }
            let Some((response, _)) =
                resolve::<Response>(response, "responses", components.map(|c| &c.responses))
            else {
                continue;
            };
            let Some((media_type, media)) = json_media(&response.content) else {
                continue;
            };
            let Some(ReferenceOr::Reference { .. }) = &media.schema else {
                continue;
            };
            let pointer = format!(
                "{}/responses/{code}/content/{}/schema",
                op.pointer,
                escape_pointer_token(media_type)
            );
            let Some(schema) = &media.schema else {
                continue;
            };
            let (ty, _) = lowerer.type_of(schema.into(), "ErrorBody", &pointer);
            let TypeRef::Named(name) = &ty else {
                continue;
            };
            if bodies
                .iter()
                .any(|body| body.status == *code && body.ty == ty)
            {
                continue;
            }
            let accessor = accessors.claim(&names::snake_ident(name, "error_body"));
            bodies.push(ErrorBody {
                status: *code,
                ty,
                accessor,
            });
        }
    }
    bodies
}

/// The success response; when it offers both JSON and an event stream, JSON is the
/// response and the stream's event type goes to `stream_alternative`.
pub(super) fn lower_response<'a>(
    op: &SpecOp<'a>,
    hint: &str,
    override_: Option<&crate::config::OperationOverride>,
    lowerer: &mut TypeLowerer<'a>,
    stream_alternative: &mut Option<TypeRef>,
    accept: &mut Option<String>,
) -> ResponseBody {
    let components = lowerer_components(lowerer);
    // A HEAD response has no body, whatever the spec declares for it.
    if op.method.eq_ignore_ascii_case("head") {
        return ResponseBody::Empty;
    }
    if let Some(override_) = override_ {
        let event_stream = override_.response_content_type.as_deref() == Some("text/event-stream");
        if let Some(schema_pointer) = &override_.response_schema {
            let Some((ty, _)) = lowerer.type_at_pointer(schema_pointer, hint) else {
                lowerer.diagnostics.push(Diagnostic::error(
                    op.pointer.clone(),
                    format!("the config's response override names schema `{schema_pointer}`, which the spec does not have"),
                ));
                return ResponseBody::Json(TypeRef::Json);
            };
            return if event_stream {
                ResponseBody::EventStream(ty)
            } else {
                ResponseBody::Json(ty)
            };
        }
        if event_stream {
            return ResponseBody::EventStream(TypeRef::Json);
        }
    }
    if let Some(union) = lower_status_union(op, hint, lowerer) {
        return union;
    }
    let Some((status, response)) = success_response(op) else {
        return ResponseBody::Empty;
    };
    let pointer = format!("{}/responses/{status}", op.pointer);
    let Some((response, _)) =
        resolve::<Response>(response, "responses", components.map(|c| &c.responses))
    else {
        lowerer.diagnostics.push(Diagnostic::error(
            pointer,
            "cannot resolve this response `$ref`",
        ));
        return ResponseBody::Empty;
    };
    if matches!(status, StatusCode::Code(204 | 205)) || response.content.is_empty() {
        return ResponseBody::Empty;
    }
    // JSON wins when a response offers both (the stream is then opt-in by a request flag).
    let event_stream = response.content.iter().find(|(media_type, _)| {
        media_type
            .split(';')
            .next()
            .is_some_and(|m| m.trim() == "text/event-stream")
    });
    if let Some((media_type, media)) = event_stream {
        let ty = match &media.schema {
            Some(schema) => {
                let schema_pointer = format!(
                    "{pointer}/content/{}/schema",
                    escape_pointer_token(media_type)
                );
                lowerer
                    .type_of(schema.into(), &format!("{hint}Event"), &schema_pointer)
                    .0
            }
            None => TypeRef::Json,
        };
        if json_media(&response.content).is_none() {
            return ResponseBody::EventStream(ty);
        }
        *stream_alternative = Some(ty);
    }
    let Some((media_type, media)) = json_media(&response.content) else {
        // No JSON: text as a `String`, anything else as raw bytes.
        let text = response
            .content
            .keys()
            .all(|media_type| body_kind(media_type) == BodyKind::Text);
        // Ask for what the spec says comes back (a server may refuse the JSON default);
        // only media types that are valid header text are kept.
        let offered: Vec<&str> = response
            .content
            .keys()
            .map(String::as_str)
            .filter(|media_type| {
                !media_type.is_empty()
                    && media_type
                        .bytes()
                        .all(|b| (b' '..=b'~').contains(&b) && b != b',')
            })
            .collect();
        if !offered.is_empty() {
            *accept = Some(offered.join(", "));
        }
        return if text {
            ResponseBody::Text
        } else {
            ResponseBody::Bytes
        };
    };
    // Ask for the media type the spec names (`application/jwk-set+json`, `*/*`): a
    // server, or the spec's mock, may refuse `application/json` for it.
    let essence = media_essence(media_type);
    if essence != "application/json"
        && media_type
            .bytes()
            .all(|b| (b' '..=b'~').contains(&b) && b != b',')
    {
        *accept = Some(media_type.clone());
    }
    let Some(schema) = &media.schema else {
        return ResponseBody::Json(TypeRef::Json);
    };
    let schema_pointer = format!(
        "{pointer}/content/{}/schema",
        escape_pointer_token(media_type)
    );
    let (ty, nullable) = lowerer.type_of(schema.into(), hint, &schema_pointer);
    // `*/*` says nothing of JSON: a string schema there is text, binary is bytes.
    if essence == "*/*" && ty == TypeRef::String {
        return if lowerer.is_binary_schema(schema.into(), &schema_pointer) {
            ResponseBody::Bytes
        } else {
            ResponseBody::Text
        };
    }
    ResponseBody::Json(if nullable {
        TypeRef::Option(Box::new(ty))
    } else {
        ty
    })
}

/// When an operation declares several 2xx responses with different bodies (a JSON
/// type, another, or none), its response is an enum with a variant per status,
/// decoded by the status the server sends.
pub(super) fn lower_status_union<'a>(
    op: &SpecOp<'a>,
    hint: &str,
    lowerer: &mut TypeLowerer<'a>,
) -> Option<ResponseBody> {
    let components = lowerer_components(lowerer);
    let successes: Vec<_> = op
        .operation
        .responses
        .responses
        .iter()
        .filter_map(|(status, response)| match status {
            StatusCode::Code(code) if (200..300).contains(code) => Some((code, response)),
            _ => None,
        })
        .collect();
    if successes.len() < 2 {
        return None;
    }
    let mut variants: Vec<(u16, Option<TypeRef>)> = Vec::new();
    for (code, response) in successes {
        let (response, _) =
            resolve::<Response>(response, "responses", components.map(|c| &c.responses))?;
        if response.content.is_empty() || *code == 204 {
            variants.push((*code, None));
            continue;
        }
        let (media_type, media) = json_media(&response.content)?;
        let schema = media.schema.as_ref()?;
        let pointer = format!(
            "{}/responses/{code}/content/{}/schema",
            op.pointer,
            escape_pointer_token(media_type)
        );
        let (ty, _) = lowerer.type_of(schema.into(), &format!("{hint}{code}"), &pointer);
        variants.push((*code, Some(ty)));
    }
    let first = variants.first()?.1.clone();
    if variants.len() < 2 || variants.iter().all(|(_, ty)| *ty == first) {
        return None;
    }
    let name = lowerer.claim_type_name(&names::pascal_ident(hint, "Response"));
    lowerer.add_def(TypeDef {
        name: name.clone(),
        doc: format!(
            "The response of `{} {}`, which depends on the status.",
            op.method.to_uppercase(),
            op.path
        ),
        pointer: format!("{}/responses", op.pointer),
        kind: TypeKind::StatusUnion(
            variants
                .into_iter()
                .map(|(status, ty)| crate::ir::StatusVariant {
                    status,
                    rust_name: format!("Status{status}"),
                    ty,
                })
                .collect(),
        ),
        accessors: Vec::new(),
    });
    Some(ResponseBody::ByStatus(TypeRef::Named(name)))
}
