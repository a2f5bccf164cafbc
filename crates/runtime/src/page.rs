//! Pagination: one page, the next page, and a stream over every item.
//!
//! Input: a list response and the call that fetched it. Where the page keeps its
//! items and how the next page is asked for come from a [`PageStyle`] the generator
//! writes for each paginated method, so every generated SDK reuses this code:
//! - a cursor field (`next_page_token`) sent back as a query parameter or a JSON
//!   body field (a POST search);
//! - an offset and a limit (`offset`, `limit`, a `total_count`);
//! - a page number (`page`, `per_page`);
//! - the `Link: <url>; rel="next"` header (RFC 8288);
//! - a next-URL field (`next_page_uri`).
//!
//! Output: [`Page<T>`], with [`Page::next_page`] and [`Page::into_stream`]. A list
//! ends on an empty page; on a missing or empty cursor or URL; on a page shorter
//! than its limit; at its total. A next-page URL on another origin than the client's
//! base URL is not followed ([`Error::ForeignPageUrl`]), so credentials stay with the
//! API. A server that sends a cursor again (the one the page was asked for, or, in
//! a stream, any earlier one) would be read forever: that is
//! [`Error::RepeatedCursor`].

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use futures::Stream;
use futures::stream;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::call::{Call, CallContext, DecodeFailure};
use super::error::Error;

/// Where a request sends a paging value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    /// The query parameter or body field (`page_token`).
    pub(crate) name: &'static str,
    /// Whether it is a field of the JSON body.
    pub(crate) in_body: bool,
}

/// How the next page is found and asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageNext {
    /// A cursor in a response field, sent back in `param`.
    Cursor {
        /// The response field (`next_page_token`).
        field: &'static str,
        /// Where it goes back (`page_token`).
        param: Slot,
    },
    /// The next offset is this page's offset plus its item count.
    Offset {
        /// The offset parameter.
        offset: Slot,
        /// The limit parameter, also read from the response when it echoes it.
        limit: Option<Slot>,
        /// The response field holding the total.
        total: Option<&'static str>,
    },
    /// The next page number is this one plus one, counted from 1.
    PageNumber {
        /// The page parameter.
        page: Slot,
        /// The page-size parameter.
        size: Option<Slot>,
        /// The response field holding the number of pages.
        total_pages: Option<&'static str>,
    },
    /// The `Link` header's `rel="next"` URL.
    LinkHeader,
    /// A response field holding the next page's URL.
    NextUrl {
        /// The field (`next_page_uri`).
        field: &'static str,
    },
}

/// Where a paginated list keeps its items and how it pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageStyle {
    /// The response field holding the items; `None`: the response is the array.
    pub(crate) items: Option<&'static str>,
    /// How the next page is asked for.
    pub(crate) next: PageNext,
}

/// A stream of every item of a list, fetching pages as it goes.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// What asks for the next page, if there may be one: the server's cursor, the
    /// next offset or page number (as text), or the next page's URL.
    pub next_cursor: Option<String>,
    /// The response's other fields, as sent (empty when the response is an array).
    pub extra_fields: serde_json::Map<String, Value>,
    /// The response's status.
    pub status: StatusCode,
    /// The response's headers.
    pub headers: HeaderMap,
    /// The response's body, as received.
    pub body: Bytes,
    has_more: bool,
    context: CallContext,
}

/// A JSON number or string as a count.
fn count(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// The `rel="next"` target of `Link` headers (RFC 8288), as written.
fn link_next(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|link| {
            let (target, params) = link.trim().split_once(';')?;
            let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
            let next = params.split(';').any(|param| {
                param.trim().split_once('=').is_some_and(|(name, value)| {
                    name.trim().eq_ignore_ascii_case("rel")
                        && value
                            .trim()
                            .trim_matches('"')
                            .split_ascii_whitespace()
                            .any(|rel| rel.eq_ignore_ascii_case("next"))
                })
            });
            next.then(|| target.to_owned())
        })
}

