//! The one request path every method goes through.
//!
//! A generated method only describes its request in a [`RequestSpec`]: the HTTP method,
//! the path pieces, and where each parameter goes. [`send`] turns that into HTTP:
//! it builds the URL (path parameters percent-encoded, absent query parameters left
//! out), adds the default and auth headers, and retries what is worth retrying with
//! exponential backoff and jitter, obeying the server's `retry-after` hints.

use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde_json::Value;

use crate::client::{AuthScheme, Client};
use crate::error::{ApiError, Error};
use crate::settings;

/// Characters escaped in one path segment: everything but RFC 3986 `pchar`s.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|');

/// A request as a generated method describes it.
#[derive(Debug, Clone)]
pub(crate) struct RequestSpec {
    pub(crate) method: Method,
    /// `resource.method`, for logs.
    pub(crate) operation: &'static str,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    cookies: Vec<String>,
    body: Option<Result<Value, String>>,
}

impl RequestSpec {
    pub(crate) fn new(method: Method, operation: &'static str) -> Self {
        Self {
            method,
            operation,
            path: String::new(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
        }
    }

    /// Appends literal path text, as written in the spec.
    pub(crate) fn path(&mut self, literal: &str) {
        self.path.push_str(literal);
    }

    /// Appends a path parameter, percent-encoded as one segment.
    pub(crate) fn path_param<T: Serialize + ?Sized>(&mut self, value: &T) {
        let text = scalar_text(&serde_json::to_value(value).unwrap_or(Value::Null));
        self.path.extend(utf8_percent_encode(&text, PATH_SEGMENT));
    }

    /// Adds a query parameter; `None` adds nothing, an array adds one pair per item.
    pub(crate) fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        push_pairs(&mut self.query, name, &value);
    }

    /// Adds a header parameter; `None` adds nothing.
    #[allow(dead_code, reason = "used by SDKs whose spec has header parameters")]
    pub(crate) fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        if !value.is_null() {
            self.headers.push((name.to_owned(), scalar_text(&value)));
        }
    }

    /// Adds a cookie parameter; `None` adds nothing.
    #[allow(dead_code, reason = "used by SDKs whose spec has cookie parameters")]
    pub(crate) fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        if !value.is_null() {
            self.cookies.push(format!("{name}={}", scalar_text(&value)));
        }
    }

    /// Sets the JSON body.
    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, body: &T) {
        self.body = Some(serde_json::to_value(body).map_err(|error| error.to_string()));
    }
}

/// A JSON value as text in a URL or header: strings bare, others as JSON.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Query pairs for one parameter: form style, exploded for arrays, `deepObject` for
/// objects; `null` is left out.
fn push_pairs(pairs: &mut Vec<(String, String)>, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Array(items) => items.iter().for_each(|item| push_pairs(pairs, name, item)),
        Value::Object(fields) => {
            for (key, field) in fields {
                push_pairs(pairs, &format!("{name}[{key}]"), field);
            }
        }
        other => pairs.push((name.to_owned(), scalar_text(other))),
    }
}

/// Per-call settings that override the client's.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body_fields: Vec<(String, Value)>,
}

