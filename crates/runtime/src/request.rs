//! The one request path every method goes through.
//!
//! A generated method only describes its request in a [`RequestSpec`]: the HTTP method,
//! the path pieces, and where each parameter goes. [`send`] turns that into HTTP:
//! it builds the URL (path parameters percent-encoded, absent query parameters left
//! out), adds the default and auth headers, and retries what is worth retrying with
//! exponential backoff and jitter, obeying the server's `retry-after` hints.
//! Debug logs show each request with its secrets redacted.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde_json::Value;

use super::client::{AuthScheme, Client};
use super::error::{ApiError, Error};
use super::file::{FileParts, FileUpload};
use super::page::{PageStyle, Slot};

/// Characters escaped in one path segment: everything but RFC 3986's unreserved
/// characters, so no value can add a `/`, `?`, `#`, `[` or `]` to the path.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Characters escaped in a cookie value: what RFC 6265 keeps out of a `cookie-octet`
/// (so a value cannot end its cookie and start another), and `%`.
const COOKIE_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// The header a call's idempotency key goes in unless the client names another.
pub(crate) const DEFAULT_IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// The header telling the server how long the SDK waits (the published SDKs' name).
const TIMEOUT_HEADER: &str = "x-stainless-read-timeout";

/// A request body.
#[derive(Debug, Clone)]
pub(crate) enum RequestBody {
    /// JSON, kept as a value so per-call extra fields can be merged in; replayable.
    Json(Result<Value, String>),
    /// Bytes with their media type (form-urlencoded, raw, text); replayable.
    Raw(Bytes, String),
    /// A multipart form, rebuilt for each attempt; replayable.
    Multipart(Multipart),
    /// A body that can be read only once (a stream): never retried.
    OneShot {
        /// Taken by the first attempt.
        body: Arc<Mutex<Option<reqwest::Body>>>,
        /// Its content type.
        content_type: String,
    },
}

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
    body: Option<RequestBody>,
    accept: Option<&'static str>,
    /// How the response pages, for paginated methods.
    pub(crate) pagination: Option<PageStyle>,
    /// The whole URL, replacing the path and query: a next page's `Link` or URL.
    url: Option<Url>,
    /// Whether the operation is public and sends no credential.
    no_auth: bool,
    /// The schemes this operation accepts, when not every scheme of the API.
    auth: Option<&'static [AuthScheme]>,
    /// Why the request must not be sent (a path parameter that would change the
    /// path), found while it was described.
    invalid: Option<String>,
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
            accept: None,
            pagination: None,
            url: None,
            no_auth: false,
            auth: None,
            invalid: None,
        }
    }

    /// Appends literal path text, as written in the spec.
    pub(crate) fn path(&mut self, literal: &str) {
        self.path.push_str(literal);
    }

    /// Appends a path parameter, percent-encoded as one segment. A value that would
    /// change the path's structure (empty, `.` or `..`, which URL parsers resolve even
    /// when percent-encoded) makes the request invalid: it is refused before sending.
    pub(crate) fn path_param<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let text = scalar_text(&serde_json::to_value(value).unwrap_or(Value::Null));
        if matches!(text.as_str(), "" | "." | "..") && self.invalid.is_none() {
            self.invalid = Some(format!(
                "path parameter `{name}` is {text:?}, which would send the request to another path"
            ));
        }
        self.path.extend(utf8_percent_encode(&text, PATH_SEGMENT));
    }

    /// Adds a query parameter; `None` adds nothing, an array adds one pair per item.
    pub(crate) fn query<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        push_pairs(&mut self.query, name, &value);
    }

    /// The value a paging parameter was sent with, if any: a query parameter's text,
    /// or a JSON body field's value.
    pub(crate) fn slot_value(&self, slot: Slot) -> Option<Value> {
        if slot.in_body {
            match &self.body {
                Some(RequestBody::Json(Ok(Value::Object(fields)))) => fields
                    .get(slot.name)
                    .filter(|value| !value.is_null())
                    .cloned(),
                _ => None,
            }
        } else {
            self.query
                .iter()
                .rev()
                .find(|(existing, _)| existing == slot.name)
                .map(|(_, value)| Value::String(value.clone()))
        }
    }

    /// Sets a paging parameter for the next page, replacing any earlier value.
    pub(crate) fn set_slot(&mut self, slot: Slot, value: Value) {
        if slot.in_body {
            if let Some(RequestBody::Json(Ok(Value::Object(fields)))) = &mut self.body {
                fields.insert(slot.name.to_owned(), value);
            } else if self.body.is_none() {
                let mut fields = serde_json::Map::new();
                fields.insert(slot.name.to_owned(), value);
                self.body = Some(RequestBody::Json(Ok(Value::Object(fields))));
            }
        } else {
            self.query.retain(|(existing, _)| existing != slot.name);
            self.query.push((slot.name.to_owned(), scalar_text(&value)));
        }
    }

    /// The whole URL set for a next page, if any.
    pub(crate) fn url(&self) -> Option<&Url> {
        self.url.as_ref()
    }

    /// Sends the request to this URL (a next page's, already checked to be on the
    /// API's origin) instead of the base URL, path and query.
    pub(crate) fn set_url(&mut self, url: Url) {
        self.url = Some(url);
    }

    /// Adds a header parameter; `None` adds nothing.
    pub(crate) fn header<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        if !value.is_null() {
            self.headers.push((name.to_owned(), scalar_text(&value)));
        }
    }

    /// Adds a cookie parameter; `None` adds nothing.
    pub(crate) fn cookie<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        if !value.is_null() {
            // Escaped, so a value cannot end this cookie and add another.
            let text = scalar_text(&value);
            self.cookies.push(format!(
                "{name}={}",
                utf8_percent_encode(&text, COOKIE_VALUE)
            ));
        }
    }

    /// Sets the JSON body.
    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, body: &T) {
        self.body = Some(RequestBody::Json(
            serde_json::to_value(body).map_err(|error| error.to_string()),
        ));
    }

    /// Sets an `application/x-www-form-urlencoded` body from the serializable fields:
    /// arrays repeat the key, objects use `key[field]`.
    pub(crate) fn form<T: Serialize + ?Sized>(&mut self, body: &T) {
        let value = serde_json::to_value(body).unwrap_or(Value::Null);
        let mut pairs = Vec::new();
        if let Value::Object(fields) = &value {
            for (name, field) in fields {
                push_pairs(&mut pairs, name, field);
            }
        }
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.body = Some(RequestBody::Raw(
            Bytes::from(encoded),
            "application/x-www-form-urlencoded".to_owned(),
        ));
    }

    /// Sets a multipart body.
    pub(crate) fn multipart(&mut self, form: Multipart) {
        self.body = Some(RequestBody::Multipart(form));
    }

    /// Sets a raw body of bytes.
    pub(crate) fn bytes_body(&mut self, body: Bytes, content_type: &str) {
        self.body = Some(RequestBody::Raw(body, content_type.to_owned()));
    }

    /// Sets a text body.
    pub(crate) fn text_body(&mut self, body: String, content_type: &str) {
        self.body = Some(RequestBody::Raw(Bytes::from(body), content_type.to_owned()));
    }

    /// Sets a body that can be sent only once; such a request is never retried.
    pub(crate) fn one_shot_body(&mut self, body: reqwest::Body, content_type: &str) {
        self.body = Some(RequestBody::OneShot {
            body: Arc::new(Mutex::new(Some(body))),
            content_type: content_type.to_owned(),
        });
    }

    /// Sets the `Accept` header (`text/event-stream` for event streams).
    pub(crate) fn accept(&mut self, media_type: &'static str) {
        self.accept = Some(media_type);
    }

    /// Limits the credential to the schemes this operation's `security` accepts.
    pub(crate) fn auth(&mut self, schemes: &'static [AuthScheme]) {
        self.auth = Some(schemes);
    }

    /// Marks the operation as public: no credential is sent.
    pub(crate) fn no_auth(&mut self) {
        self.no_auth = true;
    }

    /// Marks the response as a paginated list.
    pub(crate) fn paginate(&mut self, style: PageStyle) {
        self.pagination = Some(style);
    }
}

