//! The runtime's behaviour against an in-process mock server: retries, timeouts,
//! errors, per-call options, idempotency keys, raw responses, default headers,
//! pagination and event streams. The calls are built here as generated methods build
//! them (`RequestSpec`, then `Call`), so no SDK's types are involved; each SDK's own
//! tests check what it adds (its settings, its typed errors and events). Delays are
//! shortened with `retry_base_delay`.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{any, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::page::{PageNext, PageStyle, Slot};
use crate::request::RequestSpec;
use crate::{ApiErrorKind, Call, Client, Error, EventStream, Page, StreamExt};

const KEY: &str = "sk-secret-runtime-key";

fn summary() -> Value {
    json!({"session_id": "ses-1", "last_updated_at": "2026-04-22T12:34:41"})
}

fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .retry_base_delay(Duration::from_millis(5))
        .build()
        .expect("client builds")
}

/// Mounts `first` for the first `times` requests, then `then` for the rest.
async fn respond(server: &MockServer, first: ResponseTemplate, times: u64, then: ResponseTemplate) {
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(times)
        .mount(server)
        .await;
    Mock::given(any()).respond_with(then).mount(server).await;
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording is on")
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// A chat session's summary, as a generated response type decodes it.
#[derive(Debug, Deserialize)]
struct Summary {
    session_id: String,
    #[allow(dead_code, reason = "decoded to check its type")]
    last_updated_at: String,
}

/// `GET /api/v1/chat/ses-1/summary`, built as a generated method builds it.
fn summary_call(client: &Client) -> Call<Summary> {
    let mut request = RequestSpec::new(Method::GET, "test.chat.get_summary");
    request.path("/api/v1/chat/");
    request.path_param("session_id", &"ses-1");
    request.path("/summary");
    Call::json(client.clone(), request)
}

async fn get_summary(client: &Client) -> Result<Summary, Error> {
    summary_call(client).await
}

/// `POST /api/v1/chat` with this JSON body: a call that changes state.
fn create(client: &Client, body: Value) -> Call<Summary> {
    let mut request = RequestSpec::new(Method::POST, "test.chat.create");
    request.path("/api/v1/chat");
    request.json(&body);
    Call::json(client.clone(), request)
}

/// `GET /api/v1/chat`, paged by the `next_page_token` cursor.
fn list(client: &Client, page_size: Option<i64>) -> Call<Page<Summary>> {
    let mut request = RequestSpec::new(Method::GET, "test.chat.list");
    request.path("/api/v1/chat");
    request.query("page_size", &page_size);
    request.paginate(PageStyle {
        items: Some("items"),
        next: PageNext::Cursor {
            field: "next_page_token",
            param: Slot {
                name: "page_token",
                in_body: false,
            },
        },
    });
    Call::page(client.clone(), request)
}

// ---- retries ----

#[tokio::test]
async fn retry_after_ms_is_obeyed_then_success() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429).insert_header("retry-after-ms", "300");
    respond(
        &server,
        limited,
        1,
        ResponseTemplate::new(200).set_body_json(summary()),
    )
    .await;
    let started = Instant::now();
    let summary = get_summary(&client_for(&server))
        .await
        .expect("succeeds after one retry");
    let elapsed = started.elapsed();
    assert_eq!(summary.session_id, "ses-1");
    assert!(
        elapsed >= Duration::from_millis(300),
        "the server's delay was obeyed: {elapsed:?}"
    );
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_seconds_is_obeyed() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(503).insert_header("retry-after", "1");
    respond(
        &server,
        limited,
        1,
        ResponseTemplate::new(200).set_body_json(summary()),
    )
    .await;
    let started = Instant::now();
    get_summary(&client_for(&server)).await.expect("succeeds");
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn three_503s_give_an_error_after_three_attempts() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .mount(&server)
        .await;
    let error = get_summary(&client_for(&server))
        .await
        .expect_err("503 every time");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        error.as_api_error().map(|e| e.kind),
        Some(ApiErrorKind::InternalServer)
    );
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 3, "the first attempt and the 2 default retries");
    let counts: Vec<_> = seen
        .iter()
        .map(|r| header(r, "x-stainless-retry-count"))
        .collect();
    assert_eq!(counts, vec![Some("0"), Some("1"), Some("2")]);
}

