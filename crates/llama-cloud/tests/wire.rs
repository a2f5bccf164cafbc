//! Exact on the wire: what the SDK sends and what it keeps, byte for byte.
//!
//! Each test drives a generated method against an in-process mock server and checks
//! the request as received: the body parsed with its JSON types (so `3` is not
//! `3.0`), the headers, and `Content-Length` against chunked encoding; or decodes a
//! response and checks that re-serializing it gives back exactly what was sent.
//! Hand-written: `cargo xtask generate` leaves files without its header alone.

use std::time::Duration;

use llama_cloud::types::{
    ChatCreateParams, ChatGetSummaryParams, ChatGetSummaryResponse, ExtractCreateParams,
    FilterOperation, FilterOperationLte, OpenAIEmbedding, OpenAIEmbeddingConfig,
    ParseRequestConfiguration, ParseRequestConfigurationTier, ParseRequestConfigurationVersion,
    ParsingGetParams, ParsingUploadParams, PipelineUpdateEmbeddingConfig, PipelinesUpdateParams,
};
use llama_cloud::{Client, FileUpload, Nullable, Number};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn server_answering(response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_key("sk-test")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("client builds");
    (server, client)
}

async fn only_request(server: &MockServer) -> Request {
    let mut seen = server.received_requests().await.expect("recording is on");
    assert_eq!(seen.len(), 1, "exactly one request");
    seen.remove(0)
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("the body is JSON")
}

fn empty_job() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({}))
}

// ---- 1. request bodies carry only what the caller set, at every depth ----

#[tokio::test]
#[allow(deprecated, reason = "the published SDKs' `pipelines.update` route")]
async fn a_nested_update_sends_only_the_field_that_was_set() {
    let (server, client) = server_answering(empty_job()).await;
    let embedding = OpenAIEmbeddingConfig::default()
        .component(OpenAIEmbedding::default().api_key("sk-embedding"));
    let params = PipelinesUpdateParams::default().embedding_config(embedding);
    let _ = client.pipelines().update("pl-1", params).await;
    let request = only_request(&server).await;
    // No spec default (`api_base`, `max_retries: 10`, `timeout: 60.0`, `model_name` ...)
    // goes out unasked; the variant's tag is written for the caller.
    assert_eq!(
        body_json(&request),
        json!({"embedding_config": {"type": "OPENAI_EMBEDDING", "component": {"api_key": "sk-embedding"}}})
    );
}

#[tokio::test]
async fn nested_nullable_fields_have_three_states() {
    for (component, expected) in [
        (OpenAIEmbedding::default(), json!({})),
        (
            OpenAIEmbedding::default().api_key_null(),
            json!({"api_key": null}),
        ),
        (
            OpenAIEmbedding::default().api_key("k"),
            json!({"api_key": "k"}),
        ),
    ] {
        assert_eq!(serde_json::to_value(&component).unwrap(), expected);
    }
}

/// The rule for query parameters the spec lets be null (`Presence::of_parameter`
/// in the generator's `ir.rs`): they are `Option`s, and `None` leaves them out; a
/// query string has no null, and the published SDKs leave a `None` out too.
#[tokio::test]
async fn an_optional_nullable_query_parameter_is_left_out_or_sent_as_set() {
    let (server, client) = server_answering(empty_job()).await;
    // `image_filenames`, `project_id` and `organization_id` are all
    // `anyOf: [string, null]` and not required.
    let _ = client
        .parsing()
        .get("job-1", ParsingGetParams::default())
        .await;
    let _ = client
        .parsing()
        .get("job-2", ParsingGetParams::default().project_id("p-1"))
        .await;
    let seen = server.received_requests().await.expect("recording is on");
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].url.path(), "/api/v2/parse/job-1");
    assert_eq!(
        seen[0].url.query(),
        None,
        "nothing unset is sent, not even `null`"
    );
    assert_eq!(seen[1].url.query(), Some("project_id=p-1"));
}

