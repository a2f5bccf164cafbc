//! The SDK's one error type.
//!
//! Every failure a call can meet is a variant of [`Error`]: the server answered with
//! an error status ([`ApiError`], which keeps the status, headers, body and request
//! id), the connection failed, the attempt timed out, or the response could not be
//! decoded (which keeps the whole body and the path of the field that failed).
//! Nothing here ever holds the API key.

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Everything that can go wrong in a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status outside 2xx.
    #[error("{0}")]
    Api(ApiError),
    /// The request could not be sent or the connection broke.
    #[error("connection error: {0}")]
    Connection(#[source] reqwest::Error),
    /// The call ran out of time: an attempt (or an event stream's wait for its
    /// next event) took longer than its timeout, or the call's total timeout passed.
    #[error("{url} timed out after {attempts} attempt(s) (timeout {timeout:?})")]
    Timeout {
        /// The URL, with any password or API key in it redacted.
        url: String,
        /// The attempts made.
        attempts: u32,
        /// The configured timeout: of each attempt, or of the wait for the next event.
        timeout: std::time::Duration,
    },
    /// The response arrived but is not what the spec says it is.
    #[error("could not decode the response at `{path}`: {message}")]
    Decode {
        /// The path of the field that failed (`events[2].type`), `.` for the whole body.
        path: String,
        /// What was wrong.
        message: String,
        /// The HTTP status of the response.
        status: StatusCode,
        /// The whole body, as received.
        body: Bytes,
    },
    /// A Server-Sent Events stream failed: the server sent an `error` event, an event
    /// did not decode, or the connection closed in the middle of an event.
    #[error("stream error: {message}")]
    Stream {
        /// What went wrong.
        message: String,
        /// The event's data, as received, when there was one.
        data: Option<String>,
    },
    /// The request could not be built (a value failed to serialize, a bad header).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The response body is larger than the call's limit (100 MiB unless set with
    /// `ClientBuilder::max_response_size` or `Call::max_response_size`).
    #[error("the response body is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// A Server-Sent Events line or event is larger than the stream's limit.
    #[error("a stream event is larger than the limit of {limit} bytes")]
    EventTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// A listing's server sent a page cursor it had sent before: reading on would
    /// never end.
    #[error("pagination: the server repeated the cursor `{cursor}`")]
    RepeatedCursor {
        /// The cursor.
        cursor: String,
    },
    /// A listing's server named a next page on another origin than the client's base
    /// URL; it is not followed, so the credentials are not sent there.
    #[error("pagination: the next page `{url}` is not on the API's origin")]
    ForeignPageUrl {
        /// The URL, as the server wrote it.
        url: String,
    },
    /// A job waited for ended in a failure state (`FAILED`, `CANCELLED`).
    #[error("the job ended as `{status}`{}", message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    JobFailed {
        /// The status it ended with.
        status: String,
        /// The job's own error message, when it has one.
        message: Option<String>,
    },
    /// A job waited for had not ended when the wait's timeout passed.
    #[error("the job had not ended after {timeout:?}{}", status.as_ref().map(|s| format!(" (last status `{s}`)")).unwrap_or_default())]
    JobTimeout {
        /// The wait's total timeout.
        timeout: std::time::Duration,
        /// The last status seen.
        status: Option<String>,
    },
    /// A file to upload could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    File {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The client is not configured well enough to make a call.
    #[error("configuration error: {0}")]
    Config(String),
}

/// One problem a validation error (FastAPI's `{"detail": [{"loc", "msg", "type"}]}`,
/// as LlamaCloud's `HTTPValidationError`) reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ValidationProblem {
    /// Where: `body.index_ids[0]` (the `loc` items joined).
    pub path: String,
    /// What is wrong (`msg`).
    pub message: String,
    /// The kind of problem (`type`: `missing`, `string_type` ...), when given.
    pub kind: Option<String>,
}

impl std::fmt::Display for ValidationProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl Error {
    /// The kind of API error, if the server answered with an error status.
    #[must_use]
    pub fn kind(&self) -> Option<ApiErrorKind> {
        self.as_api_error().map(|error| error.kind)
    }

    /// Whether the server answered 400.
    #[must_use]
    pub fn is_bad_request(&self) -> bool {
        self.kind() == Some(ApiErrorKind::BadRequest)
    }

    /// Whether the server answered 401: the API key is missing or wrong.
    #[must_use]
    pub fn is_authentication(&self) -> bool {
        self.kind() == Some(ApiErrorKind::Authentication)
    }

    /// Whether the server answered 403.
    #[must_use]
    pub fn is_permission_denied(&self) -> bool {
        self.kind() == Some(ApiErrorKind::PermissionDenied)
    }