#[tokio::test]
async fn should_retry_false_stops_a_500_after_one_attempt() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500).insert_header("x-should-retry", "false"))
        .mount(&server)
        .await;
    get_summary(&client_for(&server)).await.expect_err("500");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn should_retry_true_retries_a_400() {
    let server = MockServer::start().await;
    let forced = ResponseTemplate::new(400).insert_header("x-should-retry", "true");
    respond(
        &server,
        forced,
        1,
        ResponseTemplate::new(200).set_body_json(summary()),
    )
    .await;
    get_summary(&client_for(&server))
        .await
        .expect("the retry succeeds");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_400_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400))
        .mount(&server)
        .await;
    let error = get_summary(&client_for(&server)).await.expect_err("400");
    assert_eq!(
        error.as_api_error().map(|e| e.kind),
        Some(ApiErrorKind::BadRequest)
    );
    assert!(!error.is_retryable());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn retryable_statuses_are_retried() {
    for status in [408, 409, 429, 500, 502, 504] {
        let server = MockServer::start().await;
        respond(
            &server,
            ResponseTemplate::new(status),
            1,
            ResponseTemplate::new(200).set_body_json(summary()),
        )
        .await;
        get_summary(&client_for(&server))
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(requests(&server).await.len(), 2, "status {status}");
    }
}

#[tokio::test]
async fn connection_refused_is_retried_then_a_connection_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{address}"))
        .retry_base_delay(Duration::from_millis(100))
        .build()
        .expect("builds");
    let started = Instant::now();
    let error = get_summary(&client).await.expect_err("nothing listens");
    assert!(matches!(error, Error::Connection(_)), "{error:?}");
    assert!(error.is_retryable());
    // Two retries wait at least 75 ms + 150 ms (the backoff with its largest jitter).
    assert!(
        started.elapsed() >= Duration::from_millis(225),
        "retried: {:?}",
        started.elapsed()
    );
    assert!(!error.to_string().contains(KEY));
}

#[tokio::test]
async fn max_retries_is_set_per_client_and_per_call() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client_for(&server).with_max_retries(0);
    get_summary(&client).await.expect_err("503");
    assert_eq!(requests(&server).await.len(), 1, "client-level 0 retries");
    server.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    summary_call(&client).max_retries(3).await.expect_err("503");
    assert_eq!(requests(&server).await.len(), 4, "call-level 3 retries");
}

// ---- timeouts ----

#[tokio::test]
async fn a_slow_response_is_a_timeout_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(summary())
                .set_delay(Duration::from_millis(500)),
        )
        .mount(&server)
        .await;
    let client = client_for(&server)
        .with_timeout(Duration::from_millis(100))
        .with_max_retries(1);
    let error = get_summary(&client).await.expect_err("too slow");
    assert!(error.is_timeout(), "{error:?}");
    match &error {
        Error::Timeout {
            url,
            attempts,
            timeout,
        } => {
            assert!(url.starts_with(&server.uri()), "{url}");
            assert!(url.ends_with("/summary"), "{url}");
            assert_eq!(*attempts, 2);
            assert_eq!(*timeout, Duration::from_millis(100));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(requests(&server).await.len(), 2, "a timeout is retried");
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_clients() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(summary())
                .set_delay(Duration::from_millis(300)),
        )
        .mount(&server)
        .await;
    let client = client_for(&server).with_timeout(Duration::from_millis(50));
    let summary = summary_call(&client)
        .timeout(Duration::from_secs(5))
        .await
        .expect("the call's timeout is long enough");
    assert_eq!(summary.session_id, "ses-1");
    let seen = requests(&server).await;
    assert_eq!(header(&seen[0], "x-stainless-read-timeout"), Some("5"));
}

// ---- errors ----

