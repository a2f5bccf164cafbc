//! Server-Sent Events: a byte-level decoder and a typed event stream.
//!
//! Input: the response body as chunks of bytes, split anywhere (even inside a UTF-8
//! character or a `\r\n` pair).
//! Output: [`EventStream<T>`], a `futures::Stream` of `Result<T, Error>` where each
//! item is one event's `data` decoded as JSON.
//!
//! Decoding follows the WHATWG rules: `event:`, `data:` (several lines are joined
//! with `\n`), `id:` and `retry:` fields; lines starting with `:` are comments; a
//! blank line ends an event, and an event without data (a keep-alive, a `retry:`-only
//! block) is skipped. `data: [DONE]` ends the stream. Unlike the published SDKs, no
//! failure is silent: data with a top-level `error` key, data that does not decode,
//! and a body that ends in the middle of an event each arrive as an `Err` item.
//!
//! Every size and wait is bounded: a line longer than 1 MiB or an event larger than
//! 16 MiB is [`Error::EventTooLarge`]; the stream times out when no event arrives
//! within its idle timeout (keep-alive comments do not count as events), and ends at
//! its total deadline when the call set one.

use std::future::Future as _;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use futures::stream::StreamExt;
use serde::de::DeserializeOwned;

use super::error::Error;

/// One raw event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SseEvent {
    /// The `event:` field, if any.
    pub(crate) event: Option<String>,
    /// The `data:` lines, joined with `\n`.
    pub(crate) data: String,
    /// The `id:` field, if any.
    pub(crate) id: Option<String>,
    /// The `retry:` field in milliseconds, if any.
    pub(crate) retry: Option<u64>,
}

/// The longest line the decoder holds.
pub(crate) const MAX_LINE: usize = 1024 * 1024;
/// The largest event's data the decoder holds.
pub(crate) const MAX_EVENT: usize = 16 * 1024 * 1024;

/// An incremental decoder: hand it bytes, and it stops at each event they complete.
///
/// The complete event is read in place ([`Self::event`]) and cleared by the next
/// call, so one event's buffers serve the whole stream: decoding allocates nothing
/// per event, and no event waits in a queue.
#[derive(Debug, Default)]
pub(crate) struct SseDecoder {
    /// Bytes of the current, unfinished line.
    line: Vec<u8>,
    /// Whether the previous byte was `\r` (so a following `\n` ends nothing new).
    after_cr: bool,
    /// The event being built, or the complete one until the next call.
    event: SseEvent,
    /// Whether the current event has a `data:` line yet.
    has_data: bool,
    /// Whether `event` is complete, to be cleared before reading on.
    complete: bool,
}

