//! The unit tests of `redact.rs`, kept beside the runtime: the copy in each SDK leaves them out.

use super::*;
use reqwest::header::HeaderValue;

#[test]
fn secrets_are_redacted_by_name() {
    let mut map = HeaderMap::new();
    for (name, value) in [
        ("authorization", "Bearer k1"),
        ("x-custom-token", "k2"),
        ("x-service-key", "k3"),
        ("set-cookie", "sid=k4"),
        ("accept", "application/json"),
    ] {
        map.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    let shown = format!("{:?}", Redacted(&map, &[]));
    for secret in ["k1", "k2", "k3", "k4"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("application/json"), "{shown}");
}

#[test]
fn a_url_loses_its_password() {
    let url = Url::parse("https://user:hunter2@api.example.com/v1").unwrap();
    let shown = url_text(&url, &[]);
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("user"), "{shown}");
}

/// The API's own key header is secret whatever its name, for the schemes given, and
/// marking a map carries that to where the schemes are not known (an `ApiError`).
#[test]
fn the_apis_key_header_is_secret_through_the_schemes_and_through_marking() {
    const AUTH: &[AuthScheme] = &[AuthScheme::ApiKeyHeader("X-Customer-Id")];
    let mut map = HeaderMap::new();
    map.insert("x-customer-id", HeaderValue::from_static("c-secret"));
    map.insert("content-type", HeaderValue::from_static("text/plain"));
    assert!(format!("{:?}", Redacted(&map, &[])).contains("c-secret"));
    let shown = format!("{:?}", Redacted(&map, AUTH));
    assert!(!shown.contains("c-secret"), "{shown}");
    assert!(shown.contains("text/plain"), "{shown}");

    mark_secrets(&mut map, AUTH);
    let error =
        crate::error::ApiError::new(reqwest::StatusCode::BAD_REQUEST, map, bytes::Bytes::new());
    let shown = format!("{error:?}");
    assert!(!shown.contains("c-secret"), "{shown}");
    assert!(shown.contains("text/plain"), "{shown}");
}
