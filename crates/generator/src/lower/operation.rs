//! Stage 2, operation: one spec operation → one [`Operation`] of the model.
//!
//! Input: a spec operation with its path item, the type lowerer and the config.
//! Output: the operation's name, docs, path and its parameters (merged from the path
//! item and the operation, with their query styles and presence), and its body and
//! response through `body` and `response`.

use std::fmt::Write as _;

use indexmap::IndexMap;
use openapi_compact::{Parameter, ParameterSchemaOrContent, ReferenceOr};
use serde_json::Value;

use super::SpecOp;
use super::body::{lower_body, override_body};
use super::meta::operation_auth_kinds;
use super::names::Namespace;
use super::response::{declares, lower_response, matches_operation, response_example_defects};
use super::types::TypeLowerer;
use super::{names, types};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_token};
use crate::ir::{
    Operation, Param, ParamLocation, ParamsType, PathPart, Presence, QueryStyle, ResponseBody,
    SuccessAnswer, TypeDef, TypeKind, TypeRef,
};
use crate::load::resolve;

/// The written style of a query parameter; the default (`form`, exploded) needs no
/// annotation.
pub(super) fn query_style(
    style: &openapi_compact::QueryStyle,
    explode: Option<bool>,
    ty: &TypeRef,
    lowerer: &TypeLowerer<'_>,
) -> QueryStyle {
    let is_object = matches!(ty, TypeRef::Map(_)) || lowerer.is_struct(ty);
    match (
        style,
        explode.unwrap_or(matches!(style, openapi_compact::QueryStyle::Form)),
    ) {
        (openapi_compact::QueryStyle::Form, true) if is_object => QueryStyle::FormObject,
        (openapi_compact::QueryStyle::Form, true) => QueryStyle::FormExploded,
        (openapi_compact::QueryStyle::Form, false) => QueryStyle::Form,
        (openapi_compact::QueryStyle::SpaceDelimited, _) => QueryStyle::SpaceDelimited,
        (openapi_compact::QueryStyle::PipeDelimited, _) => QueryStyle::PipeDelimited,
        (openapi_compact::QueryStyle::DeepObject, _) => QueryStyle::DeepObject,
    }
}

/// Parameter names the generated method body uses for itself.
pub(super) const RESERVED_PARAM_NAMES: &[&str] = &[
    "params",
    "self",
    "client",
    "request",
    "options",
    "extra_fields",
    "form",
    "body",
];

