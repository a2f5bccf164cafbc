//! The consumer calls `create` through the SDK against a mock server.

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn consumer_creates_a_session() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/chat"))
        .and(header("authorization", "Bearer sk-consumer"))
        .and(body_json(json!({"index_ids": ["idx-1", "idx-2"]})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "session_id": "ses-from-consumer",
            "last_updated_at": "2026-04-22T12:34:41.342245"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = llama_cloud::Client::builder()
        .api_key("sk-consumer")
        .base_url(server.uri())
        .build()
        .expect("client builds");
    let chat = llama_cloud_example::start_session(&client, &["idx-1", "idx-2"])
        .await
        .expect("create succeeds");
    assert_eq!(chat.session_id, "ses-from-consumer");
}

#[tokio::test]
async fn consumer_creates_an_unbound_session_with_null() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/chat"))
        .and(body_json(json!({"index_ids": null})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({
            "session_id": "ses-unbound",
            "last_updated_at": "2026-04-22T12:34:41.342245"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = llama_cloud::Client::builder()
        .api_key("sk-consumer")
        .base_url(server.uri())
        .build()
        .expect("client builds");
    let chat = llama_cloud_example::start_session(&client, &[])
        .await
        .expect("create succeeds");
    assert_eq!(chat.session_id, "ses-unbound");
}
