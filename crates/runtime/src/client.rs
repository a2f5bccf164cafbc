//! The client: configuration, credentials and the shared HTTP connection pool.
//!
//! A [`Client`] is cheap to clone (an `Arc` inside) and safe to share across tasks.
//! It is built from the environment (`Client::from_env`) or a [`ClientBuilder`], which
//! starts from the SDK's [`Settings`]: its `src/settings.rs` defines
//! `Client::from_env`, `Client::builder` and `ClientBuilder::default` with them.
//! Its `Debug` output never shows the API key.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::error::Error;
use super::settings::Settings;

/// A way of sending a credential; the SDK's settings list the ones its API accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthScheme {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// `Authorization: Basic <base64(user:password)>`.
    Basic,
    /// The key in this header.
    ApiKeyHeader(&'static str),
    /// The key in this query parameter.
    ApiKeyQuery(&'static str),
    /// The key in this cookie.
    ApiKeyCookie(&'static str),
}

impl AuthScheme {
    /// Whether this scheme sends the API key (rather than a user name and password).
    pub(crate) fn uses_key(self) -> bool {
        !matches!(self, Self::Basic)
    }
}

/// The default number of retries after the first attempt.
pub(crate) const DEFAULT_MAX_RETRIES: u32 = 2;
/// The default timeout of one attempt.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The default connect timeout.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// An API key that never prints.
#[derive(Clone)]
pub(crate) struct ApiKey(String);

impl ApiKey {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The API client. Reach the API's resources from it (`client.<resource>()`); see
/// the `resources` module. Its `Debug` output shows no secret: not the key, not a
/// password in the base URL, not a credential header added with `header`.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

/// The largest response body read by default: 100 MiB.
pub(crate) const DEFAULT_MAX_RESPONSE_SIZE: u64 = 100 * 1024 * 1024;

#[derive(Clone)]
pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: Url,
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) basic: Option<(String, ApiKey)>,
    /// The credential schemes, from the settings.
    pub(crate) auth: &'static [AuthScheme],
    pub(crate) default_headers: HeaderMap,
    pub(crate) max_retries: u32,
    pub(crate) timeout: Duration,
    pub(crate) retry_base_delay: Duration,
    pub(crate) idempotency_header: Option<HeaderName>,
    pub(crate) platform_headers: bool,
    /// The whole call's time, retries and waits included; `None`: one attempt
    /// timeout per attempt allowed.
    pub(crate) total_timeout: Option<Duration>,
    /// The largest response body read, in bytes.
    pub(crate) max_response_size: u64,
    /// Whether debug logs show request and response bodies.
    pub(crate) log_bodies: bool,
}

impl fmt::Debug for ClientInner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field(
                "base_url",
                &super::redact::url_text(&self.base_url, self.auth),
            )
            .field("api_key", &self.api_key)
            .field(
                "basic",
                &self.basic.as_ref().map(|(user, password)| (user, password)),
            )
            .field(
                "default_headers",
                &super::redact::Redacted(&self.default_headers, self.auth),
            )
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_response_size", &self.max_response_size)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// The base URL requests go to.
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    fn with_inner(&self, change: impl FnOnce(&mut ClientInner)) -> Self {
        let mut inner = ClientInner::clone(&self.inner);
        change(&mut inner);
        Self {
            inner: Arc::new(inner),
        }
    }

    /// A copy of this client with another retry count; it shares the connection pool.
    #[must_use]
    pub fn with_max_retries(&self, max_retries: u32) -> Self {
        self.with_inner(|inner| inner.max_retries = max_retries)
    }

    /// A copy of this client with another timeout per attempt.
    #[must_use]
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        self.with_inner(|inner| inner.timeout = timeout)
    }

    /// A copy of this client that also sends this header with every request.
    pub fn with_header(&self, name: &str, value: &str) -> Result<Self, Error> {
        let (name, value) = header_pair(name, value)?;
        Ok(self.with_inner(|inner| {
            inner.default_headers.insert(name, value);
        }))
    }

    /// A copy of this client that talks to another base URL.
    pub fn with_base_url(&self, base_url: &str) -> Result<Self, Error> {
        let base_url = parse_base_url(base_url)?;
        Ok(self.with_inner(|inner| inner.base_url = base_url))
    }
}

fn parse_base_url(base_url: &str) -> Result<Url, Error> {
    Url::parse(base_url)
        .map_err(|error| Error::Config(format!("invalid base URL `{base_url}`: {error}")))
}

fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|error| Error::Config(format!("invalid header name `{name}`: {error}")))?;
    let value = HeaderValue::from_str(value)
        .map_err(|error| Error::Config(format!("invalid value for header `{name}`: {error}")))?;
    Ok((name, value))
}

/// Builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    /// The SDK's settings: where values the builder is not given come from.
    settings: &'static Settings,
    api_key: Option<String>,
    basic: Option<(String, String)>,
    base_url: Option<String>,
    http_client: Option<reqwest::Client>,
    max_retries: Option<u32>,
    timeout: Option<Duration>,
    headers: Vec<(String, String)>,
    retry_base_delay: Option<Duration>,
    idempotency_header: Option<String>,
    no_platform_headers: bool,
    total_timeout: Option<Duration>,
    max_response_size: Option<u64>,
    log_bodies: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field(
                "basic",
                &self.basic.as_ref().map(|(user, _)| (user, "[redacted]")),
            )
            .field(
                "base_url",
                &self.base_url.as_deref().map(|url| {
                    Url::parse(url).map_or_else(
                        |_| super::redact::REDACTED.to_owned(),
                        |url| super::redact::url_text(&url, &[]),
                    )
                }),
            )
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder that takes what it is not given from these settings, then the
    /// environment they name, then defaults.
    pub(crate) fn with_settings(settings: &'static Settings) -> Self {
        Self {
            settings,
            api_key: None,
            basic: None,
            base_url: None,
            http_client: None,
            max_retries: None,
            timeout: None,
            headers: Vec::new(),
            retry_base_delay: None,
            idempotency_header: None,
            no_platform_headers: false,
            total_timeout: None,
            max_response_size: None,
            log_bodies: false,
        }
    }

    /// Sets the API key (otherwise read from the environment).
    #[must_use]
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Sets the user name and password for HTTP basic auth (otherwise read from the
    /// environment), for APIs that accept it.
    #[must_use]
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic = Some((username.into(), password.into()));
        self
    }

    /// Sets the base URL (otherwise read from the environment, then the default).
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Uses this `reqwest::Client` (its own timeouts, proxies and TLS settings apply).
    #[must_use]
    pub fn http_client(mut self, http_client: reqwest::Client) -> Self {
        self.http_client = Some(http_client);
        self
    }

    /// Sets how many times a failed attempt is retried (default 2).
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Sets the timeout of one attempt (default 60 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Bounds the whole call, retries and the waits between them included (default:
    /// the attempt timeout once per attempt allowed, so 3 minutes with the defaults).
    /// A wait that would overrun it, such as a long `retry-after`, ends the call with
    /// the error instead.
    #[must_use]
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Sets the largest response body a call reads, in bytes (default 100 MiB); a
    /// larger one is `Error::ResponseTooLarge`. Event streams are bounded per event.
    #[must_use]
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = Some(bytes);
        self
    }

    /// Whether debug logs show request and response bodies (default off: bodies can
    /// hold secrets, such as an embedding config's `api_key`).
    #[must_use]
    pub fn log_bodies(mut self, log: bool) -> Self {
        self.log_bodies = log;
        self
    }

    /// Adds a header sent with every request.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the first retry's delay before jitter (default 0.5 s; each retry doubles it,
    /// up to 8 s). Tests use a short one.
    #[must_use]
    pub fn retry_base_delay(mut self, delay: Duration) -> Self {
        self.retry_base_delay = Some(delay);
        self
    }

    /// Sends a new idempotency key in this header (e.g. `Idempotency-Key`) with every
    /// call that changes state; each call gets one key, which its retries reuse. Off
    /// by default, as in the published SDKs; set it to make retried writes safe. A key
    /// given with `Call::idempotency_key` is sent without it, in `Idempotency-Key`
    /// unless this names another header.
    #[must_use]
    pub fn idempotency_header(mut self, name: impl Into<String>) -> Self {
        self.idempotency_header = Some(name.into());
        self
    }

    /// Whether to send the `X-Stainless-*` platform headers (default on). Browsers
    /// treat them as non-simple headers, so switching them off avoids CORS preflights.
    #[must_use]
    pub fn platform_headers(mut self, send: bool) -> Self {
        self.no_platform_headers = !send;
        self
    }

    /// Builds the client. Fails, without panicking, when no API key is set or the
    /// base URL or a header is invalid.
    pub fn build(self) -> Result<Client, Error> {
        let settings = self.settings;
        let api_key = self.api_key.or_else(|| {
            settings
                .api_key_env
                .iter()
                .find_map(|name| non_empty_env(name))
        });
        let basic = self.basic.or_else(|| {
            Some((
                non_empty_env(settings.username_env)?,
                non_empty_env(settings.password_env).unwrap_or_default(),
            ))
        });
        let auth = settings.auth;
        let uses_key = auth.iter().any(|scheme| scheme.uses_key());
        let uses_basic = auth.contains(&AuthScheme::Basic);
        let has_credential = (uses_key && api_key.is_some()) || (uses_basic && basic.is_some());
        if !auth.is_empty() && !has_credential {
            let mut ways = Vec::new();
            if uses_key {
                ways.push(format!(
                    "set {} or call `ClientBuilder::api_key`",
                    settings.api_key_env.join(" or ")
                ));
            }
            if uses_basic {
                ways.push(format!(
                    "set {} and {} or call `ClientBuilder::basic_auth`",
                    settings.username_env, settings.password_env
                ));
            }
            return Err(Error::Config(format!(
                "no credential: {}",
                ways.join("; or ")
            )));
        }
        let api_key = api_key.map(ApiKey);
        let basic = basic.map(|(user, password)| (user, ApiKey(password)));
        let base_url = self
            .base_url
            .or_else(|| settings.base_url_env.and_then(non_empty_env))
            .unwrap_or_else(|| settings.default_base_url.to_owned());
        let base_url = parse_base_url(&base_url)?;
        super::log::init_from_env(settings.log_env);

        let mut default_headers = default_headers(settings, !self.no_platform_headers);
        let env_headers = settings
            .custom_headers_env
            .and_then(non_empty_env)
            .map(|text| parse_header_lines(&text))
            .unwrap_or_default();
        for (name, value) in env_headers.into_iter().chain(self.headers) {
            let (name, value) = header_pair(&name, &value)?;
            default_headers.insert(name, value);
        }
        let idempotency_header = match self.idempotency_header {
            Some(name) => Some(HeaderName::from_bytes(name.as_bytes()).map_err(|error| {
                Error::Config(format!("invalid idempotency header `{name}`: {error}"))
            })?),
            None => None,
        };

        let http = match self.http_client {
            Some(http) => http,
            None => {
                tls_provider()?;
                reqwest::Client::builder()
                    .connect_timeout(DEFAULT_CONNECT_TIMEOUT)
                    .build()
                    .map_err(|error| {
                        Error::Config(format!("cannot build the HTTP client: {error}"))
                    })?
            }
        };
        Ok(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url,
                api_key,
                basic,
                auth,
                default_headers,
                max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                retry_base_delay: self.retry_base_delay.unwrap_or(Duration::from_millis(500)),
                idempotency_header,
                platform_headers: !self.no_platform_headers,
                total_timeout: self.total_timeout,
                max_response_size: self.max_response_size.unwrap_or(DEFAULT_MAX_RESPONSE_SIZE),
                log_bodies: self.log_bodies,
            }),
        })
    }
}