#[tokio::test]
async fn every_status_has_its_kind_and_the_error_keeps_everything() {
    let cases = [
        (400, ApiErrorKind::BadRequest),
        (401, ApiErrorKind::Authentication),
        (403, ApiErrorKind::PermissionDenied),
        (404, ApiErrorKind::NotFound),
        (409, ApiErrorKind::Conflict),
        (422, ApiErrorKind::UnprocessableEntity),
        (429, ApiErrorKind::RateLimit),
        (500, ApiErrorKind::InternalServer),
        (503, ApiErrorKind::InternalServer),
        (418, ApiErrorKind::Other),
    ];
    for (status, kind) in cases {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("x-request-id", "req-7")
                    .set_body_string("{\"detail\":\"nope\"}"),
            )
            .mount(&server)
            .await;
        let client = client_for(&server).with_max_retries(0);
        let error = get_summary(&client).await.expect_err("error status");
        let api = error.as_api_error().expect("an API error");
        assert_eq!(api.kind, kind, "status {status}");
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(api.request_id.as_deref(), Some("req-7"));
        assert_eq!(
            api.headers.get("x-request-id").map(|v| v.as_bytes()),
            Some(&b"req-7"[..])
        );
        assert_eq!(&api.body[..], b"{\"detail\":\"nope\"}");
        assert_eq!(
            error.to_string(),
            format!("Error code: {status} - {{\"detail\":\"nope\"}}")
        );
    }
}

#[tokio::test]
async fn a_response_that_does_not_decode_keeps_the_body_and_the_path() {
    let server = MockServer::start().await;
    let body = r#"{"session_id": "ses-1", "last_updated_at": 12}"#;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .mount(&server)
        .await;
    let error = get_summary(&client_for(&server))
        .await
        .expect_err("last_updated_at is not a string");
    match error {
        Error::Decode {
            path,
            body: raw,
            status,
            ..
        } => {
            assert_eq!(path, "last_updated_at");
            assert_eq!(&raw[..], body.as_bytes());
            assert_eq!(status.as_u16(), 200);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// ---- per-call options, idempotency, raw responses, client copies ----

#[tokio::test]
async fn per_call_headers_query_and_body_fields_are_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(summary()))
        .mount(&server)
        .await;
    create(&client_for(&server), json!({"index_ids": ["a"]}))
        .header("x-trace", "t-1")
        .query("debug", "1")
        .body_field("shared_access", "org")
        .await
        .expect("sent");
    let seen = requests(&server).await;
    assert_eq!(header(&seen[0], "x-trace"), Some("t-1"));
    assert_eq!(seen[0].url.query(), Some("debug=1"));
    let sent: Value = serde_json::from_slice(&seen[0].body).expect("json");
    assert_eq!(sent, json!({"index_ids": ["a"], "shared_access": "org"}));
}

#[tokio::test]
async fn idempotency_keys_are_off_by_default() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(summary()))
        .mount(&server)
        .await;
    create(&client_for(&server), json!({})).await.expect("sent");
    assert_eq!(header(&requests(&server).await[0], "idempotency-key"), None);
}

#[tokio::test]
async fn one_idempotency_key_per_call_is_reused_across_retries() {
    let server = MockServer::start().await;
    respond(
        &server,
        ResponseTemplate::new(503),
        1,
        ResponseTemplate::new(201).set_body_json(summary()),
    )
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .retry_base_delay(Duration::from_millis(5))
        .idempotency_header("Idempotency-Key")
        .build()
        .expect("builds");
    create(&client, json!({}))
        .await
        .expect("second attempt succeeds");
    create(&client, json!({})).await.expect("another call");
    let seen = requests(&server).await;
    let keys: Vec<_> = seen
        .iter()
        .map(|r| header(r, "idempotency-key").map(str::to_owned))
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys[0].is_some());
    assert_eq!(keys[0], keys[1], "the retry reuses the call's key");
    assert_ne!(keys[1], keys[2], "each call has its own key");
    // A GET changes nothing and gets no key.
    get_summary(&client).await.expect("sent");
    assert_eq!(header(&requests(&server).await[3], "idempotency-key"), None);
}

#[tokio::test]
async fn an_explicit_idempotency_key_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(summary()))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .idempotency_header("X-Idempotency")
        .build()
        .expect("builds");
    create(&client, json!({}))
        .idempotency_key("my-key")
        .await
        .expect("sent");
    assert_eq!(
        header(&requests(&server).await[0], "x-idempotency"),
        Some("my-key")
    );
}

