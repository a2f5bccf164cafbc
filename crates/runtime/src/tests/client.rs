//! The unit tests of `client.rs`, kept beside the runtime: the copy in each SDK leaves them out.

use super::*;

/// With ring as the backend, a client builds (reqwest itself would panic with no
/// provider installed) and ring is then the process's provider.
#[cfg(feature = "rustls-ring")]
#[test]
fn rustls_ring_installs_ring_and_builds_a_client() {
    let client = Client::builder()
        .api_key("k")
        .base_url("https://example.invalid")
        .build();
    assert!(client.is_ok(), "{:?}", client.err());
    assert!(rustls::crypto::CryptoProvider::get_default().is_some());
}

/// With no provider compiled in and none installed, building is an error that
/// says what to do, not reqwest's panic.
#[cfg(all(
    feature = "rustls-no-provider",
    not(any(feature = "rustls", feature = "rustls-ring"))
))]
#[test]
fn without_a_crypto_provider_building_is_an_error_not_a_panic() {
    let error = Client::builder()
        .api_key("k")
        .base_url("https://example.invalid")
        .build()
        .expect_err("no provider is installed");
    assert!(
        matches!(&error, Error::Config(message) if message.contains("no rustls crypto provider")),
        "{error}"
    );
}