    /// Whether the server answered 404.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.kind() == Some(ApiErrorKind::NotFound)
    }

    /// Whether the server answered 409.
    #[must_use]
    pub fn is_conflict(&self) -> bool {
        self.kind() == Some(ApiErrorKind::Conflict)
    }

    /// Whether the server answered 422: the request failed validation (see
    /// [`Error::validation_errors`]).
    #[must_use]
    pub fn is_validation(&self) -> bool {
        self.kind() == Some(ApiErrorKind::UnprocessableEntity)
    }

    /// Whether the server answered 429.
    #[must_use]
    pub fn is_rate_limited(&self) -> bool {
        self.kind() == Some(ApiErrorKind::RateLimit)
    }

    /// Whether the server answered 500 or above.
    #[must_use]
    pub fn is_server_error(&self) -> bool {
        self.kind() == Some(ApiErrorKind::InternalServer)
    }

    /// The problems of a validation error body, for any API error whose body has
    /// FastAPI's shape (`{"detail": [{"loc": [...], "msg": "..."}]}`); empty otherwise.
    #[must_use]
    pub fn validation_errors(&self) -> Vec<ValidationProblem> {
        self.as_api_error()
            .map(ApiError::validation_errors)
            .unwrap_or_default()
    }

    /// A string `detail` of an API error body (FastAPI's `{"detail": "Not found"}`).
    #[must_use]
    pub fn detail(&self) -> Option<String> {
        self.as_api_error().and_then(ApiError::detail)
    }

    /// The HTTP status, for API and decode errors.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(error) => Some(error.status),
            Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The API error, if the server answered with an error status.
    #[must_use]
    pub fn as_api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(error) => Some(error),
            _ => None,
        }
    }

    /// Whether the SDK would retry after this error (connection errors, timeouts,
    /// 408, 409, 429 and 5xx).
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connection(_) | Self::Timeout { .. } => true,
            Self::Api(error) => super::request::retryable_status(error.status),
            _ => false,
        }
    }

    /// Whether this is a timeout.
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }
}

/// The kind of an API error, by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400.
    BadRequest,
    /// 401.
    Authentication,
    /// 403.
    PermissionDenied,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// 422.
    UnprocessableEntity,
    /// 429.
    RateLimit,
    /// 500 and above.
    InternalServer,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The kind for a status.
    #[must_use]
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest,
            401 => Self::Authentication,
            403 => Self::PermissionDenied,
            404 => Self::NotFound,
            409 => Self::Conflict,
            422 => Self::UnprocessableEntity,
            429 => Self::RateLimit,
            500.. => Self::InternalServer,
            _ => Self::Other,
        }
    }
}

/// An error status from the server, with everything it sent. Its `Debug` output
/// shows secret headers (`set-cookie` ...) as `[redacted]`.
#[derive(Clone)]
pub struct ApiError {
    /// The status.
    pub status: StatusCode,
    /// The kind, from the status.
    pub kind: ApiErrorKind,
    /// The response headers (boxed, so that [`Error`] stays small).
    pub headers: Box<HeaderMap>,
    /// The body, as received (at most 1 MiB of it).
    pub body: Bytes,
    /// Whether the body was longer than 1 MiB, or broke off, and `body` holds only
    /// its start.
    pub truncated: bool,
    /// The server's request id (`x-request-id`), if it sent one.
    pub request_id: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Bytes) -> Self {
        let request_id = headers
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Self {
            status,
            kind: ApiErrorKind::from_status(status),
            headers: Box::new(headers),
            body,
            truncated: false,
            request_id,
        }
    }

    /// The body as text (lossy for invalid UTF-8).
    #[must_use]
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The problems of a validation error body in FastAPI's shape
    /// (`{"detail": [{"loc": ["body", "name"], "msg": "Field required"}]}`), each with
    /// its path joined (`body.name`, `body.items[0]`); empty for any other body.
    #[must_use]
    pub fn validation_errors(&self) -> Vec<ValidationProblem> {
        let Ok(body) = serde_json::from_slice::<serde_json::Value>(&self.body) else {
            return Vec::new();
        };
        let Some(details) = body.get("detail").and_then(serde_json::Value::as_array) else {
            return Vec::new();
        };
        details
            .iter()
            .filter_map(|detail| {
                let message = detail.get("msg")?.as_str()?.to_owned();
                let mut path = String::new();
                for part in detail.get("loc")?.as_array()? {
                    match part {
                        serde_json::Value::Number(index) => {
                            path.push_str(&format!("[{index}]"));
                        }
                        serde_json::Value::String(name) => {
                            if !path.is_empty() {
                                path.push('.');
                            }
                            path.push_str(name);
                        }
                        _ => {}
                    }
                }
                let kind = detail
                    .get("type")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned);
                Some(ValidationProblem {
                    path,
                    message,
                    kind,
                })
            })
            .collect()
    }

    /// A string `detail` in the body (FastAPI's `{"detail": "Not found"}`).
    #[must_use]
    pub fn detail(&self) -> Option<String> {
        let body: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        body.get("detail")?.as_str().map(str::to_owned)
    }

    /// The body decoded as `T`, e.g. the API's validation error type.
    pub fn body_as<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Error code: {} - {}",
            self.status.as_u16(),
            self.body_text()
        )
    }
}

impl std::error::Error for ApiError {}

impl std::fmt::Debug for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("kind", &self.kind)
            .field("headers", &super::redact::Redacted(&self.headers, &[]))
            .field("body", &self.body)
            .field("truncated", &self.truncated)
            .field("request_id", &self.request_id)
            .finish()
    }
}
