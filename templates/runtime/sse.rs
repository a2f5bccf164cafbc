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

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures::Stream;
use futures::stream::{self, StreamExt};
use serde::de::DeserializeOwned;

use crate::error::Error;

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
    /// Feeds bytes; returns every event they complete.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut events = Vec::new();
        for &byte in bytes {
            match byte {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.end_line(&line) {
                        events.push(event);
                    }
                }
                _ => {
                    self.after_cr = false;
                    self.line.push(byte);
                }
            }
        }
        events
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
}

impl<T: DeserializeOwned + Send + 'static> EventStream<T> {
    /// Decodes a stream of byte chunks; `idle_timeout` bounds the wait for each chunk.
    pub(crate) fn from_chunks<S>(chunks: S, idle_timeout: Option<Duration>) -> Self
    where
        S: Stream<Item = Result<Bytes, Error>> + Send + Unpin + 'static,
    {
        let state = State {
            chunks,
            decoder: SseDecoder::default(),
            pending: std::collections::VecDeque::new(),
            done: false,
            idle_timeout,
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
                let next = match state.idle_timeout {
                    Some(limit) => match tokio::time::timeout(limit, state.chunks.next()).await {
                        Ok(next) => next,
                        Err(_) => Some(Err(Error::Timeout)),
                    },
                    None => state.chunks.next().await,
                };
                match next {
                    Some(Ok(bytes)) => state.pending.extend(state.decoder.feed(&bytes)),
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
    ) -> Self {
        let chunks = response.bytes_stream().map(|chunk| {
            chunk.map_err(|error| {
                if error.is_timeout() {
                    Error::Timeout
                } else {
                    Error::Connection(error.without_url())
                }
            })
        });
        Self::from_chunks(Box::pin(chunks), idle_timeout)
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
mod tests {
    use super::*;

    const SAMPLE: &str = ": keep-alive comment\r\n\
        retry: 3000\r\n\
        \r\n\
        event: text_delta\r\n\
        data: {\"type\":\"text_delta\",\r\n\
        data: \"content\":\"h\u{e9}\"}\r\n\
        \r\n\
        id: 7\n\
        \n\
        data:{\"type\":\"stop\"}\r\r\
        data: [DONE]\n\n";

    fn decode_all(chunk_size: usize) -> Vec<SseEvent> {
        let mut decoder = SseDecoder::default();
        let mut events = Vec::new();
        for chunk in SAMPLE.as_bytes().chunks(chunk_size) {
            events.extend(decoder.feed(chunk));
        }
        assert!(!decoder.is_mid_event());
        events
    }

    #[test]
    fn decodes_fields_comments_and_multi_line_data() {
        let events = decode_all(SAMPLE.len());
        assert_eq!(events.len(), 3, "{events:?}");
        assert_eq!(events[0].event.as_deref(), Some("text_delta"));
        assert_eq!(
            events[0].data,
            "{\"type\":\"text_delta\",\n\"content\":\"h\u{e9}\"}"
        );
        assert_eq!(events[1].data, "{\"type\":\"stop\"}");
        assert_eq!(events[2].data, "[DONE]");
    }

    #[test]
    fn any_chunk_boundary_gives_the_same_events() {
        let whole = decode_all(SAMPLE.len());
        for size in 1..=8 {
            assert_eq!(decode_all(size), whole, "chunk size {size}");
        }
    }

    #[tokio::test]
    async fn typed_events_survive_one_byte_chunks() {
        use futures::StreamExt as _;
        let chunks = stream::iter(
            SAMPLE
                .as_bytes()
                .iter()
                .map(|byte| Ok(Bytes::from(vec![*byte])))
                .collect::<Vec<_>>(),
        );
        let events: Vec<Result<serde_json::Value, Error>> =
            EventStream::from_chunks(chunks, None).collect().await;
        let events: Vec<serde_json::Value> = events.into_iter().map(Result::unwrap).collect();
        assert_eq!(
            events,
            vec![
                serde_json::json!({"type": "text_delta", "content": "h\u{e9}"}),
                serde_json::json!({"type": "stop"}),
            ],
            "[DONE] ends the stream"
        );
    }

    #[test]
    fn a_body_cut_inside_an_event_is_mid_event() {
        let mut decoder = SseDecoder::default();
        assert!(decoder.feed(b"data: {\"type\":").is_empty());
        assert!(decoder.is_mid_event());
        let mut decoder = SseDecoder::default();
        assert!(decoder.feed(b"data: {}\n").is_empty());
        assert!(
            decoder.is_mid_event(),
            "data without the blank line is unfinished"
        );
    }
}
