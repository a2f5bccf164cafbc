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

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use futures::stream::{self, StreamExt};
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

/// An incremental decoder: feed it bytes, take complete events out.
#[derive(Debug, Default)]
pub(crate) struct SseDecoder {
    /// Bytes of the current, unfinished line.
    line: Vec<u8>,
    /// Whether the previous byte was `\r` (so a following `\n` ends nothing new).
    after_cr: bool,
    /// The event being built.
    event: SseEvent,
    /// Whether the current event has a `data:` line yet.
    has_data: bool,
}

impl SseDecoder {
    /// Feeds bytes; returns every event they complete, or the limit a line or an
    /// event went past.
    ///
    /// Lines are found a slice at a time, and one that lies whole inside `bytes` is
    /// read where it is: only a line split across chunks is copied.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, usize> {
        let mut events = std::collections::VecDeque::new();
        self.feed_into(bytes, &mut events)?;
        Ok(events.into())
    }

    /// [`Self::feed`], appending the events to `events`; returns how many it added.
    pub(crate) fn feed_into(
        &mut self,
        bytes: &[u8],
        events: &mut std::collections::VecDeque<SseEvent>,
    ) -> Result<usize, usize> {
        let before = events.len();
        let mut rest = bytes;
        while let Some(&first) = rest.first() {
            if self.after_cr && first == b'\n' {
                // The `\n` of a `\r\n` pair: the `\r` ended the line.
                self.after_cr = false;
                rest = &rest[1..];
                continue;
            }
            self.after_cr = false;
            let Some(end) = rest.iter().position(|b| matches!(b, b'\n' | b'\r')) else {
                if self.line.len() + rest.len() > MAX_LINE {
                    return Err(MAX_LINE);
                }
                self.line.extend_from_slice(rest);
                break;
            };
            if self.line.len() + end > MAX_LINE {
                return Err(MAX_LINE);
            }
            let ended = if self.line.is_empty() {
                self.end_line(&rest[..end])
            } else {
                self.line.extend_from_slice(&rest[..end]);
                let mut line = std::mem::take(&mut self.line);
                let ended = self.end_line(&line);
                // Keep the buffer's capacity for the next split line.
                line.clear();
                self.line = line;
                ended
            };
            events.extend(ended);
            if self.event.data.len() > MAX_EVENT {
                return Err(MAX_EVENT);
            }
            self.after_cr = rest[end] == b'\r';
            rest = &rest[end + 1..];
        }
        Ok(events.len() - before)
    }

    /// Whether the body ended in the middle of an event.
    pub(crate) fn is_mid_event(&self) -> bool {
        !self.line.is_empty() || self.has_data
    }

    fn end_line(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.event);
            let had_data = std::mem::replace(&mut self.has_data, false);
            return had_data.then_some(event);
        }
        if line.first() == Some(&b':') {
            return None;
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
        None
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

/// What the decoding loop carries between polls.
struct State<S> {
    chunks: S,
    decoder: SseDecoder,
    pending: std::collections::VecDeque<SseEvent>,
    done: bool,
    idle_timeout: Option<Duration>,
    /// When the last event arrived (or the stream opened): the idle timeout counts
    /// from here, so keep-alive comments alone cannot hold a stream open.
    last_event: tokio::time::Instant,
    /// When the stream ends at the latest, if the call set a total timeout.
    deadline: Option<tokio::time::Instant>,
    /// The total timeout itself, for the error.
    total: Option<Duration>,
    /// The stream's URL (redacted), for the error.
    url: String,
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
        let state = State {
            chunks,
            decoder: SseDecoder::default(),
            pending: std::collections::VecDeque::new(),
            done: false,
            idle_timeout,
            last_event: now,
            deadline: total.map(|total| now + total),
            total,
            url,
        };
        let events = stream::unfold(state, |mut state| async move {
            loop {
                if state.done {
                    return None;
                }
                if let Some(event) = state.pending.pop_front() {
                    match decode_event::<T>(&event) {
                        Decoded::Item(item) => return Some((item, state)),
                        Decoded::Done => return None,
                        Decoded::Skip => continue,
                    }
                }
                let idle_end = state.idle_timeout.map(|limit| state.last_event + limit);
                let end = match (idle_end, state.deadline) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                let next = match end {
                    Some(end) => match tokio::time::timeout_at(end, state.chunks.next()).await {
                        Ok(next) => next,
                        Err(_) => {
                            // Which of the two bounds ran out.
                            let timeout = if Some(end) == idle_end {
                                state.idle_timeout
                            } else {
                                state.total
                            };
                            Some(Err(Error::Timeout {
                                url: state.url.clone(),
                                attempts: 1,
                                timeout: timeout.unwrap_or_default(),
                            }))
                        }
                    },
                    None => state.chunks.next().await,
                };
                match next {
                    Some(Ok(bytes)) => match state.decoder.feed_into(&bytes, &mut state.pending) {
                        Ok(added) => {
                            if state
                                .pending
                                .iter()
                                .rev()
                                .take(added)
                                .any(|event| !event.data.is_empty())
                            {
                                state.last_event = tokio::time::Instant::now();
                            }
                        }
                        Err(limit) => {
                            state.done = true;
                            return Some((Err(Error::EventTooLarge { limit }), state));
                        }
                    },
                    Some(Err(error)) => {
                        state.done = true;
                        return Some((Err(error), state));
                    }
                    None => {
                        state.done = true;
                        if state.decoder.is_mid_event() {
                            let error = Error::Stream {
                                message: "the connection closed in the middle of an event"
                                    .to_owned(),
                                data: None,
                            };
                            return Some((Err(error), state));
                        }
                        return None;
                    }
                }
            }
        });
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

fn decode_event<T: DeserializeOwned>(event: &SseEvent) -> Decoded<T> {
    let data = event.data.trim();
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
                data: Some(event.data.clone()),
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
            data: Some(event.data.clone()),
        }));
    }
    Decoded::Item(
        serde_path_to_error::deserialize(&value).map_err(|error| Error::Stream {
            message: format!(
                "event does not match its type at `{}`: {}",
                error.path(),
                error.inner()
            ),
            data: Some(event.data.clone()),
        }),
    )
}

#[cfg(test)]
#[path = "tests/sse.rs"]
mod tests;