impl SseDecoder {
    /// Reads `bytes` from `*at` until an event is complete or the bytes run out, and
    /// moves `*at` past what it read. Returns whether an event is complete (it is
    /// then [`Self::event`] until the next call), or the limit a line or an event
    /// went past.
    ///
    /// Lines are found a slice at a time, and one that lies whole inside `bytes` is
    /// read where it is: only a line split across chunks is copied.
    pub(crate) fn next_event(&mut self, bytes: &[u8], at: &mut usize) -> Result<bool, usize> {
        if std::mem::take(&mut self.complete) {
            self.clear_event();
        }
        while let Some(rest) = bytes.get(*at..).filter(|rest| !rest.is_empty()) {
            if self.after_cr && rest[0] == b'\n' {
                // The `\n` of a `\r\n` pair: the `\r` ended the line.
                self.after_cr = false;
                *at += 1;
                continue;
            }
            self.after_cr = false;
            let Some(end) = rest.iter().position(|b| matches!(b, b'\n' | b'\r')) else {
                if self.line.len() + rest.len() > MAX_LINE {
                    return Err(MAX_LINE);
                }
                self.line.extend_from_slice(rest);
                *at = bytes.len();
                break;
            };
            if self.line.len() + end > MAX_LINE {
                return Err(MAX_LINE);
            }
            self.after_cr = rest[end] == b'\r';
            *at += end + 1;
            let complete = if self.line.is_empty() {
                self.end_line(&rest[..end])
            } else {
                self.line.extend_from_slice(&rest[..end]);
                let mut line = std::mem::take(&mut self.line);
                let complete = self.end_line(&line);
                // Keep the buffer's capacity for the next split line.
                line.clear();
                self.line = line;
                complete
            };
            if self.event.data.len() > MAX_EVENT {
                return Err(MAX_EVENT);
            }
            if complete {
                self.complete = true;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The event the last [`Self::next_event`] completed.
    pub(crate) fn event(&self) -> &SseEvent {
        &self.event
    }

    /// Whether the body ended in the middle of an event.
    pub(crate) fn is_mid_event(&self) -> bool {
        !self.line.is_empty() || self.has_data
    }

    /// Empties the event's fields, keeping the data buffer's capacity.
    fn clear_event(&mut self) {
        self.event.event = None;
        self.event.data.clear();
        self.event.id = None;
        self.event.retry = None;
    }

    /// Takes one line in; returns whether it completed an event.
    fn end_line(&mut self, line: &[u8]) -> bool {
        if line.is_empty() {
            // A blank line dispatches the event; one without data is dropped.
            if std::mem::replace(&mut self.has_data, false) {
                return true;
            }
            self.clear_event();
            return false;
        }
        if line.first() == Some(&b':') {
            return false;
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (text.as_ref(), ""),
        };
        match field {
            "event" => self.event.event = Some(value.to_owned()),
            "data" => {
                if self.has_data {
                    self.event.data.push('\n');
                }
                self.event.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.event.id = Some(value.to_owned()),
            "retry" => self.event.retry = value.parse().ok(),
            _ => {}
        }
        false
    }
}

/// A stream of typed events from a Server-Sent Events response.
#[must_use = "streams do nothing unless polled"]
pub struct EventStream<T> {
    inner: Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>,
}

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

/// The decoding loop: the chunk being read and the decoder's place in it, and the
/// two time bounds. Polled in place, so nothing moves per event.
struct Events<S, T> {
    chunks: S,
    /// The chunk being read, and how far.
    chunk: Bytes,
    at: usize,
    /// When that chunk arrived: an event it completes arrived then.
    arrived: tokio::time::Instant,
    decoder: SseDecoder,
    done: bool,
    idle_timeout: Option<Duration>,
    /// When the last event arrived (or the stream opened): the idle timeout counts
    /// from here, so keep-alive comments alone cannot hold a stream open.
    last_event: tokio::time::Instant,
    /// When the stream ends at the latest, if the call set a total timeout.
    deadline: Option<tokio::time::Instant>,
    /// The total timeout itself, for the error.
    total: Option<Duration>,
    /// The timer for the nearer bound, made when first waited on and then reset.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    /// The stream's URL (redacted), for the error.
    url: String,
    item: PhantomData<fn() -> T>,
}

impl<S, T> Events<S, T>
where
    S: Stream<Item = Result<Bytes, Error>> + Unpin,
{
    /// The next chunk, or a timeout error when a bound runs out first.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Error>>> {
        if let Poll::Ready(next) = self.chunks.poll_next_unpin(cx) {
            return Poll::Ready(next);
        }
        let idle_end = self.idle_timeout.map(|limit| self.last_event + limit);
        let end = match (idle_end, self.deadline) {
            (Some(a), Some(b)) => a.min(b),
            (Some(end), None) | (None, Some(end)) => end,
            (None, None) => return Poll::Pending,
        };
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(end)));
        if timer.deadline() != end {
            timer.as_mut().reset(end);
        }
        if timer.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        // Which of the two bounds ran out.
        let timeout = if Some(end) == idle_end {
            self.idle_timeout
        } else {
            self.total
        };
        Poll::Ready(Some(Err(Error::Timeout {
            url: self.url.clone(),
            attempts: 1,
            timeout: timeout.unwrap_or_default(),
        })))
    }
}

impl<S, T> Stream for Events<S, T>
where
    S: Stream<Item = Result<Bytes, Error>> + Unpin,
    T: DeserializeOwned,
{
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            match this.decoder.next_event(&this.chunk, &mut this.at) {
                Ok(true) => {
                    let data = &this.decoder.event().data;
                    if !data.is_empty() {
                        this.last_event = this.arrived;
                    }
                    match decode_event::<T>(data) {
                        Decoded::Item(item) => return Poll::Ready(Some(item)),
                        Decoded::Done => this.done = true,
                        Decoded::Skip => {}
                    }
                    continue;
                }
                Ok(false) => {}
                Err(limit) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(Error::EventTooLarge { limit })));
                }
            }
            // The chunk is used up.
            match std::task::ready!(this.poll_chunk(cx)) {
                Some(Ok(bytes)) => {
                    this.chunk = bytes;
                    this.at = 0;
                    this.arrived = tokio::time::Instant::now();
                }
                Some(Err(error)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                None => {
                    this.done = true;
                    if this.decoder.is_mid_event() {
                        return Poll::Ready(Some(Err(Error::Stream {
                            message: "the connection closed in the middle of an event".to_owned(),
                            data: None,
                        })));
                    }
                    return Poll::Ready(None);
                }
            }
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    /// Decodes a stream of byte chunks read from `url`; `idle_timeout` bounds the
    /// wait for each event, `total` the whole stream.
    pub(crate) fn from_chunks<S>(
        chunks: S,
        url: String,
        idle_timeout: Option<Duration>,
        total: Option<Duration>,
    ) -> Self
    where
        S: Stream<Item = Result<Bytes, Error>> + Send + Unpin + 'static,
    {
        let now = tokio::time::Instant::now();
        let events = Events::<S, T> {
            chunks,
            chunk: Bytes::new(),
            at: 0,
            arrived: now,
            decoder: SseDecoder::default(),
            done: false,
            idle_timeout,
            last_event: now,
            deadline: total.map(|total| now + total),
            total,
            timer: None,
            url,
            item: PhantomData,
        };
        Self {
            inner: Box::pin(events),
        }
    }

    /// Decodes a response body.
    pub(crate) fn from_response(
        response: reqwest::Response,
        idle_timeout: Option<Duration>,
        total: Option<Duration>,
    ) -> Self {
        let url = super::redact::url_text(response.url(), &[]);
        let shown = url.clone();
        let chunks = response.bytes_stream().map(move |chunk| {
            chunk.map_err(|error| {
                if error.is_timeout() {
                    Error::Timeout {
                        url: shown.clone(),
                        attempts: 1,
                        timeout: idle_timeout.unwrap_or_default(),
                    }
                } else {
                    Error::Connection(error.without_url())
                }
            })
        });
        Self::from_chunks(Box::pin(chunks), url, idle_timeout, total)
    }
}