#[tokio::test]
async fn raw_responses_have_status_headers_and_typed_body() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "r-1")
                .set_body_json(summary()),
        )
        .mount(&server)
        .await;
    let raw = create(&client_for(&server), json!({}))
        .with_raw_response()
        .await
        .expect("sent");
    assert_eq!(raw.status.as_u16(), 201);
    assert_eq!(
        raw.headers.get("x-request-id").map(|v| v.as_bytes()),
        Some(&b"r-1"[..])
    );
    assert_eq!(raw.data.session_id, "ses-1");
    assert_eq!(
        serde_json::from_slice::<Value>(&raw.body).expect("json"),
        summary()
    );
}

#[tokio::test]
async fn client_copies_change_options_and_keep_the_original() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(summary()))
        .mount(&server)
        .await;
    let original = client_for(&server);
    let copy = original
        .with_header("x-team", "search")
        .expect("valid header");
    get_summary(&copy).await.expect("sent");
    get_summary(&original).await.expect("sent");
    let seen = requests(&server).await;
    assert_eq!(header(&seen[0], "x-team"), Some("search"));
    assert_eq!(header(&seen[1], "x-team"), None);
    assert!(original.with_base_url("not a url").is_err());
}

// ---- default headers ----

#[tokio::test]
async fn default_headers_are_sent_and_platform_headers_can_be_switched_off() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(summary()))
        .mount(&server)
        .await;
    get_summary(&client_for(&server)).await.expect("sent");
    let quiet = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .platform_headers(false)
        .build()
        .expect("builds");
    get_summary(&quiet).await.expect("sent");
    let seen = requests(&server).await;
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(
        header(&seen[0], "user-agent"),
        Some(format!("RuntimeTest/Rust {version}").as_str())
    );
    assert_eq!(header(&seen[0], "accept"), Some("application/json"));
    assert_eq!(
        header(&seen[0], "authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(header(&seen[0], "x-stainless-lang"), Some("rust"));
    assert_eq!(
        header(&seen[0], "x-stainless-package-version"),
        Some(version)
    );
    // Named as the published SDKs name them (`Linux`, `x64`), not as Rust does.
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    {
        assert_eq!(header(&seen[0], "x-stainless-os"), Some("Linux"));
        assert_eq!(header(&seen[0], "x-stainless-arch"), Some("x64"));
    }
    assert!(header(&seen[0], "x-stainless-runtime").is_some());
    let platform: Vec<_> = seen[1]
        .headers
        .keys()
        .filter(|name| name.as_str().starts_with("x-stainless-"))
        .collect();
    assert!(platform.is_empty(), "switched off: {platform:?}");
    assert_eq!(
        header(&seen[1], "user-agent"),
        Some(format!("RuntimeTest/Rust {version}").as_str())
    );
}

// ---- pagination ----

async fn mount_pages(server: &MockServer) {
    let pages = [
        (
            None,
            json!({"items": [summary_with("a"), summary_with("b")], "next_page_token": "t2"}),
        ),
        (
            Some("t2"),
            json!({"items": [summary_with("c")], "next_page_token": "t3"}),
        ),
        (
            Some("t3"),
            json!({"items": [summary_with("d"), summary_with("e")]}),
        ),
    ];
    for (token, body) in pages {
        let mock = match token {
            Some(token) => Mock::given(query_param("page_token", token)),
            None => Mock::given(wiremock::matchers::query_param_is_missing("page_token")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(server)
            .await;
    }
}

fn summary_with(id: &str) -> Value {
    json!({"session_id": id, "last_updated_at": "2026-04-22T12:34:41"})
}

#[tokio::test]
async fn three_pages_stream_every_item_exactly_once() {
    let server = MockServer::start().await;
    mount_pages(&server).await;
    let ids: Vec<String> = list(&client_for(&server), Some(2))
        .into_stream()
        .map(|item| item.expect("item").session_id)
        .collect()
        .await;
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 3, "one request per page");
    let queries: Vec<_> = seen
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            "page_size=2",
            "page_size=2&page_token=t2",
            "page_size=2&page_token=t3"
        ]
    );
}