pub(super) fn lower_operation<'a>(
    op: &SpecOp<'a>,
    method_name: &str,
    params_name: &str,
    response_alias: Option<&str>,
    config: &Config,
    lowerer: &mut TypeLowerer<'a>,
) -> Operation {
    let mut path_params = Vec::new();
    let mut fields = Vec::new();
    let mut local_names = Namespace::with_reserved(RESERVED_PARAM_NAMES);
    // `new` and `default` would clash with the constructor and `Default::default`.
    let mut field_names = Namespace::with_reserved(&["extra_fields", "new", "default"]);

    for (parameter, pointer) in merged_parameters(op, lowerer) {
        let data = parameter.parameter_data_ref();
        let location_name = match parameter {
            Parameter::Query { .. } => "query",
            Parameter::Header { .. } => "header",
            Parameter::Path { .. } => "path",
            Parameter::Cookie { .. } => "cookie",
        };
        if config
            .skip_parameters
            .iter()
            .any(|skip| skip.name == data.name && skip.location == location_name)
        {
            continue;
        }
        let location = match parameter {
            Parameter::Query { .. } => ParamLocation::Query,
            Parameter::Header { .. } => ParamLocation::Header,
            Parameter::Path { .. } => ParamLocation::Path,
            Parameter::Cookie { .. } => ParamLocation::Cookie,
        };
        let hint = format!("{params_name}{}", names::pascal_ident(&data.name, "Param"));
        let (ty, nullable) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                lowerer.type_of(schema.into(), &hint, &format!("{pointer}/schema"))
            }
            ParameterSchemaOrContent::Content(_) => (TypeRef::Json, false),
        };
        let spec_doc = data.description.clone().or_else(|| match &data.format {
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => {
                types::schema_doc(schema)
            }
            _ => None,
        });
        let doc = match spec_doc {
            Some(doc) if location != ParamLocation::Path => {
                format!(
                    "{doc}\n\nSent as the `{}` {location_name} parameter.",
                    data.name
                )
            }
            Some(doc) => doc,
            None => format!("The `{}` {location_name} parameter.", data.name),
        };
        let presence = Presence::of_parameter(location, data.required, nullable);
        let names = if location == ParamLocation::Path {
            &mut local_names
        } else {
            &mut field_names
        };
        let style = match parameter {
            Parameter::Query { style, .. } => query_style(style, data.explode, &ty, lowerer),
            _ => QueryStyle::FormExploded,
        };
        let secret = types::is_credential(&data.name, &ty)
            || match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    lowerer.is_secret_schema(schema.into(), &format!("{pointer}/schema"))
                }
                ParameterSchemaOrContent::Content(_) => false,
            };
        let param = Param {
            wire_name: data.name.clone(),
            rust_name: names.claim(&names::snake_ident(&data.name, "param")),
            location,
            ty,
            presence,
            null_setter: None,
            style,
            doc,
            example: lowerer.examples().parameter(parameter, &pointer),
            secret,
            pointer,
        };
        if location == ParamLocation::Path {
            path_params.push(param);
        } else {
            fields.push(param);
        }
    }

    let override_ = config
        .overrides
        .iter()
        .find(|o| matches_operation(&o.operation, op));
    let body = match override_.filter(|o| o.request_content_type.is_some()) {
        Some(override_) => override_body(
            op,
            override_,
            params_name,
            lowerer,
            &mut fields,
            &mut field_names,
        ),
        None => lower_body(op, params_name, lowerer, &mut fields, &mut field_names),
    };
    let base_name = params_name.strip_suffix("Params").unwrap_or(params_name);
    let mut stream_alternative = None;
    let mut accept = None;
    let response = lower_response(
        op,
        response_alias.unwrap_or(&format!("{base_name}Response")),
        override_,
        lowerer,
        &mut stream_alternative,
        &mut accept,
    );

    let alias = match (&response, response_alias) {
        (
            ResponseBody::Json(TypeRef::Named(name))
            | ResponseBody::EventStream(TypeRef::Named(name)),
            Some(alias),
        ) if name == alias => None,
        (ResponseBody::Json(ty) | ResponseBody::EventStream(ty), Some(alias)) => {
            let alias_name = lowerer.claim_type_name(alias);
            let what = if matches!(response, ResponseBody::EventStream(_)) {
                "One event of the stream returned by"
            } else {
                "The response of"
            };
            lowerer.add_def(TypeDef {
                name: alias_name.clone(),
                doc: format!("{what} `{} {}`.", op.method.to_uppercase(), op.path),
                pointer: format!("{}/responses", op.pointer),
                kind: TypeKind::Alias(ty.clone()),
                accessors: Vec::new(),
            });
            Some(alias_name)
        }
        _ => None,
    };

    // Null setters come after every field's name, so a field that is itself named
    // `x_null` keeps its name and the setter gets a number instead.
    for field in &mut fields {
        if matches!(
            field.presence,
            Presence::OptionalNullable | Presence::RequiredNullable
        ) {
            field.null_setter =
                Some(field_names.claim(&format!("{}_null", names::bare(&field.rust_name))));
        }
    }
    let params = if fields.is_empty() {
        None
    } else {
        Some(ParamsType {
            name: lowerer.claim_type_name(params_name),
            doc: format!("Parameters of `{} {}`.", op.method.to_uppercase(), op.path),
            fields,
        })
    };

    reconcile_path_params(
        op,
        &mut path_params,
        &mut local_names,
        &mut lowerer.diagnostics,
    );
    let path = split_path(op.path, &path_params);
    let response_example_defects =
        if matches!(response, ResponseBody::EventStream(_) | ResponseBody::Empty) {
            Vec::new()
        } else {
            response_example_defects(op, lowerer)
        };
    if op.raw_path.contains('#') {
        lowerer.diagnostics.push(Diagnostic::warning(
            format!("#/paths/{}", escape_pointer_token(op.raw_path)),
            format!(
                "the path key `{}` holds a `#fragment`, which a client never sends; it is dropped",
                op.raw_path
            ),
        ));
    }
    Operation {
        method_name: method_name.to_owned(),
        http_method: op.method.to_uppercase(),
        path_template: op.path.to_owned(),
        path,
        operation_id: op.operation.operation_id.clone(),
        doc: operation_doc(op),
        deprecated: op.operation.deprecated,
        successor: None,
        no_auth: op
            .operation
            .security
            .as_ref()
            .is_some_and(|alternatives| alternatives.iter().all(indexmap::IndexMap::is_empty)),
        path_params,
        params,
        body,
        body_from_config: override_.is_some_and(|o| o.request_content_type.is_some()),
        fixed_query: op.fixed_query.clone(),
        response,
        response_alias: alias,
        pagination: None,
        stream_alternative,
        accept,
        auth: {
            let kinds = operation_auth_kinds(lowerer.document(), op);
            (!kinds.is_empty()).then_some(kinds)
        },
        response_example_defects,
        success: match (declares(op, 2), declares(op, 3)) {
            (true, _) => SuccessAnswer::Response,
            (false, true) => SuccessAnswer::Redirect,
            (false, false) => SuccessAnswer::Nothing,
        },
        pointer: op.pointer.clone(),
        // Given once the tree is complete (`name_sites`).
        site_name: String::new(),
        log_name: String::new(),
    }
}