/// A JSON value as text in a path segment or header, as OpenAPI's `simple` style
/// writes it: strings bare, arrays as `a,b`, objects as `k1,v1,k2,v2`, and other
/// scalars as JSON.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
        Value::Object(fields) => fields
            .iter()
            .flat_map(|(key, field)| [key.clone(), scalar_text(field)])
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    }
}

/// How a query parameter's value is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueryStyle {
    /// `form`, not exploded: `ids=1,2,3`; an object as `name=k1,v1,k2,v2`.
    Form,
    /// `spaceDelimited`: `ids=1 2 3`.
    SpaceDelimited,
    /// `pipeDelimited`: `ids=1|2|3`.
    PipeDelimited,
    /// `form`, exploded, for an object: each property its own parameter (`r=1&g=2`).
    FormObject,
}

impl RequestSpec {
    /// Adds a query parameter written in a non-default style.
    pub(crate) fn query_styled<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
        style: QueryStyle,
    ) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        let joined = |items: &mut dyn Iterator<Item = String>, separator: &str| {
            items.collect::<Vec<_>>().join(separator)
        };
        let separator = match style {
            QueryStyle::SpaceDelimited => " ",
            QueryStyle::PipeDelimited => "|",
            QueryStyle::Form | QueryStyle::FormObject => ",",
        };
        match (&value, style) {
            (Value::Null, _) => {}
            (Value::Object(fields), QueryStyle::FormObject) => {
                for (key, field) in fields {
                    push_pairs(&mut self.query, key, field);
                }
            }
            (Value::Array(items), _) => {
                let text = joined(&mut items.iter().map(scalar_text), separator);
                self.query.push((name.to_owned(), text));
            }
            (Value::Object(fields), _) => {
                let text = joined(
                    &mut fields
                        .iter()
                        .flat_map(|(key, field)| [key.clone(), scalar_text(field)]),
                    separator,
                );
                self.query.push((name.to_owned(), text));
            }
            (other, _) => self.query.push((name.to_owned(), scalar_text(other))),
        }
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