#[tokio::test]
async fn pages_can_be_walked_by_hand() {
    let server = MockServer::start().await;
    mount_pages(&server).await;
    let first = list(&client_for(&server), None).await.expect("page 1");
    assert_eq!(first.items.len(), 2);
    assert!(first.has_next_page());
    let second = first
        .next_page()
        .await
        .expect("page 2")
        .expect("there is one");
    assert_eq!(second.items[0].session_id, "c");
    let third = second
        .next_page()
        .await
        .expect("page 3")
        .expect("there is one");
    assert!(!third.has_next_page(), "no cursor: last page");
    assert!(third.next_page().await.expect("no request").is_none());
}

#[tokio::test]
async fn an_empty_page_ends_the_list_even_with_a_cursor() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [], "next_page_token": "again"})),
        )
        .mount(&server)
        .await;
    let items: Vec<_> = list(&client_for(&server), None)
        .into_stream()
        .collect()
        .await;
    assert!(items.is_empty());
    assert_eq!(requests(&server).await.len(), 1);
    server.reset().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [summary()], "next_page_token": ""})),
        )
        .mount(&server)
        .await;
    let items: Vec<_> = list(&client_for(&server), None)
        .into_stream()
        .collect()
        .await;
    assert_eq!(items.len(), 1, "an empty cursor also ends it");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_failing_page_is_an_error_item() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::query_param_is_missing("page_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [summary()], "next_page_token": "t2"})),
        )
        .mount(&server)
        .await;
    Mock::given(query_param("page_token", "t2"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let items: Vec<_> = list(&client_for(&server), None)
        .into_stream()
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert_eq!(
        items[1]
            .as_ref()
            .err()
            .and_then(Error::status)
            .map(|s| s.as_u16()),
        Some(404)
    );
}

// ---- streaming ----

fn sse_response(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_raw(body.as_bytes().to_vec(), "text/event-stream")
}

/// `POST /api/v1/chat/ses-1/messages/stream`: a chat turn's events, each decoded as
/// JSON (an SDK decodes them as its event type).
async fn stream_turn(client: &Client) -> Result<EventStream<Value>, Error> {
    let mut request = RequestSpec::new(Method::POST, "test.chat.stream");
    request.path("/api/v1/chat/");
    request.path_param("session_id", &"ses-1");
    request.path("/messages/stream");
    request.json(&json!({"index_ids": ["idx-1"], "message": "hello"}));
    Call::events(client.clone(), request).await
}

#[tokio::test]
async fn a_chat_turn_streams_typed_events() {
    let server = MockServer::start().await;
    let body = ": ping\n\nretry: 1000\n\n\
        event: text_delta\ndata: {\"type\": \"text_delta\",\ndata: \"content\": \"Hel\"}\n\n\
        data: {\"type\": \"text_delta\", \"content\": \"lo\"}\n\n\
        data: {\"type\": \"future_event\", \"x\": 1}\n\n\
        data: {\"type\": \"stop\", \"usage\": {}, \"is_error\": false, \"error\": null}\n\n\
        data: [DONE]\n\n\
        data: {\"type\": \"text\", \"content\": \"after done\"}\n\n";
    Mock::given(any())
        .respond_with(sse_response(body))
        .mount(&server)
        .await;
    let events: Vec<Value> = stream_turn(&client_for(&server))
        .await
        .expect("stream opens")
        .map(|event| event.expect("no error"))
        .collect()
        .await;
    assert_eq!(events.len(), 4, "{events:?}");
    assert_eq!(events[0], json!({"type": "text_delta", "content": "Hel"}));
    assert_eq!(events[1], json!({"type": "text_delta", "content": "lo"}));
    assert_eq!(events[2]["type"], "future_event");
    assert_eq!(events[3]["type"], "stop");
    let seen = requests(&server).await;
    assert_eq!(header(&seen[0], "accept"), Some("text/event-stream"));
    assert_eq!(seen[0].url.path(), "/api/v1/chat/ses-1/messages/stream");
}

#[tokio::test]
async fn an_error_event_arrives_as_an_err_item() {
    let server = MockServer::start().await;
    let body = "data: {\"type\": \"text_delta\", \"content\": \"a\"}\n\n\
        data: {\"error\": {\"message\": \"index unavailable\"}}\n\n";
    Mock::given(any())
        .respond_with(sse_response(body))
        .mount(&server)
        .await;
    let items: Vec<_> = stream_turn(&client_for(&server))
        .await
        .expect("opens")
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    match &items[1] {
        Err(Error::Stream { message, data }) => {
            assert_eq!(message, "index unavailable");
            assert!(
                data.as_deref()
                    .is_some_and(|d| d.contains("index unavailable"))
            );
        }
        other => panic!("expected a stream error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_ending_mid_event_is_an_err_item() {
    let server = MockServer::start().await;
    let body =
        "data: {\"type\": \"text_delta\", \"content\": \"a\"}\n\ndata: {\"type\": \"text_del";
    Mock::given(any())
        .respond_with(sse_response(body))
        .mount(&server)
        .await;
    let items: Vec<_> = stream_turn(&client_for(&server))
        .await
        .expect("opens")
        .collect()
        .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].is_ok());
    assert!(
        matches!(&items[1], Err(Error::Stream { .. })),
        "{:?}",
        items[1]
    );
}

/// A server that sends the head and part of a chunked body, then drops the connection.
async fn cut_connection_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut buffer = vec![0_u8; 8192];
        let _ = socket.read(&mut buffer).await;
        let event = "data: {\"type\": \"text_delta\", \"content\": \"a\"}\n\ndata: {\"ty";
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        let chunk = format!("{:x}\r\n{event}\r\n", event.len());
        let _ = socket.write_all(head.as_bytes()).await;
        let _ = socket.write_all(chunk.as_bytes()).await;
        let _ = socket.flush().await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        drop(socket);
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_connection_cut_mid_stream_is_an_err_item() {
    let base_url = cut_connection_server().await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .build()
        .expect("builds");
    let items: Vec<_> = stream_turn(&client)
        .await
        .expect("the head arrives")
        .collect()
        .await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].is_ok());
    assert!(items[1].is_err(), "never a silent end");
}