pub(super) fn operation_doc(op: &SpecOp<'_>) -> String {
    let mut doc = String::new();
    if let Some(summary) = op
        .operation
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        doc.push_str(summary);
    }
    if let Some(description) = op
        .operation
        .description
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        doc.push_str(description);
    }
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    let _ = write!(doc, "`{} {}`", op.method.to_uppercase(), op.path);
    doc
}

/// The operation's parameters, path-item ones first unless the operation overrides them.
pub(super) fn merged_parameters<'a>(
    op: &SpecOp<'a>,
    lowerer: &mut TypeLowerer<'a>,
) -> Vec<(&'a Parameter, String)> {
    let components = lowerer_components(lowerer);
    let mut merged: IndexMap<(String, String), (&'a Parameter, String)> = IndexMap::new();
    let path_pointer = op
        .pointer
        .rsplit_once('/')
        .map_or(String::new(), |(p, _)| p.to_owned());
    let sources = [
        (&op.item.parameters, format!("{path_pointer}/parameters")),
        (
            &op.operation.parameters,
            format!("{}/parameters", op.pointer),
        ),
    ];
    for (list, base) in sources {
        for (index, parameter) in list.iter().enumerate() {
            let pointer = format!("{base}/{index}");
            match resolve(parameter, "parameters", components.map(|c| &c.parameters)) {
                Some((parameter, _)) => {
                    let data = parameter.parameter_data_ref();
                    let location = match parameter {
                        Parameter::Query { .. } => "query",
                        Parameter::Header { .. } => "header",
                        Parameter::Path { .. } => "path",
                        Parameter::Cookie { .. } => "cookie",
                    };
                    merged.insert(
                        (data.name.clone(), location.to_owned()),
                        (parameter, pointer),
                    );
                }
                None => lowerer.diagnostics.push(Diagnostic::error(
                    pointer,
                    "cannot resolve this parameter `$ref`",
                )),
            }
        }
    }
    merged.into_values().collect()
}

pub(super) fn lowerer_components<'a>(
    lowerer: &TypeLowerer<'a>,
) -> Option<&'a openapi_compact::Components> {
    lowerer.document().components.as_ref()
}

/// The `{name}` placeholders of a path template, in order.
pub(super) fn template_params(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        names.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    names
}

/// Makes the path parameters match the template: a placeholder nobody declared
/// becomes a string parameter, a declared parameter the template lacks is dropped;
/// both with a warning, since the spec contradicts itself.
pub(super) fn reconcile_path_params(
    op: &SpecOp<'_>,
    path_params: &mut Vec<Param>,
    local_names: &mut Namespace,
    diagnostics: &mut Diagnostics,
) {
    let placeholders = template_params(op.path);
    path_params.retain(|param| {
        let found = placeholders.contains(&param.wire_name.as_str());
        if !found {
            diagnostics.push(Diagnostic::warning(
                op.pointer.clone(),
                format!(
                    "path parameter `{}` does not appear in the path; it is left out",
                    param.wire_name
                ),
            ));
        }
        found
    });
    for placeholder in placeholders {
        if path_params
            .iter()
            .any(|param| param.wire_name == placeholder)
        {
            continue;
        }
        diagnostics.push(Diagnostic::warning(
            op.pointer.clone(),
            format!("the path has `{{{placeholder}}}` but declares no such parameter; it is taken as a string"),
        ));
        path_params.push(Param {
            wire_name: placeholder.to_owned(),
            rust_name: local_names.claim(&names::snake_ident(placeholder, "param")),
            location: ParamLocation::Path,
            ty: TypeRef::String,
            presence: Presence::Required,
            null_setter: None,
            style: QueryStyle::FormExploded,
            doc: format!("The `{placeholder}` path parameter."),
            example: Value::String("string".to_owned()),
            secret: false,
            pointer: op.pointer.clone(),
        });
    }
    // Positional arguments follow the template's order.
    let order = template_params(op.path);
    path_params.sort_by_key(|param| order.iter().position(|name| *name == param.wire_name));
}

/// Splits `/api/v1/chat/{session_id}` into literal text and parameters.
pub(super) fn split_path(template: &str, path_params: &[Param]) -> Vec<PathPart> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            parts.push(PathPart::Literal(rest[..open].to_owned()));
        }
        let name = &rest[open + 1..open + close];
        match path_params.iter().find(|p| p.wire_name == name) {
            Some(param) => parts.push(PathPart::Param(param.rust_name.clone())),
            None => parts.push(PathPart::Literal(rest[open..=open + close].to_owned())),
        }
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Literal(rest.to_owned()));
    }
    parts
}