/// Readies the rustls crypto provider the crate's TLS feature calls for, before the
/// HTTP client is built. `rustls-ring` installs ring as the process's provider
/// unless the program installed one first. `rustls-no-provider` (alone) needs the
/// program to have installed one: without it reqwest would panic, so this is an
/// error instead. The other backends need nothing.
#[allow(clippy::unnecessary_wraps, reason = "an error only with some features")]
fn tls_provider() -> Result<(), Error> {
    #[cfg(feature = "rustls-ring")]
    {
        // An `Err` means a provider was already installed: that one stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    #[cfg(all(
        feature = "rustls-no-provider",
        not(any(feature = "rustls", feature = "rustls-ring"))
    ))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        return Err(Error::Config(
            "the `rustls-no-provider` feature is on and no rustls crypto provider is installed: \
             call `rustls::crypto::CryptoProvider::install_default` before building the client, \
             or pass your own `http_client`"
                .to_owned(),
        ));
    }
    Ok(())
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// `Name: value` lines, as in the custom-headers environment variable.
pub(crate) fn parse_header_lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .filter(|(name, _)| !name.is_empty())
        .collect()
}

/// The headers sent with every request: who is calling and, unless switched off, on
/// what platform.
fn default_headers(settings: &Settings, platform: bool) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let version = settings.version;
    let pairs = [
        ("user-agent", format!("{}/Rust {version}", settings.product)),
        ("accept", "application/json".to_owned()),
        ("x-stainless-lang", "rust".to_owned()),
        ("x-stainless-package-version", version.to_owned()),
        ("x-stainless-os", platform_os().to_owned()),
        ("x-stainless-arch", platform_arch()),
        ("x-stainless-runtime", "tokio".to_owned()),
    ];
    for (name, value) in pairs {
        if !platform && name.starts_with("x-stainless-") {
            continue;
        }
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    headers
}

/// The operating system as the published SDKs name it (`Linux`, `MacOS` ...).
fn platform_os() -> &'static str {
    match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "MacOS",
        "windows" => "Windows",
        "freebsd" => "FreeBSD",
        "openbsd" => "OpenBSD",
        "ios" => "iOS",
        "android" => "Android",
        _ => "Unknown",
    }
}

/// The CPU architecture as the published SDKs name it (`x64`, `arm64` ...).
fn platform_arch() -> String {
    match std::env::consts::ARCH {
        "x86_64" => "x64".to_owned(),
        "x86" => "x32".to_owned(),
        "aarch64" => "arm64".to_owned(),
        "arm" => "arm".to_owned(),
        "" => "unknown".to_owned(),
        other => format!("other:{other}"),
    }
}

#[cfg(all(test, any(feature = "rustls-ring", feature = "rustls-no-provider")))]
#[path = "tests/client.rs"]
mod tests;