/// A multipart form: text fields and files, kept so every attempt can rebuild it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Multipart {
    parts: Vec<(String, MultipartPart)>,
}

#[derive(Debug, Clone)]
enum MultipartPart {
    Text(String),
    File(FileUpload),
}

impl Multipart {
    /// Adds a text field: strings as they are, other values as JSON, arrays as one
    /// part per item; `None` adds nothing.
    pub(crate) fn text<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        let items = match value {
            Value::Null => Vec::new(),
            Value::Array(items) => items,
            other => vec![other],
        };
        for item in items.iter().filter(|item| !item.is_null()) {
            // A part holds text: a string as it is, anything else as its JSON.
            let text = match item {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            self.parts
                .push((name.to_owned(), MultipartPart::Text(text)));
        }
    }

    /// Adds the files a field holds.
    pub(crate) fn file<F: FileParts + ?Sized>(&mut self, name: &str, files: &F) {
        files.each_file(&mut |file| {
            self.parts
                .push((name.to_owned(), MultipartPart::File(file.clone())));
        });
    }

    /// The whole form in memory, with its content type (`multipart/form-data;
    /// boundary=...`), so it is sent with a `Content-Length` rather than chunked.
    async fn encode(&self) -> Result<(Bytes, String), Error> {
        use futures::TryStreamExt as _;
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            let part = match part {
                MultipartPart::Text(text) => reqwest::multipart::Part::text(text.clone()),
                MultipartPart::File(file) => {
                    let filename = file.filename.clone().unwrap_or_else(|| name.clone());
                    // The caller's media type, else one guessed from the file name, else
                    // bytes: servers that sniff nothing still learn what the part is.
                    let content_type = file.content_type.clone().unwrap_or_else(|| {
                        mime_guess::from_path(&filename)
                            .first_raw()
                            .unwrap_or("application/octet-stream")
                            .to_owned()
                    });
                    reqwest::multipart::Part::stream(file.bytes.clone())
                        .file_name(filename)
                        .mime_str(&content_type)
                        .map_err(|error| Error::InvalidRequest(format!("file `{name}`: {error}")))?
                }
            };
            form = form.part(name.clone(), part);
        }
        let content_type = format!("multipart/form-data; boundary={}", form.boundary());
        let chunks: Vec<Bytes> = form
            .into_stream()
            .try_collect()
            .await
            .map_err(|error| Error::InvalidRequest(format!("multipart body: {error}")))?;
        Ok((Bytes::from(chunks.concat()), content_type))
    }
}

