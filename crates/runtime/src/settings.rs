//! What an SDK fixes when it is generated, as one value the runtime is handed.
//!
//! Input: none here; each SDK's generated `src/settings.rs` holds one [`Settings`]
//! value (its base URL, environment variables, credential schemes and name), and the
//! runtime's own tests make theirs.
//! Output: the value a [`ClientBuilder`](super::client::ClientBuilder) is made with.
//! Building, the `User-Agent` header and logging read it from the builder, and the
//! client keeps its credential schemes for redaction, rather than any of them
//! reading a fixed path in the crate.

use super::client::AuthScheme;

/// One SDK's settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    /// The base URL used when neither the builder nor the environment sets one.
    pub(crate) default_base_url: &'static str,
    /// The environment variable that overrides the base URL.
    pub(crate) base_url_env: Option<&'static str>,
    /// Environment variables holding the key or token, tried in order.
    pub(crate) api_key_env: &'static [&'static str],
    /// The environment variable holding the basic-auth user name.
    pub(crate) username_env: &'static str,
    /// The environment variable holding the basic-auth password.
    pub(crate) password_env: &'static str,
    /// How credentials are sent, preferred first: the client sends the first scheme
    /// it has a credential for.
    pub(crate) auth: &'static [AuthScheme],
    /// The product name at the start of the `User-Agent` header.
    pub(crate) product: &'static str,
    /// The SDK's version, in the `User-Agent` and platform headers.
    pub(crate) version: &'static str,
    /// The environment variable with extra `Name: value` headers, one per line.
    pub(crate) custom_headers_env: Option<&'static str>,
    /// The environment variable that sets the SDK's log level.
    pub(crate) log_env: Option<&'static str>,
}
