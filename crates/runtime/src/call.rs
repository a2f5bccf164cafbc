//! A call in preparation: per-call options, then `.await` for the typed result.
//!
//! Every method returns a [`Call`]. Awaiting it sends the request and decodes the
//! response; before that, options can be changed for this call only (timeout,
//! retries, extra headers, query parameters and body fields, an idempotency key),
//! [`Call::with_raw_response`] returns the status and headers beside the typed body,
//! and [`Call::send_raw`] the body undecoded.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;
use super::page::Page;
use super::request::{CallOptions, Receive, Received, RequestSpec, send};
use super::sse::EventStream;

/// Everything a call needs to be sent again: pages use it to fetch the next page.
#[derive(Debug, Clone)]
pub(crate) struct CallContext {
    pub(crate) client: Client,
    pub(crate) request: RequestSpec,
    pub(crate) options: CallOptions,
}

/// A decoding failure: the path of the field that failed and what was wrong.
pub(crate) type DecodeFailure = (String, String);

/// How a successful response becomes a value.
pub(crate) enum Decoder<T> {
    /// Reads the whole body, then decodes it.
    Buffered(fn(StatusCode, &HeaderMap, &Bytes, &CallContext) -> Result<T, DecodeFailure>),
    /// Takes the response unread (event streams), with the idle timeout between
    /// events and the total deadline, if any.
    Streaming(fn(reqwest::Response, Option<Duration>, Option<Duration>) -> T),
}

/// A prepared call. `.await` it to send it.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T> {
    context: CallContext,
    decode: Decoder<T>,
}

impl<T> std::fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.context.request.operation)
            .field("method", &self.context.request.method)
            .finish_non_exhaustive()
    }
}

/// A response's status and headers with its decoded body.
#[derive(Debug, Clone)]
pub struct RawResponse<T> {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, as received (empty for event streams, which are not buffered).
    pub body: Bytes,
    /// The decoded body.
    pub data: T,
}

pub(crate) fn decode_json<T: DeserializeOwned>(
    _status: StatusCode,
    _headers: &HeaderMap,
    body: &Bytes,
    _context: &CallContext,
) -> Result<T, DecodeFailure> {
    // Plain decoding is the fast path; only a failure is decoded again, with path
    // tracking, to name the field that failed.
    serde_json::from_slice(body).map_err(|plain| {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(error) => (error.path().to_string(), error.into_inner().to_string()),
            Ok(_) => (".".to_owned(), plain.to_string()),
        }
    })
}

#[allow(clippy::unnecessary_wraps, reason = "all decoders share one signature")]
fn decode_empty(
    _status: StatusCode,
    _headers: &HeaderMap,
    _body: &Bytes,
    _context: &CallContext,
) -> Result<(), DecodeFailure> {
    Ok(())
}

impl<T: DeserializeOwned> Call<T> {
    /// A call whose response is JSON of type `T`.
    pub(crate) fn json(client: Client, request: RequestSpec) -> Self {
        Self::new(client, request, Decoder::Buffered(decode_json::<T>))
    }
}

#[allow(clippy::unnecessary_wraps, reason = "all decoders share one signature")]
fn decode_bytes(
    _status: StatusCode,
    _headers: &HeaderMap,
    body: &Bytes,
    _context: &CallContext,
) -> Result<Bytes, DecodeFailure> {
    Ok(body.clone())
}

fn decode_text(
    _status: StatusCode,
    _headers: &HeaderMap,
    body: &Bytes,
    _context: &CallContext,
) -> Result<String, DecodeFailure> {
    String::from_utf8(body.to_vec()).map_err(|error| (".".to_owned(), error.to_string()))
}

/// A response type decoded by status (generated for operations whose 2xx responses
/// differ).
pub trait StatusDecode: Sized {
    /// Decodes the body of a response with this status.
    fn decode(status: u16, body: &[u8]) -> Result<Self, serde_json::Error>;
}

fn decode_by_status<T: StatusDecode>(
    status: StatusCode,
    _headers: &HeaderMap,
    body: &Bytes,
    _context: &CallContext,
) -> Result<T, DecodeFailure> {
    T::decode(status.as_u16(), body).map_err(|error| (".".to_owned(), error.to_string()))
}

impl<T: StatusDecode> Call<T> {
    /// A call whose response type depends on the status.
    pub(crate) fn by_status(client: Client, request: RequestSpec) -> Self {
        Self::new(client, request, Decoder::Buffered(decode_by_status::<T>))
    }
}

impl Call<Bytes> {
    /// A call whose response is raw bytes.
    pub(crate) fn bytes(client: Client, request: RequestSpec) -> Self {
        Self::new(client, request, Decoder::Buffered(decode_bytes))
    }
}

impl Call<String> {
    /// A call whose response is text.
    pub(crate) fn text(client: Client, request: RequestSpec) -> Self {
        Self::new(client, request, Decoder::Buffered(decode_text))
    }
}

impl Call<()> {
    /// A call whose response has no body.
    pub(crate) fn empty(client: Client, request: RequestSpec) -> Self {
        Self::new(client, request, Decoder::Buffered(decode_empty))
    }
}