/// Per-call settings that override the client's.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) max_response_size: Option<u64>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body_fields: Vec<(String, Value)>,
    pub(crate) idempotency_key: Option<String>,
}

/// Whether a status is worth retrying.
pub(crate) fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// A body ready to send.
enum PreparedBody {
    /// Bytes with their content type (JSON, form, raw, a multipart form in memory).
    Bytes(Bytes, String),
    /// A body that can be read only once.
    OneShot(Arc<Mutex<Option<reqwest::Body>>>, String),
}

/// How much of a successful response [`send`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Receive {
    /// The head only: the caller reads the body as a stream (event streams). The
    /// timeout bounds the wait for the head, so a long stream is not cut off.
    Head,
    /// The whole body, within the attempt: a body cut short on an idempotent method
    /// is retried like a connection error.
    Body,
}

/// A successful response, as much of it as was asked for.
#[derive(Debug)]
pub(crate) enum Received {
    /// The head, with the body still to read.
    Head(reqwest::Response),
    /// The whole response.
    Whole {
        /// The status.
        status: StatusCode,
        /// The headers.
        headers: HeaderMap,
        /// The body, as received.
        body: Bytes,
    },
}

/// Whether a method may be sent twice with the effect of once (RFC 9110 9.2.2).
fn idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// The most of an error response's body that is kept; the rest is dropped and
/// [`ApiError::truncated`] says so.
pub(crate) const MAX_ERROR_BODY: usize = 1024 * 1024;

/// Reads a body, refusing one larger than `limit` bytes: by its `Content-Length`
/// before reading, or as soon as the bytes read pass the limit.
pub(crate) async fn read_limited(
    response: &mut reqwest::Response,
    limit: u64,
) -> Result<Bytes, ReadFailure> {
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(ReadFailure::TooLarge);
    }
    let mut body = bytes::BytesMut::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(ReadFailure::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body.freeze()),
            Err(error) => return Err(ReadFailure::Broken(error, body.freeze())),
        }
    }
}

/// Why a body could not be read whole.
#[derive(Debug)]
pub(crate) enum ReadFailure {
    /// It is larger than the limit.
    TooLarge,
    /// The connection failed, after these bytes.
    Broken(reqwest::Error, Bytes),
}

/// An error response's body, at most [`MAX_ERROR_BODY`] bytes of it, and whether
/// some was left out (too long, or the connection broke off).
async fn error_body(response: &mut reqwest::Response) -> (Bytes, bool) {
    let mut body = bytes::BytesMut::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_ERROR_BODY - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    return (body.freeze(), true);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return (body.freeze(), false),
            Err(_) => return (body.freeze(), true),
        }
    }
}

/// Whether a failed attempt may be sent again. Idempotent methods, and calls that
/// carry an idempotency key, may always be. Any other call (a POST or PATCH without a
/// key) only when the failure shows the server did not act on it: the connection was
/// never made, the server timed out waiting for the request (408), refused it for the
/// rate (429), or said so itself (`x-should-retry: true`).
fn may_repeat(safe: bool, failure: &Failure<'_>) -> bool {
    match failure {
        Failure::Status(status, headers) if safe => should_retry(*status, headers),
        Failure::Status(status, headers) => {
            match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
                Some(flag) => flag == "true",
                None => matches!(status.as_u16(), 408 | 429),
            }
        }
        Failure::Transport { connect, .. } => *connect || safe,
    }
}

/// A failed attempt, as [`may_repeat`] judges it.
enum Failure<'a> {
    /// An error status.
    Status(StatusCode, &'a HeaderMap),
    /// No response: a timeout, or a connection error (`connect`: before anything was sent).
    Transport {
        /// The attempt timed out.
        timed_out: bool,
        /// The connection was never made.
        connect: bool,
    },
}

