//! Cursor pagination: one page, the next page, and a stream over every item.
//!
//! Input: a list response (`{items: [...], next_page_token: "..."}`) and the call that
//! fetched it. The field names come from a [`CursorStyle`] that the generator config
//! declares, so every SDK with cursor pages reuses this code.
//! Output: [`Page<T>`], with [`Page::next_page`] and [`Page::into_stream`]. There is
//! no next page when `items` is empty, or the cursor is empty or missing. A server
//! that sends a cursor again (the one the page was asked for, or, in a stream, any
//! earlier one) would be read forever: that is [`Error::RepeatedCursor`].

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use futures::Stream;
use futures::stream;
use serde::de::DeserializeOwned;

use crate::call::{Call, CallContext, DecodeFailure};
use crate::error::Error;

/// Where a cursor-paginated list keeps its items and cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CursorStyle {
    /// The response field holding the page's items (`items`).
    pub(crate) items: &'static str,
    /// The response field holding the next cursor (`next_page_token`).
    pub(crate) next_cursor: &'static str,
    /// The query parameter that sends the cursor back (`page_token`).
    pub(crate) cursor_param: &'static str,
}

/// A stream of every item of a list, fetching pages as it goes.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The cursor of the next page, if the server sent one.
    pub next_cursor: Option<String>,
    /// The response's other fields, as sent.
    pub extra_fields: serde_json::Map<String, serde_json::Value>,
    has_more: bool,
    context: CallContext,
}

impl<T: DeserializeOwned + Send + 'static> Page<T> {
    pub(crate) fn decode(
        status: reqwest::StatusCode,
        body: &Bytes,
        context: &CallContext,
    ) -> Result<Self, DecodeFailure> {
        let Some(style) = context.request.pagination else {
            return Err((
                ".".to_owned(),
                "the call has no pagination style".to_owned(),
            ));
        };
        let mut object: serde_json::Map<String, serde_json::Value> =
            crate::call::decode_json(status, body, context)?;
        let items = object
            .remove(style.items)
            .unwrap_or(serde_json::Value::Array(Vec::new()));
        let items: Vec<T> = serde_path_to_error::deserialize(items).map_err(|error| {
            (
                format!("{}{}", style.items, path_suffix(&error.path().to_string())),
                error.into_inner().to_string(),
            )
        })?;
        let next_cursor = object
            .get(style.next_cursor)
            .and_then(serde_json::Value::as_str)
            .filter(|cursor| !cursor.is_empty())
            .map(str::to_owned);
        Ok(Self {
            has_more: !items.is_empty() && next_cursor.is_some(),
            items,
            next_cursor,
            extra_fields: object,
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
    /// error when the cursor is the one this page was asked for.
    fn next_call(&self) -> Option<Result<Call<Self>, Error>> {
        let (Some(cursor), true) = (&self.next_cursor, self.has_more) else {
            return None;
        };
        let asked = self
            .context
            .request
            .pagination
            .and_then(|style| self.context.request.query_value(style.cursor_param));
        if asked == Some(cursor.as_str()) {
            return Some(Err(Error::RepeatedCursor {
                cursor: cursor.clone(),
            }));
        }
        let mut context = self.context.clone();
        if let Some(style) = context.request.pagination {
            context.request.set_query(style.cursor_param, cursor);
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
