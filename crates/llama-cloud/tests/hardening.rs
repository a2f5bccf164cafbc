//! The network is hostile: what the SDK refuses, bounds and keeps secret.
//!
//! Each test sends a hostile input (a path parameter that would change the route, a
//! body without end, a retry hint past the call's budget, a cursor cycle, a secret
//! in a header or in a value's field) through a generated method against an in-process server, and checks
//! what went out and what came back. Hand-written: `cargo xtask generate` leaves
//! files without its header alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use llama_cloud::types::{
    ChatCreateParams, ChatGetSummaryParams, ChatListParams, ChatRetrieveParams, CloudS3DataSource,
    DataSourcesCreateParams, OpenAIEmbedding,
};
use llama_cloud::{Client, Error};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::matchers::{any, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client_for(base: &str) -> Client {
    Client::builder()
        .api_key("sk-test")
        .base_url(base)
        .retry_base_delay(Duration::from_millis(1))
        .build()
        .expect("client builds")
}

async fn answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn summary() -> serde_json::Value {
    json!({"session_id": "s", "last_updated_at": "t"})
}

// ---- 8. a path parameter never changes the path ----

#[tokio::test]
async fn dot_segments_and_empty_path_parameters_are_refused_before_sending() {
    let server = answering(ResponseTemplate::new(200).set_body_json(summary())).await;
    let client = client_for(&server.uri());
    for value in ["", ".", ".."] {
        let error = client
            .beta()
            .chat()
            .retrieve(value, ChatRetrieveParams::default())
            .await
            .expect_err("refused");
        match error {
            Error::InvalidRequest(message) => assert!(message.contains("session_id"), "{message}"),
            other => panic!("{value:?}: expected InvalidRequest, got {other:?}"),
        }
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_path_parameter_is_one_segment_whatever_it_holds() {
    let server = answering(ResponseTemplate::new(200).set_body_json(summary())).await;
    let client = client_for(&server.uri());
    let _ = client
        .beta()
        .chat()
        .get_summary("a/../b?c#d[e] f", ChatGetSummaryParams::default())
        .await;
    let seen = server.received_requests().await.unwrap();
    assert_eq!(
        seen[0].url.path(),
        "/api/v1/chat/a%2F..%2Fb%3Fc%23d%5Be%5D%20f/summary"
    );
    assert_eq!(seen[0].url.query(), None);
}

// ---- 10. bounded memory ----

#[tokio::test]
async fn a_response_over_the_limit_is_refused() {
    let big = "x".repeat(2 * 1024 * 1024);
    let server = answering(ResponseTemplate::new(200).set_body_string(big)).await;
    let client = Client::builder()
        .api_key("k")
        .base_url(server.uri())
        .max_response_size(1024 * 1024)
        .build()
        .unwrap();
    let error = client
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .await
        .expect_err("too large");
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 1_048_576 }),
        "{error:?}"
    );
    // The call's own limit wins.
    let error = client
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .max_response_size(10)
        .await
        .expect_err("too large");
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 10 }),
        "{error:?}"
    );
}

/// A server that answers every request with an endless chunked body (bounded: it
/// stops after `max_bytes` or when the client hangs up). Returns its URL and how
/// many bytes it managed to send.
async fn endless_server(status: u16, max_bytes: usize) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    tokio::spawn(async move {
        for _ in 0..4 {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 16 * 1024];
                let _ =
                    tokio::time::timeout(Duration::from_secs(2), socket.read(&mut buffer)).await;
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                );
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "x".repeat(64 * 1024));
                while counter.load(Ordering::SeqCst) < max_bytes {
                    if socket.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                    counter.fetch_add(64 * 1024, Ordering::SeqCst);
                }
            });
        }
    });
    (format!("http://{address}"), sent)
}

#[tokio::test]
async fn an_endless_body_stops_at_the_limit() {
    let (base, sent) = endless_server(200, 256 * 1024 * 1024).await;
    let client = Client::builder()
        .api_key("k")
        .base_url(base)
        .max_response_size(4 * 1024 * 1024)
        .build()
        .unwrap();
    let error = client
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .await
        .expect_err("too large");
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
    let read = sent.load(Ordering::SeqCst);
    assert!(
        read < 64 * 1024 * 1024,
        "stopped early, not after {read} bytes"
    );
}

#[tokio::test]
async fn an_endless_error_body_is_kept_in_part_and_flagged() {
    let (base, _) = endless_server(400, 16 * 1024 * 1024).await;
    let error = client_for(&base)
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .await
        .expect_err("a 400");
    let api = error.as_api_error().expect("an API error");
    assert_eq!(api.status.as_u16(), 400);
    assert!(api.truncated, "the body was cut");
    assert_eq!(api.body.len(), 1024 * 1024);
    assert!(api.body.starts_with(b"xxxx"), "what was read is kept");
}

// ---- 11. time bounds ----