/// Sends the request, retrying as configured; returns the first 2xx response.
///
/// The whole call, retries and their waits included, stays within its total timeout
/// (by default the attempt timeout once per attempt allowed): a wait that would
/// overrun it, such as a long `retry-after`, ends the call with the error instead.
pub(crate) async fn send(
    client: &Client,
    spec: &RequestSpec,
    options: &CallOptions,
    receive: Receive,
) -> Result<Received, Error> {
    if let Some(reason) = &spec.invalid {
        return Err(Error::InvalidRequest(reason.clone()));
    }
    let inner = &client.inner;
    let started = tokio::time::Instant::now();
    let streaming = receive == Receive::Head;
    let mut url = match &spec.url {
        Some(url) => url.clone(),
        None => build_url(&inner.base_url, &spec.path, &spec.query, &options.query),
    };
    if let (false, Some((name, key))) = (spec.no_auth, auth_query(client, spec)) {
        if spec.url.is_some() {
            // A next page's URL may echo the key: it is sent once, as configured.
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(existing, _)| existing != name)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
        url.query_pairs_mut().append_pair(name, &key);
    }
    let body = prepare_body(spec, options).await?;
    let replayable = !matches!(body, Some(PreparedBody::OneShot(..)));
    let max_retries = if replayable {
        options.max_retries.unwrap_or(inner.max_retries)
    } else {
        0
    };
    let timeout = options.timeout.unwrap_or(inner.timeout);
    let total = options
        .total_timeout
        .or(inner.total_timeout)
        .unwrap_or_else(|| timeout.saturating_mul(max_retries.saturating_add(1)));
    let max_body = options.max_response_size.unwrap_or(inner.max_response_size);
    let idempotency_key = idempotency_key(client, spec, options);
    let safe = idempotent(&spec.method) || idempotency_key.is_some();
    let base_headers = request_headers(client, spec, options, idempotency_key.as_deref(), timeout)?;
    // Waits the server or the backoff asks for, unless they would overrun the call.
    let wait = |delay: Duration| {
        let left = total.saturating_sub(started.elapsed());
        (delay < left).then_some(delay)
    };

    let mut attempt: u32 = 0;
    loop {
        let mut headers = base_headers.clone();
        if inner.platform_headers && !headers.contains_key("x-stainless-retry-count") {
            headers.insert("x-stainless-retry-count", HeaderValue::from(attempt));
        }
        // A `reqwest::Request` built directly: no builder, one header map per attempt.
        let mut request = reqwest::Request::new(spec.method.clone(), url.clone());
        let attempt_timeout = timeout.min(total.saturating_sub(started.elapsed()));
        if !streaming {
            *request.timeout_mut() = Some(attempt_timeout);
        }
        match &body {
            Some(PreparedBody::Bytes(bytes, content_type)) => {
                let value = HeaderValue::from_str(content_type)
                    .map_err(|error| Error::InvalidRequest(format!("content type: {error}")))?;
                headers.insert(reqwest::header::CONTENT_TYPE, value);
                *request.body_mut() = Some(reqwest::Body::from(bytes.clone()));
            }
            Some(PreparedBody::OneShot(slot, content_type)) => {
                let taken = slot.lock().map_or(None, |mut slot| slot.take());
                let Some(one_shot) = taken else {
                    return Err(Error::InvalidRequest(
                        "a streaming body can be sent only once".to_owned(),
                    ));
                };
                let value = HeaderValue::from_str(content_type)
                    .map_err(|error| Error::InvalidRequest(format!("content type: {error}")))?;
                headers.insert(reqwest::header::CONTENT_TYPE, value);
                *request.body_mut() = Some(one_shot);
            }
            None => {}
        }
        // Bodies can hold secrets (an embedding config's `api_key`): they reach the
        // log only when the client was built with `log_bodies(true)`.
        let logged_body = match &body {
            _ if !inner.log_bodies => "<not logged; see ClientBuilder::log_bodies>".into(),
            Some(PreparedBody::Bytes(bytes, content_type))
                if !content_type.starts_with("multipart/") =>
            {
                String::from_utf8_lossy(bytes)
            }
            Some(PreparedBody::Bytes(..)) => "<multipart>".into(),
            Some(PreparedBody::OneShot(..)) => "<stream>".into(),
            None => "".into(),
        };
        tracing::debug!(
            operation = spec.operation,
            method = %spec.method,
            url = %super::redact::url_text(&url, inner.auth),
            attempt,
            headers = ?super::redact::Redacted(&headers, inner.auth),
            body = logged_body.as_ref(),
            "sending request",
        );
        *request.headers_mut() = headers;
        let request = inner.http.execute(request);

        let outcome = if streaming {
            match tokio::time::timeout(attempt_timeout, request).await {
                Ok(outcome) => outcome.map_err(Some),
                Err(_) => Err(None),
            }
        } else {
            request.await.map_err(Some)
        };
        let retries_left = attempt < max_retries;
        let failed = match outcome {
            Ok(response) if response.status().is_success() => {
                tracing::debug!(
                    operation = spec.operation,
                    status = response.status().as_u16(),
                    headers = ?super::redact::Redacted(response.headers(), inner.auth),
                    "response",
                );
                if streaming {
                    return Ok(Received::Head(response));
                }
                let status = response.status();
                let mut response = response;
                let headers = std::mem::take(response.headers_mut());
                match read_limited(&mut response, max_body).await {
                    Ok(body) => {
                        return Ok(Received::Whole {
                            status,
                            headers,
                            body,
                        });
                    }
                    Err(ReadFailure::TooLarge) => {
                        return Err(Error::ResponseTooLarge { limit: max_body });
                    }
                    // The server answered, but the body broke off: for an idempotent
                    // method, asking again is safe.
                    Err(ReadFailure::Broken(error, _)) => {
                        let delay = retry_delay(attempt, &HeaderMap::new(), inner.retry_base_delay);
                        if let (true, true, Some(delay)) =
                            (retries_left, idempotent(&spec.method), wait(delay))
                        {
                            tracing::info!(
                                operation = spec.operation,
                                error = %error.without_url(),
                                attempt,
                                "retrying after a response body was cut short"
                            );
                            tokio::time::sleep(delay).await;
                            attempt += 1;
                            continue;
                        }
                        if error.is_timeout() {
                            return Err(Error::Timeout {
                                url: super::redact::url_text(&url, inner.auth),
                                attempts: attempt + 1,
                                timeout,
                            });
                        }
                        return Err(Error::Connection(error.without_url()));
                    }
                }
            }
            Ok(mut response) => {
                let status = response.status();
                let mut headers = std::mem::take(response.headers_mut());
                let delay = retry_delay(attempt, &headers, inner.retry_base_delay);
                if retries_left && may_repeat(safe, &Failure::Status(status, &headers)) {
                    if let Some(delay) = wait(delay) {
                        tracing::info!(
                            operation = spec.operation,
                            status = status.as_u16(),
                            ?delay,
                            attempt,
                            "retrying"
                        );
                        tokio::time::sleep(delay).await;
                        attempt += 1;
                        continue;
                    }
                }
                let (body, truncated) = error_body(&mut response).await;
                tracing::debug!(
                    operation = spec.operation,
                    status = status.as_u16(),
                    body = %if inner.log_bodies { String::from_utf8_lossy(&body) } else { "<not logged>".into() },
                    "error response",
                );
                // The error keeps the headers but not the credential schemes: the
                // API's own key header is marked here, while they are at hand.
                super::redact::mark_secrets(&mut headers, inner.auth);
                let mut error = ApiError::new(status, headers, body);
                error.truncated = truncated;
                return Err(Error::Api(error));
            }
            Err(error) => error,
        };
        let timed_out = failed.as_ref().is_none_or(reqwest::Error::is_timeout);
        let connect = failed.as_ref().is_some_and(reqwest::Error::is_connect);
        let transient =
            timed_out || connect || failed.as_ref().is_some_and(reqwest::Error::is_request);
        let delay = retry_delay(attempt, &HeaderMap::new(), inner.retry_base_delay);
        if retries_left && transient && may_repeat(safe, &Failure::Transport { timed_out, connect })
        {
            if let Some(delay) = wait(delay) {
                tracing::info!(
                    operation = spec.operation,
                    timed_out,
                    ?delay,
                    attempt,
                    "retrying after a failed attempt"
                );
                tokio::time::sleep(delay).await;
                attempt += 1;
                continue;
            }
        }
        return Err(match failed {
            Some(error) if !timed_out => Error::Connection(error.without_url()),
            _ => Error::Timeout {
                url: super::redact::url_text(&url, inner.auth),
                attempts: attempt + 1,
                timeout,
            },
        });
    }
}