/// Whether a status is worth retrying.
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// Sends the request, retrying as configured; returns the first 2xx response.
pub(crate) async fn send(
    client: &Client,
    spec: &RequestSpec,
    options: &CallOptions,
) -> Result<reqwest::Response, Error> {
    let inner = &client.inner;
    let url = build_url(&inner.base_url, &spec.path, &spec.query, &options.query);
    let body = build_body(spec, options)?;
    let max_retries = options.max_retries.unwrap_or(inner.max_retries);
    let timeout = options.timeout.unwrap_or(inner.timeout);

    let mut attempt: u32 = 0;
    loop {
        let mut headers = inner.default_headers.clone();
        if let (AuthScheme::Bearer, Some(key)) = (settings::AUTH, &inner.api_key) {
            let mut value = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
                .map_err(|_| Error::Config("the API key is not a valid header value".to_owned()))?;
            value.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        for (name, value) in spec.headers.iter().chain(&options.headers) {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|error| Error::InvalidRequest(format!("header `{name}`: {error}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|error| Error::InvalidRequest(format!("header `{name}`: {error}")))?;
            headers.insert(name, value);
        }
        if !spec.cookies.is_empty() {
            let value = HeaderValue::from_str(&spec.cookies.join("; "))
                .map_err(|error| Error::InvalidRequest(format!("cookie: {error}")))?;
            headers.insert(reqwest::header::COOKIE, value);
        }
        if !headers.contains_key("x-stainless-retry-count") {
            headers.insert("x-stainless-retry-count", HeaderValue::from(attempt));
        }
        let mut request = inner
            .http
            .request(spec.method.clone(), url.clone())
            .headers(headers)
            .timeout(timeout);
        if let Some(body) = &body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        tracing::debug!(operation = spec.operation, method = %spec.method, url = %url, attempt, "sending request");

        let outcome = request.send().await;
        let retries_left = attempt < max_retries;
        match outcome {
            Ok(response) if response.status().is_success() => {
                tracing::debug!(
                    operation = spec.operation,
                    status = response.status().as_u16(),
                    "response"
                );
                return Ok(response);
            }
            Ok(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                if retries_left && should_retry(status, &headers) {
                    let delay = retry_delay(attempt, &headers, inner.retry_base_delay);
                    tracing::info!(
                        operation = spec.operation,
                        status = status.as_u16(),
                        ?delay,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                    continue;
                }
                let body = response.bytes().await.unwrap_or_default();
                tracing::debug!(
                    operation = spec.operation,
                    status = status.as_u16(),
                    "error response"
                );
                return Err(Error::Api(Box::new(ApiError::new(status, headers, body))));
            }
            Err(error) => {
                let timed_out = error.is_timeout();
                if retries_left && (timed_out || error.is_connect() || error.is_request()) {
                    let delay = retry_delay(
                        attempt,
                        &reqwest::header::HeaderMap::new(),
                        inner.retry_base_delay,
                    );
                    tracing::info!(operation = spec.operation, error = %error.without_url_ref(), ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                    continue;
                }
                return Err(if timed_out {
                    Error::Timeout
                } else {
                    Error::Connection(error.without_url())
                });
            }
        }
    }
}

/// `without_url` for logging without consuming the error.
trait WithoutUrlRef {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrlRef for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let text = self.to_string();
        match self.url() {
            Some(url) => text.replace(url.as_str(), "<url>"),
            None => text,
        }
    }
}

fn build_url(
    base: &Url,
    path: &str,
    query: &[(String, String)],
    extra: &[(String, String)],
) -> Url {
    let mut url = base.clone();
    let joined = format!("{}{}", base.path().trim_end_matches('/'), path);
    url.set_path(&joined);
    if !query.is_empty() || !extra.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in query.iter().chain(extra) {
            pairs.append_pair(name, value);
        }
    }
    url
}

fn build_body(spec: &RequestSpec, options: &CallOptions) -> Result<Option<Bytes>, Error> {
    let mut body = match &spec.body {
        None if options.body_fields.is_empty() => return Ok(None),
        None => Value::Object(serde_json::Map::new()),
        Some(Ok(value)) => value.clone(),
        Some(Err(message)) => return Err(Error::InvalidRequest(format!("body: {message}"))),
    };
    if !options.body_fields.is_empty() {
        let Some(object) = body.as_object_mut() else {
            return Err(Error::InvalidRequest(
                "extra body fields need a JSON object body".to_owned(),
            ));
        };
        for (name, value) in &options.body_fields {
            object.insert(name.clone(), value.clone());
        }
    }
    serde_json::to_vec(&body)
        .map(|bytes| Some(Bytes::from(bytes)))
        .map_err(|error| Error::InvalidRequest(format!("body: {error}")))
}

/// `x-should-retry` decides first; otherwise the status does.
fn should_retry(status: StatusCode, headers: &reqwest::header::HeaderMap) -> bool {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => true,
        Some("false") => false,
        _ => retryable_status(status),
    }
}

/// The server's `retry-after-ms` or `retry-after` when within 0–60 s; otherwise
/// `min(base * 2^attempt, 16 * base)` with up to 25 % jitter taken off.
pub(crate) fn retry_delay(
    attempt: u32,
    headers: &reqwest::header::HeaderMap,
    base: Duration,
) -> Duration {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let from_server = header("retry-after-ms")
        .and_then(|text| text.parse::<f64>().ok())
        .map(|ms| ms / 1000.0)
        .or_else(|| {
            let text = header("retry-after")?;
            text.parse::<f64>().ok().or_else(|| {
                let when = httpdate::parse_http_date(text).ok()?;
                let seconds = when
                    .duration_since(std::time::SystemTime::now())
                    .map_or(0.0, |d| d.as_secs_f64());
                Some(seconds)
            })
        });
    if let Some(seconds) = from_server {
        if (0.0..=60.0).contains(&seconds) {
            return Duration::from_secs_f64(seconds);
        }
    }
    let exponent = attempt.min(16);
    let delay = (base.as_secs_f64() * 2f64.powi(i32::try_from(exponent).unwrap_or(16)))
        .min(base.as_secs_f64() * 16.0);
    let jitter = 1.0 - 0.25 * fastrand::f64();
    Duration::from_secs_f64(delay * jitter)
}
