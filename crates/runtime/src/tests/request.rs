//! The unit tests of `request.rs`, kept beside the runtime: the copy in each SDK leaves them out.

use super::*;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

#[test]
fn backoff_doubles_up_to_eight_seconds_with_jitter() {
    let base = Duration::from_millis(500);
    for (attempt, nominal) in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)] {
        for _ in 0..50 {
            let delay = retry_delay(attempt, &HeaderMap::new(), base).as_secs_f64();
            assert!(
                delay <= nominal + 1e-9 && delay >= nominal * 0.75 - 1e-9,
                "attempt {attempt}: {delay}"
            );
        }
    }
}

#[test]
fn server_delay_wins_within_sixty_seconds() {
    let base = Duration::from_millis(500);
    let ms = retry_delay(
        0,
        &headers(&[("retry-after-ms", "1500"), ("retry-after", "9")]),
        base,
    );
    assert_eq!(ms, Duration::from_millis(1500));
    let seconds = retry_delay(0, &headers(&[("retry-after", "3")]), base);
    assert_eq!(seconds, Duration::from_secs(3));
    let future = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(20));
    let date = retry_delay(0, &headers(&[("retry-after", &future)]), base);
    assert!(
        date <= Duration::from_secs(20) && date >= Duration::from_secs(18),
        "{date:?}"
    );
    let too_long = retry_delay(0, &headers(&[("retry-after", "120")]), base);
    assert!(
        too_long <= Duration::from_millis(500),
        "falls back to backoff: {too_long:?}"
    );
}

#[test]
fn should_retry_header_is_checked_first() {
    assert!(should_retry(
        StatusCode::BAD_REQUEST,
        &headers(&[("x-should-retry", "true")])
    ));
    assert!(!should_retry(
        StatusCode::SERVICE_UNAVAILABLE,
        &headers(&[("x-should-retry", "false")])
    ));
    for status in [408, 409, 429, 500, 502, 503, 504, 599] {
        assert!(
            should_retry(StatusCode::from_u16(status).unwrap(), &HeaderMap::new()),
            "{status}"
        );
    }
    for status in [400, 401, 403, 404, 422] {
        assert!(
            !should_retry(StatusCode::from_u16(status).unwrap(), &HeaderMap::new()),
            "{status}"
        );
    }
}

#[tokio::test]
async fn a_one_shot_body_is_never_retried() {
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .retry_base_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    let mut spec = RequestSpec::new(Method::POST, "test.upload");
    spec.path("/upload");
    let chunks = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"abc"))]);
    spec.one_shot_body(
        reqwest::Body::wrap_stream(chunks),
        "application/octet-stream",
    );
    let error = send(&client, &spec, &CallOptions::default(), Receive::Body)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let seen = server.received_requests().await.unwrap();
    assert_eq!(
        seen.len(),
        1,
        "a body that cannot be replayed is not retried"
    );
    assert_eq!(&seen[0].body[..], b"abc");
}

async fn sent_with(
    schemes: &'static [AuthScheme],
    builder: impl FnOnce(crate::ClientBuilder) -> crate::ClientBuilder,
) -> wiremock::Request {
    sent_by_operation(schemes, None, builder).await
}

async fn sent_by_operation(
    schemes: &'static [AuthScheme],
    operation_schemes: Option<&'static [AuthScheme]>,
    builder: impl FnOnce(crate::ClientBuilder) -> crate::ClientBuilder,
) -> wiremock::Request {
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = builder(crate::testing::builder_with_auth(schemes).base_url(server.uri()))
        .build()
        .unwrap();
    let mut spec = RequestSpec::new(Method::GET, "test.auth");
    spec.path("/things");
    spec.query("q", "1");
    if let Some(operation_schemes) = operation_schemes {
        spec.auth(operation_schemes);
    }
    send(&client, &spec, &CallOptions::default(), Receive::Body)
        .await
        .unwrap();
    server.received_requests().await.unwrap().remove(0)
}

