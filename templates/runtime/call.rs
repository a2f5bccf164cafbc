//! A call in preparation: per-call options, then `.await` for the typed result.
//!
//! Every method returns a [`Call`]. Awaiting it sends the request and decodes the
//! response; before that, options can be changed for this call only (timeout,
//! retries, extra headers, query parameters and body fields), and
//! [`Call::with_raw_response`] returns the status and headers beside the typed body.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::Error;
use crate::request::{CallOptions, RequestSpec, send};

/// Decodes a successful response body.
type Decoder<T> = fn(&Bytes) -> Result<T, (String, String)>;

/// A prepared call. `.await` it to send it.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T> {
    client: Client,
    request: RequestSpec,
    options: CallOptions,
    decode: Decoder<T>,
}

impl<T> std::fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("operation", &self.request.operation)
            .field("method", &self.request.method)
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
    /// The body, as received.
    pub body: Bytes,
    /// The decoded body.
    pub data: T,
}

fn decode_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, (String, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer)
        .map_err(|error| (error.path().to_string(), error.into_inner().to_string()))
}

#[allow(clippy::unnecessary_wraps, reason = "all decoders share one signature")]
fn decode_empty(_body: &Bytes) -> Result<(), (String, String)> {
    Ok(())
}

impl<T: DeserializeOwned> Call<T> {
    /// A call whose response is JSON of type `T`.
    pub(crate) fn json(client: Client, request: RequestSpec) -> Self {
        Self::with_decoder(client, request, decode_json::<T>)
    }
}

impl Call<()> {
    /// A call whose response has no body.
    pub(crate) fn empty(client: Client, request: RequestSpec) -> Self {
        Self::with_decoder(client, request, decode_empty)
    }
}

impl<T> Call<T> {
    fn with_decoder(client: Client, request: RequestSpec, decode: Decoder<T>) -> Self {
        Self {
            client,
            request,
            options: CallOptions::default(),
            decode,
        }
    }

    /// Sets the timeout of each attempt of this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// Sets how many times this call is retried.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.options.max_retries = Some(max_retries);
        self
    }

    /// Adds a header to this call.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.headers.push((name.into(), value.into()));
        self
    }

    /// Adds a query parameter to this call.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.query.push((name.into(), value.into()));
        self
    }

    /// Adds (or replaces) a field of this call's JSON body.
    pub fn body_field(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.options.body_fields.push((name.into(), value.into()));
        self
    }

    /// Sends the call and returns the status and headers with the decoded body.
    pub async fn with_raw_response(self) -> Result<RawResponse<T>, Error> {
        let response = send(&self.client, &self.request, &self.options).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|error| {
            if error.is_timeout() {
                Error::Timeout
            } else {
                Error::Connection(error.without_url())
            }
        })?;
        let data = (self.decode)(&body).map_err(|(path, message)| Error::Decode {
            path,
            message,
            status,
            body: body.clone(),
        })?;
        Ok(RawResponse {
            status,
            headers,
            body,
            data,
        })
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