impl<T: DeserializeOwned + Send + 'static> Page<T> {
    pub(crate) fn decode(
        status: StatusCode,
        headers: &HeaderMap,
        body: &Bytes,
        context: &CallContext,
    ) -> Result<Self, DecodeFailure> {
        let Some(style) = context.request.pagination else {
            return Err((
                ".".to_owned(),
                "the call has no pagination style".to_owned(),
            ));
        };
        let (items, object) = match style.items {
            Some(field) => {
                let mut object: serde_json::Map<String, Value> =
                    super::call::decode_json(status, headers, body, context)?;
                let items = object.remove(field).unwrap_or(Value::Array(Vec::new()));
                (items, object)
            }
            None => (
                super::call::decode_json(status, headers, body, context)?,
                serde_json::Map::new(),
            ),
        };
        let items: Vec<T> = serde_path_to_error::deserialize(items).map_err(|error| {
            let path = error.path().to_string();
            let path = match style.items {
                Some(field) => format!("{field}{}", path_suffix(&path)),
                None => path,
            };
            (path, error.into_inner().to_string())
        })?;
        let text = |object: &serde_json::Map<String, Value>, field: &str| {
            object
                .get(field)
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        let asked = |slot: Slot| context.request.slot_value(slot);
        let received = items.len() as u64;
        let (next_cursor, more) = match style.next {
            PageNext::Cursor { field, .. } => (text(&object, field), true),
            PageNext::NextUrl { field } => (text(&object, field), true),
            PageNext::LinkHeader => (link_next(headers), true),
            PageNext::Offset {
                offset,
                limit,
                total,
            } => {
                let start = count(asked(offset).as_ref())
                    .or_else(|| count(object.get(offset.name)))
                    .unwrap_or(0);
                let next = start.saturating_add(received);
                let limit = limit.and_then(|limit| {
                    count(asked(limit).as_ref()).or_else(|| count(object.get(limit.name)))
                });
                let total = total.and_then(|total| count(object.get(total)));
                let more = limit.is_none_or(|limit| received >= limit)
                    && total.is_none_or(|total| next < total);
                (Some(next.to_string()), more)
            }
            PageNext::PageNumber {
                page,
                size,
                total_pages,
            } => {
                let current = count(asked(page).as_ref()).unwrap_or(1);
                let size = size.and_then(|size| count(asked(size).as_ref()));
                let pages = total_pages.and_then(|field| count(object.get(field)));
                let more = size.is_none_or(|size| received >= size)
                    && pages.is_none_or(|pages| current < pages);
                (Some(current.saturating_add(1).to_string()), more)
            }
        };
        Ok(Self {
            has_more: more && !items.is_empty() && next_cursor.is_some(),
            items,
            next_cursor,
            extra_fields: object,
            status,
            headers: headers.clone(),
            body: body.clone(),
            context: context.clone(),
        })
    }

    /// Whether there is a next page.
    #[must_use]
    pub fn has_next_page(&self) -> bool {
        self.has_more
    }

    /// Fetches the next page, or `None` after the last one. The call's options
    /// (timeout, retries, extra headers) carry over.
    pub fn next_page(&self) -> impl Future<Output = Result<Option<Self>, Error>> + Send + 'static {
        let call = self.next_call();
        async move {
            match call {
                Some(Ok(call)) => call.await.map(Some),
                Some(Err(error)) => Err(error),
                None => Ok(None),
            }
        }
    }

    /// The call for the next page, built now so the future borrows nothing; an
    /// error when the server asks for the page this one was, or for another origin.
    fn next_call(&self) -> Option<Result<Call<Self>, Error>> {
        let (Some(token), true) = (&self.next_cursor, self.has_more) else {
            return None;
        };
        let style = self.context.request.pagination?;
        let mut context = self.context.clone();
        let repeated = || Error::RepeatedCursor {
            cursor: token.clone(),
        };
        match style.next {
            PageNext::Cursor { param, .. } => {
                if context
                    .request
                    .slot_value(param)
                    .as_ref()
                    .and_then(Value::as_str)
                    == Some(token.as_str())
                {
                    return Some(Err(repeated()));
                }
                context
                    .request
                    .set_slot(param, Value::String(token.clone()));
            }
            PageNext::Offset { offset: slot, .. } | PageNext::PageNumber { page: slot, .. } => {
                let number: u64 = token.parse().unwrap_or(0);
                context.request.set_slot(slot, Value::from(number));
            }
            PageNext::LinkHeader | PageNext::NextUrl { .. } => {
                let base = context.client.inner.base_url.clone();
                let current = context
                    .request
                    .url()
                    .cloned()
                    .unwrap_or_else(|| base.clone());
                let url = match current.join(token) {
                    Ok(url) if url.origin() == base.origin() => url,
                    _ => {
                        return Some(Err(Error::ForeignPageUrl { url: token.clone() }));
                    }
                };
                if context.request.url() == Some(&url) {
                    return Some(Err(repeated()));
                }
                context.request.set_url(url);
            }
        }
        Some(Ok(
            Call::page(context.client, context.request).with_options(context.options)
        ))
    }

    /// Every item of this page and the pages after it.
    pub fn into_stream(self) -> ItemStream<T> {
        items_stream(Source::Page(self))
    }
}