impl<T: DeserializeOwned + Send + 'static> Call<Page<T>> {
    /// A call whose response is one page of a cursor-paginated list.
    pub(crate) fn page(client: Client, request: RequestSpec) -> Self {
        Self::new(client, request, Decoder::Buffered(Page::<T>::decode))
    }
}

impl<T: DeserializeOwned + Send + 'static> Call<EventStream<T>> {
    /// A call whose response is a stream of Server-Sent Events carrying `T`.
    pub(crate) fn events(client: Client, mut request: RequestSpec) -> Self {
        request.accept("text/event-stream");
        Self::new(
            client,
            request,
            Decoder::Streaming(EventStream::<T>::from_response),
        )
    }
}

impl<T> Call<T> {
    fn new(client: Client, request: RequestSpec, decode: Decoder<T>) -> Self {
        Self {
            context: CallContext {
                client,
                request,
                options: CallOptions::default(),
            },
            decode,
        }
    }

    /// Replaces every per-call option at once (pages carry a call's options over).
    pub(crate) fn with_options(mut self, options: CallOptions) -> Self {
        self.context.options = options;
        self
    }

    /// Sets the timeout of each attempt of this call. For an event stream it bounds
    /// the wait for the response and then for each event (keep-alive comments do not
    /// count), not the whole stream; `total_timeout` bounds that.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.context.options.timeout = Some(timeout);
        self
    }

    /// Bounds this whole call, retries and their waits included (see
    /// `ClientBuilder::total_timeout`).
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.context.options.total_timeout = Some(timeout);
        self
    }

    /// Sets the largest response body this call reads, in bytes (see
    /// `ClientBuilder::max_response_size`).
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.context.options.max_response_size = Some(bytes);
        self
    }

    /// Sets how many times this call is retried.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.context.options.max_retries = Some(max_retries);
        self
    }

    /// Adds a header to this call.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.context
            .options
            .headers
            .push((name.into(), value.into()));
        self
    }

    /// Adds a query parameter to this call.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.context.options.query.push((name.into(), value.into()));
        self
    }

    /// Adds (or replaces) a field of this call's JSON body.
    pub fn body_field(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.context
            .options
            .body_fields
            .push((name.into(), value.into()));
        self
    }

    /// Sends this idempotency key with every attempt of this call, in the client's
    /// idempotency header (`Idempotency-Key` unless the client names another); no
    /// client setup is needed.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.context.options.idempotency_key = Some(key.into());
        self
    }

    /// Sends the call and returns the status and headers with the decoded body.
    pub async fn with_raw_response(self) -> Result<RawResponse<T>, Error> {
        let Self { context, decode } = self;
        let receive = match decode {
            Decoder::Streaming(_) => Receive::Head,
            Decoder::Buffered(_) => Receive::Body,
        };
        let received = send(&context.client, &context.request, &context.options, receive).await?;
        match (decode, received) {
            (Decoder::Streaming(start), Received::Head(mut response)) => {
                let idle = Some(
                    context
                        .options
                        .timeout
                        .unwrap_or(context.client.inner.timeout),
                );
                // Only a total timeout the caller set ends a stream: a chat turn may
                // stream for longer than any attempt.
                let total = context
                    .options
                    .total_timeout
                    .or(context.client.inner.total_timeout);
                let status = response.status();
                // Taken, not cloned: the body is read without them.
                let headers = std::mem::take(response.headers_mut());
                Ok(RawResponse {
                    status,
                    headers,
                    body: Bytes::new(),
                    data: start(response, idle, total),
                })
            }
            (
                Decoder::Buffered(decode),
                Received::Whole {
                    status,
                    headers,
                    body,
                },
            ) => {
                if context.client.inner.log_bodies {
                    tracing::debug!(
                        operation = context.request.operation,
                        status = status.as_u16(),
                        body = %String::from_utf8_lossy(&body),
                        "response body",
                    );
                }
                let data =
                    decode(status, &headers, &body, &context).map_err(|(path, message)| {
                        Error::Decode {
                            path,
                            message,
                            status,
                            body: body.clone(),
                        }
                    })?;
                Ok(RawResponse {
                    status,
                    headers,
                    body,
                    data,
                })
            }
            _ => Err(Error::InvalidRequest(
                "internal: the response was read in the wrong mode".to_owned(),
            )),
        }
    }

    /// Sends the call and returns the status, the headers and the body exactly as
    /// received, without decoding it, whatever the operation declares (a PNG served
    /// where the spec says JSON, an event stream read whole). `data` is the body too.
    pub async fn send_raw(self) -> Result<RawResponse<Bytes>, Error> {
        let context = self.context;
        let received = send(
            &context.client,
            &context.request,
            &context.options,
            Receive::Body,
        )
        .await?;
        match received {
            Received::Whole {
                status,
                headers,
                body,
            } => Ok(RawResponse {
                status,
                headers,
                data: body.clone(),
                body,
            }),
            Received::Head(_) => Err(Error::InvalidRequest(
                "internal: the response was read in the wrong mode".to_owned(),
            )),
        }
    }

    /// Sends the call and returns the decoded body (the same as `.await`).
    pub async fn send(self) -> Result<T, Error> {
        self.with_raw_response().await.map(|raw| raw.data)
    }
}

impl<T: Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

#[cfg(test)]
#[path = "tests/call.rs"]
mod tests;