/// The headers of every attempt: defaults, auth, the spec's, the call's, then the
/// idempotency key and timeout header.
fn request_headers(
    client: &Client,
    spec: &RequestSpec,
    options: &CallOptions,
    idempotency_key: Option<&str>,
    timeout: Duration,
) -> Result<HeaderMap, Error> {
    let inner = &client.inner;
    let mut headers = inner.default_headers.clone();
    if let Some(accept) = spec.accept {
        headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static(accept));
    }
    let mut cookies = spec.cookies.clone();
    if !spec.no_auth {
        if let Some((name, mut value)) = auth_header(client, spec)? {
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        if let Some(cookie) = auth_cookie(client, spec) {
            cookies.push(cookie);
        }
    }
    if !cookies.is_empty() {
        let mut value = HeaderValue::from_str(&cookies.join("; "))
            .map_err(|error| Error::InvalidRequest(format!("cookie: {error}")))?;
        value.set_sensitive(true);
        headers.insert(reqwest::header::COOKIE, value);
    }
    for (name, value) in spec.headers.iter().chain(&options.headers) {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|error| Error::InvalidRequest(format!("header `{name}`: {error}")))?;
        let value = HeaderValue::from_str(value)
            .map_err(|error| Error::InvalidRequest(format!("header `{name}`: {error}")))?;
        headers.insert(name, value);
    }
    if let Some(key) = idempotency_key {
        let name = inner
            .idempotency_header
            .clone()
            .unwrap_or(HeaderName::from_static(DEFAULT_IDEMPOTENCY_HEADER));
        if !headers.contains_key(&name) {
            let value = HeaderValue::from_str(key)
                .map_err(|error| Error::InvalidRequest(format!("idempotency key: {error}")))?;
            headers.insert(name, value);
        }
    }
    if inner.platform_headers && !headers.contains_key(TIMEOUT_HEADER) {
        // Seconds as the published SDKs write them: `60`, `0.5`.
        let seconds = timeout.as_secs_f64();
        if let Ok(value) = HeaderValue::from_str(&format!("{seconds}")) {
            headers.insert(TIMEOUT_HEADER, value);
        }
    }
    Ok(headers)
}

