//! What the runtime's own tests stand on, in place of a generated SDK: the settings
//! of a made-up API and the constructor each SDK's `src/settings.rs` defines.

use crate::client::{AuthScheme, Client, ClientBuilder};
use crate::settings::Settings;

/// A made-up SDK's settings: bearer keys, and environment variables no machine sets.
pub(crate) static SETTINGS: Settings = Settings {
    default_base_url: "https://api.runtime-test.invalid",
    base_url_env: Some("SDK_RUNTIME_TEST_BASE_URL"),
    api_key_env: &["SDK_RUNTIME_TEST_API_KEY"],
    username_env: "SDK_RUNTIME_TEST_USERNAME",
    password_env: "SDK_RUNTIME_TEST_PASSWORD",
    auth: &[AuthScheme::Bearer],
    product: "RuntimeTest",
    version: env!("CARGO_PKG_VERSION"),
    custom_headers_env: None,
    log_env: None,
};

impl Client {
    /// A builder with the made-up SDK's settings, as an SDK's `Client::builder`.
    pub(crate) fn builder() -> ClientBuilder {
        ClientBuilder::with_settings(&SETTINGS)
    }
}

/// A builder for an API whose credential schemes are `auth` (each call leaks one
/// small settings value, which a test can afford).
pub(crate) fn builder_with_auth(auth: &'static [AuthScheme]) -> ClientBuilder {
    ClientBuilder::with_settings(Box::leak(Box::new(Settings { auth, ..SETTINGS })))
}