impl<T: DeserializeOwned + Send + 'static> Call<Page<T>> {
    /// Every item of every page, fetching pages as the stream is read.
    pub fn into_stream(self) -> ItemStream<T> {
        items_stream(Source::Call(self))
    }
}

fn path_suffix(path: &str) -> String {
    if path == "." {
        String::new()
    } else if path.starts_with('[') {
        path.to_owned()
    } else {
        format!(".{path}")
    }
}

#[allow(
    clippy::large_enum_variant,
    reason = "a stream holds one; boxing its call would cost an allocation per page"
)]
enum Source<T> {
    Call(Call<Page<T>>),
    Page(Page<T>),
}

struct Pager<T> {
    queue: VecDeque<T>,
    first: Option<Source<T>>,
    last: Option<Page<T>>,
    done: bool,
    /// Every cursor this listing has followed: one seen again is a cycle.
    seen: std::collections::HashSet<String>,
    /// An error to give once the queued items are out.
    queue_error: Option<Error>,
}

fn items_stream<T: DeserializeOwned + Send + 'static>(source: Source<T>) -> ItemStream<T> {
    let pager = Pager {
        queue: VecDeque::new(),
        first: Some(source),
        last: None,
        done: false,
        seen: std::collections::HashSet::new(),
        queue_error: None,
    };
    Box::pin(stream::unfold(pager, |mut pager| async move {
        loop {
            if let Some(item) = pager.queue.pop_front() {
                return Some((Ok(item), pager));
            }
            if let Some(error) = pager.queue_error.take() {
                return Some((Err(error), pager));
            }
            if pager.done {
                return None;
            }
            let next = match pager.first.take() {
                Some(Source::Call(call)) => call.await.map(Some),
                Some(Source::Page(page)) => Ok(Some(page)),
                // Owned, not borrowed, so the stream stays `Send` for any `T: Send`.
                None => match pager.last.take() {
                    Some(page) => page.next_page().await,
                    None => Ok(None),
                },
            };
            match next {
                Ok(Some(mut page)) => {
                    pager.queue.extend(page.items.drain(..));
                    pager.done = !page.has_next_page();
                    if let (false, Some(cursor)) = (pager.done, &page.next_cursor) {
                        if !pager.seen.insert(cursor.clone()) {
                            // The items of this page still come first.
                            pager.done = true;
                            pager.queue_error = Some(Error::RepeatedCursor {
                                cursor: cursor.clone(),
                            });
                            continue;
                        }
                    }
                    pager.last = Some(page);
                }
                Ok(None) => return None,
                Err(error) => {
                    pager.done = true;
                    return Some((Err(error), pager));
                }
            }
        }
    }))
}

#[cfg(test)]
#[path = "tests/page.rs"]
mod tests;