#[tokio::test]
async fn spec_defaults_are_documented_not_sent() {
    let (server, client) = server_answering(empty_job()).await;
    let params = ExtractCreateParams::new("file-1");
    let _ = client.extract().create(params).await;
    let request = only_request(&server).await;
    assert_eq!(body_json(&request), json!({"file_input": "file-1"}));
    // Readers still get the default through a getter.
    assert_eq!(
        OpenAIEmbedding::default().model_name_or_default(),
        "text-embedding-ada-002"
    );
}

#[test]
fn a_union_variant_always_carries_its_own_tag() {
    let mut payload = OpenAIEmbeddingConfig::default();
    payload.r#type = Some("WRONG".to_owned());
    let value = serde_json::to_value(PipelineUpdateEmbeddingConfig::from(payload)).unwrap();
    assert_eq!(value, json!({"type": "OPENAI_EMBEDDING"}));
    let built = PipelineUpdateEmbeddingConfig::openai_embedding(OpenAIEmbeddingConfig::default());
    assert_eq!(
        serde_json::to_value(built).unwrap(),
        json!({"type": "OPENAI_EMBEDDING"})
    );
}

#[test]
fn open_string_enums_are_one_type_with_other_values() {
    let fast = ParseRequestConfigurationTier::from("fast");
    assert_eq!(fast, ParseRequestConfigurationTier::Fast);
    // Equal wire values compare equal, however they were built.
    assert_eq!(
        ParseRequestConfigurationTier::Other("fast".to_owned()),
        fast
    );
    assert_eq!(fast.as_str(), "fast");
    assert_eq!(fast.to_string(), "fast");
    let custom = ParseRequestConfigurationTier::from("premium_2027");
    assert_eq!(
        serde_json::to_value(&custom).unwrap(),
        json!("premium_2027")
    );
    // Variant names are read from the values.
    assert_eq!(
        ParseRequestConfigurationVersion::V2026_08_19.as_str(),
        "2026-08-19"
    );
    let config = ParseRequestConfiguration::new("fast", "latest");
    assert_eq!(
        serde_json::to_value(config).unwrap(),
        json!({"tier": "fast", "version": "latest"})
    );
}

// ---- 2. responses re-serialize to what the server sent ----

#[tokio::test]
async fn a_decoded_response_reserializes_to_what_was_sent() {
    let sent = json!({
        "session_id": "ses-1",
        "last_updated_at": "2026-04-22T12:34:41.342245",
        "generated_title": null,
        "index_ids": null,
        "job_metadata": {"error": null, "duration_ms": 0, "turns": 3, "future_field": [1, 2.5]},
        "unknown_top_level": {"nested": null}
    });
    let (_server, client) = server_answering(ResponseTemplate::new(200).set_body_json(&sent)).await;
    let summary: ChatGetSummaryResponse = client
        .beta()
        .chat()
        .get_summary("ses-1", ChatGetSummaryParams::default())
        .await
        .expect("decodes");
    assert_eq!(summary.generated_title, Nullable::Null);
    assert_eq!(serde_json::to_value(&summary).unwrap(), sent);
}

