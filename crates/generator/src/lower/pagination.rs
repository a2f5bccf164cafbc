//! How a list operation pages: recognized from the spec, or as the config says.
//!
//! Input: a lowered [`Operation`] (its query and body fields, its JSON response), the
//! types lowered so far, and whether its success response declares a `Link` header.
//! Output: a [`Pagination`] (where the items are, how the next page is asked for),
//! or none; a configured style that does not fit the operation is a located error.
//!
//! Recognized shapes, first match wins:
//! 1. a `Link` response header and a list: RFC 8288 `rel="next"` (GitHub);
//! 2. a next-URL field (`next_page_uri`, `nextLink`);
//! 3. a cursor field (`next_page_token`, `next_cursor`) answered by a cursor
//!    parameter (`page_token`, `cursor`) in the query or in a JSON body (a POST search);
//! 4. an offset parameter (`offset`, `skip`), with a limit and a total when present;
//! 5. a page-number parameter (`page`), with a page size when present.
//!
//! The items are the response itself when it is an array, else its one array field
//! (`items`, `data`, `results` ... win when there are several). Names are compared
//! without case and separators, so `pageToken` is `page_token`.

use crate::config::{PageKind, PageStyleConfig};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::ir::{Operation, PageSlot, PageStyle, Pagination, ParamLocation, ResponseBody, TypeRef};
use crate::lower::types::TypeLowerer;

const ITEM_FIELDS: &[&str] = &["items", "data", "results", "entries", "records", "values"];
const NEXT_URL_FIELDS: &[&str] = &[
    "next_page_uri",
    "next_page_url",
    "next_url",
    "next_uri",
    "next_link",
    "odata_next_link",
];
const CURSOR_FIELDS: &[&str] = &[
    "next_page_token",
    "next_cursor",
    "next_token",
    "next_page_cursor",
    "continuation_token",
];
const CURSOR_PARAMS: &[&str] = &[
    "page_token",
    "cursor",
    "next_token",
    "page_cursor",
    "continuation_token",
];
const OFFSET_PARAMS: &[&str] = &["offset", "skip"];
const LIMIT_PARAMS: &[&str] = &[
    "limit",
    "page_size",
    "per_page",
    "size",
    "top",
    "max_results",
];
const TOTAL_FIELDS: &[&str] = &["total", "total_count", "total_size", "total_results"];
const PAGE_PARAMS: &[&str] = &["page", "page_number", "page_num"];
const TOTAL_PAGE_FIELDS: &[&str] = &["total_pages", "page_count", "num_pages"];

/// A name without case or separators: `pageToken`, `page-token` and `page_token`
/// are one name; `@odata.nextLink` is `odatanextlink`.
fn folded(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_one_of(name: &str, list: &[&str]) -> bool {
    let name = folded(name);
    list.iter().any(|candidate| folded(candidate) == name)
}

/// The response's list: (items field, item type), following aliases.
fn list_of(response: &TypeRef, types: &TypeLowerer<'_>) -> Option<(Option<String>, TypeRef)> {
    if let TypeRef::Vec(item) = types.resolve_alias(response) {
        return Some((None, *item));
    }
    let fields = types.struct_fields(response)?;
    let arrays: Vec<(String, TypeRef)> = fields
        .into_iter()
        .filter_map(|(name, ty)| match types.resolve_alias(&ty) {
            TypeRef::Vec(item) => Some((name, *item)),
            _ => None,
        })
        .collect();
    let chosen = match arrays.as_slice() {
        [only] => Some(only.clone()),
        _ => {
            let preferred: Vec<_> = arrays
                .iter()
                .filter(|(name, _)| is_one_of(name, ITEM_FIELDS))
                .collect();
            match preferred.as_slice() {
                [only] => Some((*only).clone()),
                _ => None,
            }
        }
    };
    chosen.map(|(name, item)| (Some(name), item))
}

/// The response's scalar fields whose folded names are in `list`: the first one.
fn response_field(
    response: &TypeRef,
    types: &TypeLowerer<'_>,
    list: &[&str],
    want: fn(&TypeRef) -> bool,
) -> Option<String> {
    let fields = types.struct_fields(response)?;
    list.iter().find_map(|candidate| {
        fields
            .iter()
            .find(|(name, ty)| folded(name) == folded(candidate) && want(&types.resolve_alias(ty)))
            .map(|(name, _)| name.clone())
    })
}

fn is_text(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String)
}

fn is_count(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::I32 | TypeRef::I64 | TypeRef::U64 | TypeRef::Number
    )
}

/// The request field (query parameter or JSON body field) whose folded name is in
/// `list`, in the list's order.
fn request_slot(operation: &Operation, list: &[&str]) -> Option<PageSlot> {
    let fields = operation.params.as_ref().map(|params| &params.fields)?;
    list.iter().find_map(|candidate| {
        fields
            .iter()
            .find(|field| {
                matches!(field.location, ParamLocation::Query | ParamLocation::Body)
                    && folded(&field.wire_name) == folded(candidate)
            })
            .map(|field| PageSlot {
                name: field.wire_name.clone(),
                in_body: field.location == ParamLocation::Body,
            })
    })
}

/// The named request field, wherever the operation sends it.
fn named_slot(operation: &Operation, name: &str) -> Option<PageSlot> {
    operation
        .params
        .as_ref()?
        .fields
        .iter()
        .find(|field| {
            matches!(field.location, ParamLocation::Query | ParamLocation::Body)
                && field.wire_name == name
        })
        .map(|field| PageSlot {
            name: field.wire_name.clone(),
            in_body: field.location == ParamLocation::Body,
        })
}