/// The first scheme the operation accepts that the client has a credential for.
fn auth_scheme(client: &Client, spec: &RequestSpec) -> Option<AuthScheme> {
    let inner = &client.inner;
    let accepted = spec.auth.unwrap_or(inner.auth);
    accepted.iter().copied().find(|scheme| match scheme {
        AuthScheme::Basic => inner.basic.is_some(),
        _ => inner.api_key.is_some(),
    })
}

/// The credential as a header, for header schemes.
fn auth_header(
    client: &Client,
    spec: &RequestSpec,
) -> Result<Option<(HeaderName, HeaderValue)>, Error> {
    let inner = &client.inner;
    let invalid = |_| Error::Config("the credential is not a valid header value".to_owned());
    let (name, text) = match (auth_scheme(client, spec), &inner.api_key, &inner.basic) {
        (Some(AuthScheme::Bearer), Some(key), _) => (
            reqwest::header::AUTHORIZATION,
            format!("Bearer {}", key.expose()),
        ),
        (Some(AuthScheme::Basic), _, Some((user, password))) => {
            use base64::Engine as _;
            let encoded = base64::engine::general_purpose::STANDARD
                .encode(format!("{user}:{}", password.expose()));
            (reqwest::header::AUTHORIZATION, format!("Basic {encoded}"))
        }
        (Some(AuthScheme::ApiKeyHeader(name)), Some(key), _) => (
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("invalid auth header name `{name}`")))?,
            key.expose().to_owned(),
        ),
        _ => return Ok(None),
    };
    Ok(Some((name, HeaderValue::from_str(&text).map_err(invalid)?)))
}