fn header_of(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn each_auth_scheme_sends_its_credential() {
    const ALL: &[AuthScheme] = &[AuthScheme::ApiKeyHeader("X-API-Key"), AuthScheme::Basic];
    let request = sent_with(ALL, |b| b.api_key("k-1")).await;
    assert_eq!(header_of(&request, "x-api-key").as_deref(), Some("k-1"));
    assert_eq!(header_of(&request, "authorization"), None);

    let request = sent_with(ALL, |b| b.basic_auth("ann", "pw")).await;
    assert_eq!(
        header_of(&request, "authorization").as_deref(),
        Some("Basic YW5uOnB3")
    );

    const QUERY: &[AuthScheme] = &[AuthScheme::ApiKeyQuery("api_key")];
    let request = sent_with(QUERY, |b| b.api_key("k 2")).await;
    assert_eq!(request.url.query(), Some("q=1&api_key=k+2"));

    const COOKIE: &[AuthScheme] = &[AuthScheme::ApiKeyCookie("session")];
    let request = sent_with(COOKIE, |b| b.api_key("k3")).await;
    assert_eq!(header_of(&request, "cookie").as_deref(), Some("session=k3"));

    const BEARER: &[AuthScheme] = &[AuthScheme::Bearer];
    let request = sent_with(BEARER, |b| b.api_key("k4")).await;
    assert_eq!(
        header_of(&request, "authorization").as_deref(),
        Some("Bearer k4")
    );
}

#[tokio::test]
async fn an_operation_sends_only_a_scheme_its_security_accepts() {
    // The API has bearer (OAuth) first, but this operation accepts only the key header.
    const API: &[AuthScheme] = &[AuthScheme::Bearer, AuthScheme::ApiKeyHeader("api_key")];
    const OPERATION: &[AuthScheme] = &[AuthScheme::ApiKeyHeader("api_key")];
    let request = sent_by_operation(API, Some(OPERATION), |b| b.api_key("k-5")).await;
    assert_eq!(header_of(&request, "api_key").as_deref(), Some("k-5"));
    assert_eq!(header_of(&request, "authorization"), None);

    let request = sent_by_operation(API, None, |b| b.api_key("k-5")).await;
    assert_eq!(
        header_of(&request, "authorization").as_deref(),
        Some("Bearer k-5")
    );
    assert_eq!(header_of(&request, "api_key"), None);
}

#[test]
fn a_missing_credential_names_every_way_to_give_one() {
    const BOTH: &[AuthScheme] = &[AuthScheme::Bearer, AuthScheme::Basic];
    let error = crate::testing::builder_with_auth(BOTH)
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("ClientBuilder::api_key") && error.contains("ClientBuilder::basic_auth"),
        "{error}"
    );
}

#[test]
fn a_query_key_is_redacted_in_logged_urls() {
    const QUERY: &[AuthScheme] = &[AuthScheme::ApiKeyQuery("api_key")];
    let client = crate::testing::builder_with_auth(QUERY)
        .base_url("http://127.0.0.1:9")
        .api_key("secret-k")
        .build()
        .unwrap();
    let url = Url::parse("http://h/p?a=1&api_key=secret-k").unwrap();
    let shown = crate::redact::url_text(&url, client.inner.auth);
    assert!(!shown.contains("secret-k"), "{shown}");
    assert!(
        shown.contains("api_key=%5Bredacted%5D") || shown.contains("api_key=[redacted]"),
        "{shown}"
    );
}

#[test]
fn header_lists_are_written_in_simple_style() {
    let mut spec = RequestSpec::new(Method::GET, "test.header");
    spec.header("x-ids", &["a", "b"]);
    spec.header("x-nums", &[1, 2]);
    spec.header("x-one", "plain");
    assert_eq!(
        spec.headers,
        [
            ("x-ids".to_owned(), "a,b".to_owned()),
            ("x-nums".to_owned(), "1,2".to_owned()),
            ("x-one".to_owned(), "plain".to_owned()),
        ]
    );
}

#[test]
fn a_cookie_value_cannot_add_a_cookie() {
    let mut spec = RequestSpec::new(Method::GET, "test.cookie");
    spec.cookie("pref", "a; admin=true");
    assert_eq!(spec.cookies, ["pref=a%3B%20admin=true"]);
}

#[test]
fn query_parameters_follow_their_style() {
    let mut spec = RequestSpec::new(Method::GET, "test.query");
    spec.query("tags", &["a", "b"]);
    spec.query_styled("ids", &[1, 2, 3], QueryStyle::Form);
    spec.query_styled("s", &["x", "y"], QueryStyle::SpaceDelimited);
    spec.query_styled("p", &["x", "y"], QueryStyle::PipeDelimited);
    spec.query_styled(
        "color",
        &serde_json::json!({"r": 1, "g": 2}),
        QueryStyle::FormObject,
    );
    spec.query(
        "filter",
        &serde_json::json!({"status": "open", "tier": {"min": 2}}),
    );
    spec.query("missing", &None::<String>);
    spec.query("flag", &Some(true));
    let pairs: Vec<(&str, &str)> = spec
        .query
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("tags", "a"),
            ("tags", "b"),
            ("ids", "1,2,3"),
            ("s", "x y"),
            ("p", "x|y"),
            ("r", "1"),
            ("g", "2"),
            ("filter[status]", "open"),
            ("filter[tier][min]", "2"),
            ("flag", "true"),
        ]
    );
}

#[test]
fn redacted_headers_hide_secrets() {
    let mut map = headers(&[("x-api-key", "k1"), ("accept", "application/json")]);
    let mut auth = HeaderValue::from_static("Bearer k2");
    auth.set_sensitive(true);
    map.insert("authorization", auth);
    let shown = format!("{:?}", crate::redact::Redacted(&map, &[]));
    assert!(!shown.contains("k1") && !shown.contains("k2"), "{shown}");
    assert!(shown.contains("application/json"));
}