enum Decoded<T> {
    Item(Result<T, Error>),
    Done,
    Skip,
}

/// Decodes one event's data.
fn decode_event<T: DeserializeOwned>(raw: &str) -> Decoded<T> {
    let data = raw.trim();
    if data == "[DONE]" {
        return Decoded::Done;
    }
    if data.is_empty() {
        return Decoded::Skip;
    }
    // The fast path: data that cannot hold an `error` key (it has no `"error"`, and
    // no `\u` escape that could spell one) decodes straight into the type; anything
    // else, and any failure, is decoded through a JSON value, to check and to say where.
    if !data.contains("\"error\"")
        && !data.contains("\\u")
        && let Ok(item) = serde_json::from_str::<T>(data)
    {
        return Decoded::Item(Ok(item));
    }
    let value: serde_json::Value = match serde_json::from_str(data) {
        Ok(value) => value,
        Err(error) => {
            return Decoded::Item(Err(Error::Stream {
                message: format!("event data is not JSON: {error}"),
                data: Some(raw.to_owned()),
            }));
        }
    };
    if let Some(error) = value.get("error").filter(|e| !e.is_null()) {
        let message = error
            .get("message")
            .and_then(serde_json::Value::as_str)
            .map_or_else(|| error.to_string(), str::to_owned);
        return Decoded::Item(Err(Error::Stream {
            message,
            data: Some(raw.to_owned()),
        }));
    }
    Decoded::Item(
        serde_path_to_error::deserialize(&value).map_err(|error| Error::Stream {
            message: format!(
                "event does not match its type at `{}`: {}",
                error.path(),
                error.inner()
            ),
            data: Some(raw.to_owned()),
        }),
    )
}

#[cfg(test)]
#[path = "tests/sse.rs"]
mod tests;