#[tokio::test]
async fn a_retry_after_past_the_calls_budget_is_not_waited_for() {
    let server = answering(ResponseTemplate::new(503).insert_header("retry-after", "60")).await;
    let started = Instant::now();
    let error = client_for(&server.uri())
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .timeout(Duration::from_secs(2))
        .await
        .expect_err("503");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_cursor_cycle_ends_the_listing_with_an_error() {
    let server = MockServer::start().await;
    let page = |items: serde_json::Value, next: &str| {
        ResponseTemplate::new(200).set_body_json(json!({"items": items, "next_page_token": next}))
    };
    let item = json!({"session_id": "s", "last_updated_at": "t"});
    Mock::given(query_param_is_missing("page_token"))
        .respond_with(page(json!([item.clone()]), "A"))
        .mount(&server)
        .await;
    Mock::given(query_param("page_token", "A"))
        .respond_with(page(json!([item.clone()]), "B"))
        .mount(&server)
        .await;
    Mock::given(query_param("page_token", "B"))
        .respond_with(page(json!([item]), "A"))
        .mount(&server)
        .await;
    let results: Vec<_> = client_for(&server.uri())
        .beta()
        .chat()
        .list(ChatListParams::default())
        .into_stream()
        .collect()
        .await;
    assert_eq!(results.len(), 4, "three pages of items, then the error");
    assert!(results[..3].iter().all(Result::is_ok));
    assert!(
        matches!(&results[3], Err(Error::RepeatedCursor { cursor }) if cursor == "A"),
        "{:?}",
        results[3]
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

// ---- 12. no duplicate writes ----

/// Answers 500 twice, then 201.
async fn flaky_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(summary()))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_post_without_an_idempotency_key_is_not_repeated_after_a_500() {
    let server = flaky_server().await;
    let error = client_for(&server.uri())
        .beta()
        .chat()
        .create(ChatCreateParams::default())
        .await
        .expect_err("the 500 comes back");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "sent once"
    );
}

#[tokio::test]
async fn a_post_with_an_idempotency_key_is_retried_with_the_same_key() {
    let server = flaky_server().await;
    let chat = client_for(&server.uri())
        .beta()
        .chat()
        .create(ChatCreateParams::default())
        .idempotency_key("k-1")
        .await
        .expect("the third attempt succeeds");
    assert_eq!(chat.session_id, "s");
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 3);
    assert!(seen.iter().all(|r| r.headers["idempotency-key"] == "k-1"));
}

#[tokio::test]
async fn a_post_refused_for_the_rate_is_retried() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after-ms", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(summary()))
        .mount(&server)
        .await;
    client_for(&server.uri())
        .beta()
        .chat()
        .create(ChatCreateParams::default())
        .await
        .expect("429 means the server did not act: safe to send again");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

// ---- 13. secrets ----

#[test]
fn debug_output_shows_no_secret() {
    let client = Client::builder()
        .api_key("sk-key-secret")
        .base_url("https://user:url-secret@api.example.com")
        .header("authorization", "Bearer header-secret")
        .header("x-service-token", "token-secret")
        .header("x-trace", "visible")
        .build()
        .unwrap();
    let shown = format!("{client:?}");
    for secret in [
        "sk-key-secret",
        "url-secret",
        "header-secret",
        "token-secret",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("visible"), "{shown}");
}

#[test]
fn debug_output_of_a_value_shows_none_of_its_credentials() {
    // `aws_access_secret` is `format: password` in the spec; `api_key` is a
    // credential by its name alone. Both sit inside a params type and a union.
    let source = CloudS3DataSource::new("my-bucket").aws_access_secret("s3-access-secret");
    let params = DataSourcesCreateParams::new("docs", "S3", source);
    let embedding = OpenAIEmbedding::default()
        .model_name("text-embedding-3-small")
        .api_key("sk-embedding-secret");
    let shown = format!("{params:?} {embedding:?} {embedding:#?}");
    for secret in ["s3-access-secret", "sk-embedding-secret"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    for visible in [
        "my-bucket",
        "text-embedding-3-small",
        "aws_access_secret: [redacted]",
    ] {
        assert!(shown.contains(visible), "{visible} not in {shown}");
    }
    // Sent as set: only `Debug` hides them.
    let sent = serde_json::to_value(&embedding).unwrap();
    assert_eq!(sent["api_key"], "sk-embedding-secret");
}

#[tokio::test]
async fn an_api_errors_debug_hides_cookies() {
    let server = answering(
        ResponseTemplate::new(403)
            .insert_header("set-cookie", "sid=cookie-secret")
            .insert_header("x-request-id", "req-1"),
    )
    .await;
    let error = client_for(&server.uri())
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .await
        .expect_err("403");
    let shown = format!("{error:?}");
    assert!(!shown.contains("cookie-secret"), "{shown}");
    assert!(shown.contains("req-1"), "{shown}");
}