#[tokio::test]
async fn a_missing_required_field_is_a_decode_error_naming_it() {
    let sent = json!({"session_id": "ses-1"});
    let (_server, client) = server_answering(ResponseTemplate::new(200).set_body_json(&sent)).await;
    let error = client
        .beta()
        .chat()
        .get_summary("ses-1", ChatGetSummaryParams::default())
        .await
        .expect_err("`last_updated_at` is required");
    match error {
        llama_cloud::Error::Decode { message, body, .. } => {
            assert!(message.contains("last_updated_at"), "{message}");
            assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), sent);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// ---- 3. numbers ----

#[test]
fn numbers_go_out_as_given() {
    for (lte, expected) in [
        (FilterOperationLte::number(3), json!({"lte": 3})),
        (FilterOperationLte::number(2.0), json!({"lte": 2.0})),
        (FilterOperationLte::number(-0.0), json!({"lte": -0.0})),
        (
            FilterOperationLte::number(9_007_199_254_740_993_i64),
            json!({"lte": 9_007_199_254_740_993_i64}),
        ),
    ] {
        let text = serde_json::to_string(&FilterOperation::default().lte(lte)).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            expected,
            "{text}"
        );
    }
    let decoded: FilterOperation = serde_json::from_str(r#"{"lte": 3}"#).unwrap();
    assert_eq!(serde_json::to_string(&decoded).unwrap(), r#"{"lte":3}"#);
    assert_eq!(
        Number::from(3),
        serde_json::from_str::<Number>("3").unwrap()
    );
}

// ---- 4. multipart ----

#[tokio::test]
async fn a_multipart_upload_has_a_length_and_typed_parts() {
    let (server, client) = server_answering(empty_job()).await;
    let configuration = ParseRequestConfiguration::new("fast", "latest");
    let params = ParsingUploadParams::new(
        FileUpload::new(&b"%PDF-1.7"[..]).filename("report.pdf"),
        configuration,
    );
    let _ = client.parsing().upload(params).await;
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "content-length"),
        Some(request.body.len().to_string().as_str())
    );
    assert_eq!(header(&request, "transfer-encoding"), None);
    let body = String::from_utf8_lossy(&request.body);
    assert!(
        body.contains("Content-Disposition: form-data; name=\"file\"; filename=\"report.pdf\"\r\nContent-Type: application/pdf\r\n"),
        "{body}"
    );
    // The spec gap fixed in the config: the parse configuration as a JSON part.
    assert!(
        body.contains(
            "name=\"configuration\"\r\n\r\n{\"tier\":\"fast\",\"version\":\"latest\"}\r\n"
        ),
        "{body}"
    );
}

#[tokio::test]
async fn a_file_part_type_is_the_callers_else_guessed_else_bytes() {
    for (file, expected) in [
        (
            FileUpload::new(&b"x"[..])
                .filename("a.pdf")
                .content_type("text/x-custom"),
            "text/x-custom",
        ),
        (
            FileUpload::new(&b"x"[..]).filename("notes.txt"),
            "text/plain",
        ),
        (
            FileUpload::new(&b"x"[..]).filename("blob.unknownext"),
            "application/octet-stream",
        ),
        (FileUpload::new(&b"x"[..]), "application/octet-stream"),
    ] {
        let (server, client) = server_answering(empty_job()).await;
        let params =
            ParsingUploadParams::new(file, ParseRequestConfiguration::new("fast", "latest"));
        let _ = client.parsing().upload(params).await;
        let request = only_request(&server).await;
        let body = String::from_utf8_lossy(&request.body);
        assert!(
            body.contains(&format!("Content-Type: {expected}\r\n")),
            "{expected}: {body}"
        );
    }
}

#[tokio::test]
async fn reading_a_missing_file_is_an_sdk_error() {
    let error = FileUpload::from_path("/no/such/file.pdf")
        .await
        .expect_err("missing");
    assert!(
        matches!(error, llama_cloud::Error::File { .. }),
        "{error:?}"
    );
}

// ---- 5. headers ----

#[tokio::test]
async fn an_idempotency_key_needs_no_client_setup() {
    let (server, client) = server_answering(
        ResponseTemplate::new(200)
            .set_body_json(json!({"session_id": "s", "last_updated_at": "t"})),
    )
    .await;
    let _ = client
        .beta()
        .chat()
        .create(ChatCreateParams::default())
        .idempotency_key("key-1")
        .await;
    let request = only_request(&server).await;
    assert_eq!(header(&request, "idempotency-key"), Some("key-1"));
}