fn json_response(operation: &Operation) -> Option<&TypeRef> {
    match &operation.response {
        ResponseBody::Json(ty) => Some(ty),
        _ => None,
    }
}

/// Recognizes the operation's pagination from its shape, or `None`.
pub fn detect(
    operation: &Operation,
    declares_link: bool,
    types: &TypeLowerer<'_>,
) -> Option<Pagination> {
    let response = json_response(operation)?;
    let (items_field, item) = list_of(response, types)?;
    let style = if declares_link {
        PageStyle::LinkHeader
    } else if let Some(field) = response_field(response, types, NEXT_URL_FIELDS, is_text) {
        PageStyle::NextUrl { field }
    } else if let (Some(field), Some(param)) = (
        response_field(response, types, CURSOR_FIELDS, is_text),
        request_slot(operation, CURSOR_PARAMS),
    ) {
        PageStyle::Cursor { field, param }
    } else if let Some(offset) = request_slot(operation, OFFSET_PARAMS) {
        PageStyle::Offset {
            offset,
            limit: request_slot(operation, LIMIT_PARAMS),
            total: response_field(response, types, TOTAL_FIELDS, is_count),
        }
    } else if let Some(page) = request_slot(operation, PAGE_PARAMS) {
        PageStyle::PageNumber {
            page,
            size: request_slot(operation, LIMIT_PARAMS),
            total_pages: response_field(response, types, TOTAL_PAGE_FIELDS, is_count),
        }
    } else {
        return None;
    };
    // A bare array without a way to ask for more is a plain list, not a page.
    Some(Pagination {
        items_field,
        style,
        item,
        detected: true,
    })
}

/// The pagination a config style describes, checked against the operation; a style
/// that does not fit is an error at the operation.
pub fn configured(
    operation: &Operation,
    style_name: &str,
    style: &PageStyleConfig,
    types: &TypeLowerer<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<Pagination> {
    let mut problems = Vec::new();
    let response = json_response(operation);
    if response.is_none() {
        problems.push("a paginated method needs a JSON response".to_owned());
    }
    let list = response.and_then(|response| match &style.items {
        Some(field) => match types
            .field_type(response, field)
            .map(|ty| types.resolve_alias(&ty))
        {
            Some(TypeRef::Vec(item)) => Some((Some(field.clone()), *item)),
            _ => {
                problems.push(format!("the response has no array field `{field}`"));
                None
            }
        },
        None => match types.resolve_alias(response) {
            TypeRef::Vec(item) => Some((None, *item)),
            _ => {
                problems
                    .push("the response is not an array; name its items with `items`".to_owned());
                None
            }
        },
    });
    let slot = |key: &str, value: Option<&String>, problems: &mut Vec<String>| {
        let Some(name) = value else {
            problems.push(format!("the style needs `{key}`"));
            return None;
        };
        let found = named_slot(operation, name);
        if found.is_none() {
            problems.push(format!(
                "the operation has no query parameter or body field `{name}` (`{key}`)"
            ));
        }
        found
    };
    let field = |key: &str, value: Option<&String>, problems: &mut Vec<String>| {
        let name = value?;
        if response.is_some_and(|response| types.field_type(response, name).is_none()) {
            problems.push(format!("the response has no field `{name}` (`{key}`)"));
        }
        Some(name.clone())
    };
    let style_ir = match style.kind {
        PageKind::Cursor => {
            let param = slot("cursor_param", style.cursor_param.as_ref(), &mut problems);
            let cursor = field("next_cursor", style.next_cursor.as_ref(), &mut problems);
            if style.next_cursor.is_none() {
                problems.push("the style needs `next_cursor`".to_owned());
            }
            param
                .zip(cursor)
                .map(|(param, field)| PageStyle::Cursor { field, param })
        }
        PageKind::Offset => {
            let offset = slot("offset_param", style.offset_param.as_ref(), &mut problems);
            let limit = style
                .limit_param
                .as_ref()
                .and_then(|_| slot("limit_param", style.limit_param.as_ref(), &mut problems));
            let total = field("total", style.total.as_ref(), &mut problems);
            offset.map(|offset| PageStyle::Offset {
                offset,
                limit,
                total,
            })
        }
        PageKind::Page => {
            let page = slot("page_param", style.page_param.as_ref(), &mut problems);
            let size = style
                .size_param
                .as_ref()
                .and_then(|_| slot("size_param", style.size_param.as_ref(), &mut problems));
            let total_pages = field("total_pages", style.total_pages.as_ref(), &mut problems);
            page.map(|page| PageStyle::PageNumber {
                page,
                size,
                total_pages,
            })
        }
        PageKind::Link => Some(PageStyle::LinkHeader),
        PageKind::NextUrl => {
            let next = field("next_url", style.next_url.as_ref(), &mut problems);
            if style.next_url.is_none() {
                problems.push("the style needs `next_url`".to_owned());
            }
            next.map(|field| PageStyle::NextUrl { field })
        }
    };
    if !problems.is_empty() {
        diagnostics.push(Diagnostic::error(
            operation.pointer.clone(),
            format!(
                "pagination style `{style_name}` does not fit this operation: {}",
                problems.join("; ")
            ),
        ));
        return None;
    }
    let (items_field, item) = list?;
    Some(Pagination {
        items_field,
        style: style_ir?,
        item,
        detected: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_case_and_separators() {
        assert!(is_one_of("pageToken", CURSOR_PARAMS));
        assert!(is_one_of("page-token", CURSOR_PARAMS));
        assert!(is_one_of("@odata.nextLink", NEXT_URL_FIELDS));
        assert!(!is_one_of("page", CURSOR_PARAMS));
    }
}