#[tokio::test]
async fn an_error_status_on_a_stream_is_an_api_error() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_string("no session"))
        .mount(&server)
        .await;
    let error = stream_turn(&client_for(&server)).await.expect_err("404");
    assert_eq!(
        error.as_api_error().map(|e| e.kind),
        Some(ApiErrorKind::NotFound)
    );
}

// ---- errors that are easy to handle ----

#[tokio::test]
async fn a_422_gives_each_field_path_and_message_without_a_match() {
    let server = MockServer::start().await;
    let body = json!({"detail": [
        {"loc": ["body", "index_ids", 0], "msg": "Input should be a valid string", "type": "string_type"},
        {"loc": ["query", "project_id"], "msg": "Field required", "type": "missing"}
    ]});
    Mock::given(any())
        .respond_with(ResponseTemplate::new(422).set_body_json(body))
        .mount(&server)
        .await;
    let error = get_summary(&client_for(&server)).await.expect_err("422");
    assert!(error.is_validation());
    assert!(!error.is_not_found() && !error.is_rate_limited());
    let problems: Vec<String> = error
        .validation_errors()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "body.index_ids[0]: Input should be a valid string",
            "query.project_id: Field required"
        ]
    );
    assert_eq!(
        error.validation_errors()[1].kind.as_deref(),
        Some("missing")
    );
    // The API error is a plain value: a pattern can take it apart.
    let Error::Api(crate::ApiError { status, kind, .. }) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(
        (status.as_u16(), *kind),
        (422, ApiErrorKind::UnprocessableEntity)
    );
}

#[tokio::test]
async fn shortcuts_name_the_status_and_a_string_detail_is_read() {
    let server = MockServer::start().await;
    for (status, check) in [
        (404, Error::is_not_found as fn(&Error) -> bool),
        (429, Error::is_rate_limited),
        (401, Error::is_authentication),
        (403, Error::is_permission_denied),
        (409, Error::is_conflict),
        (400, Error::is_bad_request),
        (503, Error::is_server_error),
    ] {
        server.reset().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status).set_body_json(json!({"detail": "Not found"})),
            )
            .mount(&server)
            .await;
        let client = client_for(&server).with_max_retries(0);
        let error = get_summary(&client).await.expect_err("an error status");
        assert!(check(&error), "{status}: {error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.detail().as_deref(), Some("Not found"));
        assert!(error.validation_errors().is_empty());
    }
}