#[tokio::test]
async fn the_timeout_header_keeps_fractions() {
    let (server, client) = server_answering(
        ResponseTemplate::new(200)
            .set_body_json(json!({"session_id": "s", "last_updated_at": "t"})),
    )
    .await;
    let _ = client
        .beta()
        .chat()
        .create(ChatCreateParams::default())
        .timeout(Duration::from_millis(500))
        .await;
    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-stainless-read-timeout"), Some("0.5"));
    assert_eq!(header(&request, "x-stainless-timeout"), None);
}

/// `{"session_id":"ses-gz","last_updated_at":"t"}`, gzipped.
const GZIPPED: &[u8] = &[
    31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 171, 86, 42, 78, 45, 46, 206, 204, 207, 139, 207, 76, 81, 178,
    2, 113, 116, 211, 171, 148, 116, 148, 114, 18, 139, 75, 226, 75, 11, 82, 18, 75, 82, 83, 226,
    19, 75, 128, 82, 37, 74, 181, 0, 167, 34, 140, 29, 45, 0, 0, 0,
];

#[tokio::test]
async fn compressed_responses_are_asked_for_and_decoded() {
    let response = ResponseTemplate::new(200)
        .insert_header("content-encoding", "gzip")
        .insert_header("content-type", "application/json")
        .set_body_bytes(GZIPPED);
    let (server, client) = server_answering(response).await;
    let summary = client
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .await
        .expect("decodes the gzipped body");
    assert_eq!(summary.session_id, "ses-gz");
    let request = only_request(&server).await;
    let accepted = header(&request, "accept-encoding").unwrap_or_default();
    for coding in ["gzip", "br", "zstd"] {
        assert!(accepted.contains(coding), "{accepted}");
    }
}

// ---- 6. raw access from every operation ----

#[tokio::test]
async fn any_response_can_be_read_raw() {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let response = ResponseTemplate::new(200)
        .insert_header("content-type", "image/png")
        .set_body_bytes(PNG);
    let (_server, client) = server_answering(response).await;
    let raw = client
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .send_raw()
        .await
        .expect("no decoding, no decode error");
    assert_eq!(raw.status.as_u16(), 200);
    assert_eq!(raw.headers["content-type"], "image/png");
    assert_eq!(&raw.body[..], PNG);
}

// ---- 7. a cut response body ----

/// A server whose first answer promises more body than it sends, then closes; later
/// answers are whole. Returns its base URL and a count of the connections it took.
async fn cutting_server(
    body: &'static str,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        // Bounded: this test makes at most a few connections.
        for _ in 0..4 {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let attempt = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buffer = vec![0u8; 16 * 1024];
            let _ = tokio::time::timeout(Duration::from_secs(2), socket.read(&mut buffer)).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let sent = if attempt == 0 {
                &body[..body.len() / 2]
            } else {
                body
            };
            let _ = socket.write_all(sent.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    (format!("http://{address}"), count)
}

const SUMMARY: &str = r#"{"session_id":"ses-cut","last_updated_at":"t"}"#;

/// A client that retries at once.
fn quick_retrying_client(base: String) -> Client {
    Client::builder()
        .api_key("k")
        .base_url(base)
        .retry_base_delay(Duration::from_millis(1))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_cut_body_on_a_get_is_retried() {
    let (base, count) = cutting_server(SUMMARY).await;
    let summary = quick_retrying_client(base)
        .beta()
        .chat()
        .get_summary("s", ChatGetSummaryParams::default())
        .await
        .expect("the second attempt is whole");
    assert_eq!(summary.session_id, "ses-cut");
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_cut_body_on_a_post_is_not_retried() {
    let (base, count) = cutting_server(SUMMARY).await;
    let error = quick_retrying_client(base)
        .beta()
        .chat()
        .create(ChatCreateParams::default())
        .await
        .expect_err("a write may have happened: not sent again");
    assert!(
        matches!(error, llama_cloud::Error::Connection(_)),
        "{error:?}"
    );
    assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
}