/// The credential as a cookie, for cookie schemes.
fn auth_cookie(client: &Client, spec: &RequestSpec) -> Option<String> {
    match (auth_scheme(client, spec), &client.inner.api_key) {
        (Some(AuthScheme::ApiKeyCookie(name)), Some(key)) => {
            Some(format!("{name}={}", key.expose()))
        }
        _ => None,
    }
}

/// The credential as a query pair, for query schemes.
fn auth_query(client: &Client, spec: &RequestSpec) -> Option<(&'static str, String)> {
    match (auth_scheme(client, spec), &client.inner.api_key) {
        (Some(AuthScheme::ApiKeyQuery(name)), Some(key)) => Some((name, key.expose().to_owned())),
        _ => None,
    }
}

/// The call's idempotency key: the one it was given (sent whatever the client's
/// setup), or, when the client was asked to send keys, a new one for each call that
/// changes state. Retries of the call reuse it.
fn idempotency_key(client: &Client, spec: &RequestSpec, options: &CallOptions) -> Option<String> {
    if let Some(key) = &options.idempotency_key {
        return Some(key.clone());
    }
    client.inner.idempotency_header.as_ref()?;
    if matches!(spec.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return None;
    }
    Some(format!(
        "stainless-rust-retry-{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..)
    ))
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

async fn prepare_body(
    spec: &RequestSpec,
    options: &CallOptions,
) -> Result<Option<PreparedBody>, Error> {
    let mut body = match &spec.body {
        None if options.body_fields.is_empty() => return Ok(None),
        None => Value::Object(serde_json::Map::new()),
        Some(RequestBody::Json(Ok(value))) => value.clone(),
        Some(RequestBody::Json(Err(message))) => {
            return Err(Error::InvalidRequest(format!("body: {message}")));
        }
        Some(RequestBody::Raw(bytes, content_type)) => {
            return Ok(Some(PreparedBody::Bytes(
                bytes.clone(),
                content_type.clone(),
            )));
        }
        Some(RequestBody::Multipart(form)) => {
            let mut form = form.clone();
            for (name, value) in &options.body_fields {
                form.text(name, value);
            }
            let (bytes, content_type) = form.encode().await?;
            return Ok(Some(PreparedBody::Bytes(bytes, content_type)));
        }
        Some(RequestBody::OneShot { body, content_type }) => {
            return Ok(Some(PreparedBody::OneShot(
                body.clone(),
                content_type.clone(),
            )));
        }
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
        .map(|bytes| {
            Some(PreparedBody::Bytes(
                Bytes::from(bytes),
                "application/json".to_owned(),
            ))
        })
        .map_err(|error| Error::InvalidRequest(format!("body: {error}")))
}

/// `x-should-retry` decides first; otherwise the status does.
fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => true,
        Some("false") => false,
        _ => retryable_status(status),
    }
}

/// The server's `retry-after-ms` or `retry-after` when within 0–60 s; otherwise
/// `min(base * 2^attempt, 16 * base)` with up to 25 % jitter taken off (with the
/// default base of 0.5 s: 0.5, 1, 2, 4, 8, 8 ... s).
pub(crate) fn retry_delay(attempt: u32, headers: &HeaderMap, base: Duration) -> Duration {
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
    let exponent = i32::try_from(attempt.min(16)).unwrap_or(16);
    let delay = (base.as_secs_f64() * 2f64.powi(exponent)).min(base.as_secs_f64() * 16.0);
    let jitter = 1.0 - 0.25 * fastrand::f64();
    Duration::from_secs_f64(delay * jitter)
}

#[cfg(test)]
#[path = "tests/request.rs"]
mod tests;
