//! Long-running jobs end to end: `parsing().parse(..)`, `extract().run(..)` and
//! `wait_for_completion` against a mock server.
//!
//! Each test serves a job that is pending, then ends, and checks what the SDK sent,
//! what it returned, and that it stops polling when it should. Intervals are a few
//! milliseconds so the flows run fast; the waits' arithmetic is unit-tested in
//! `src/poll.rs` on a paused clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use llama_cloud::types::{
    ExtractCreateParams, ParseRequestConfiguration, ParsingGetParams, ParsingUploadParams,
};
use llama_cloud::{Client, Error, FileUpload, PollOptions};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key("test-key")
        .base_url(server.uri())
        .build()
        .expect("client")
}

fn fast() -> PollOptions {
    PollOptions::default()
        .interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(10))
}

fn parse_job(status: &str) -> Value {
    json!({"id": "pjb-1", "project_id": "prj-1", "status": status})
}

/// Serves the `n`-th poll with `answers[n]` (the last repeats) and counts them.
fn polls(answers: Vec<Value>) -> (impl Fn(&Request) -> ResponseTemplate, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&count);
    let respond = move |_: &Request| {
        let n = counted.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(answers[n.min(answers.len() - 1)].clone())
    };
    (respond, count)
}

#[tokio::test]
async fn parse_uploads_waits_while_pending_and_returns_the_result() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/parse/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(parse_job("PENDING")))
        .expect(1)
        .mount(&server)
        .await;
    let (respond, count) = polls(vec![
        json!({"job": parse_job("PENDING")}),
        json!({"job": parse_job("RUNNING")}),
        json!({"job": parse_job("COMPLETED"), "markdown": {"pages": []}}),
    ]);
    Mock::given(method("GET"))
        .and(path("/api/v2/parse/pjb-1"))
        .respond_with(respond)
        .mount(&server)
        .await;

    let file = FileUpload::new(&b"%PDF-1.7"[..]).filename("report.pdf");
    let result = client(&server)
        .parsing()
        .parse(
            ParsingUploadParams::new(file, ParseRequestConfiguration::new("fast", "latest")),
            ParsingGetParams::default().expand(["markdown"]),
            &fast(),
        )
        .await
        .expect("parsed");
    assert_eq!(result.job.status.as_str(), "COMPLETED");
    assert!(
        result.markdown.is_value(),
        "the result asked for is returned"
    );
    assert_eq!(count.load(Ordering::SeqCst), 3, "pending twice, then done");

    let requests = server.received_requests().await.unwrap();
    let upload = &requests[0];
    let body = String::from_utf8_lossy(&upload.body);
    assert!(body.contains("filename=\"report.pdf\""), "{body}");
    assert!(body.contains(r#""tier":"fast""#), "{body}");
    for poll in &requests[1..] {
        assert_eq!(
            poll.url.query(),
            Some("expand=markdown"),
            "every poll asks for the result"
        );
    }
}

#[tokio::test]
async fn a_failed_job_is_an_error_with_the_servers_message() {
    let server = MockServer::start().await;
    let mut failed = parse_job("FAILED");
    failed["error_message"] = json!("the PDF is encrypted");
    let (respond, _) = polls(vec![
        json!({"job": parse_job("RUNNING")}),
        json!({"job": failed}),
    ]);
    Mock::given(method("GET"))
        .and(path("/api/v2/parse/pjb-1"))
        .respond_with(respond)
        .mount(&server)
        .await;

    let error = client(&server)
        .parsing()
        .wait_for_completion("pjb-1", ParsingGetParams::default(), &fast())
        .await
        .expect_err("the job failed");
    match &error {
        Error::JobFailed { status, message } => {
            assert_eq!(status, "FAILED");
            assert_eq!(message.as_deref(), Some("the PDF is encrypted"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "the job ended as `FAILED`: the PDF is encrypted"
    );
}

#[tokio::test]
async fn a_job_that_does_not_end_in_time_is_a_timeout() {
    let server = MockServer::start().await;
    let (respond, _) = polls(vec![json!({"job": parse_job("RUNNING")})]);
    Mock::given(method("GET"))
        .and(path("/api/v2/parse/pjb-1"))
        .respond_with(respond)
        .mount(&server)
        .await;

    let options = fast().timeout(Duration::from_millis(100));
    let error = client(&server)
        .parsing()
        .wait_for_completion("pjb-1", ParsingGetParams::default(), &options)
        .await
        .expect_err("never ends");
    assert!(
        matches!(&error, Error::JobTimeout { timeout, status: Some(status) }
            if *timeout == Duration::from_millis(100) && status == "RUNNING"),
        "{error:?}"
    );
}

#[tokio::test]
async fn dropping_the_wait_stops_polling() {
    let server = MockServer::start().await;
    let (respond, count) = polls(vec![json!({"job": parse_job("RUNNING")})]);
    Mock::given(method("GET"))
        .and(path("/api/v2/parse/pjb-1"))
        .respond_with(respond)
        .mount(&server)
        .await;

    let client = client(&server);
    let parsing = client.parsing();
    let options = fast();
    let waiting = parsing.wait_for_completion("pjb-1", ParsingGetParams::default(), &options);
    let _ = tokio::time::timeout(Duration::from_millis(60), waiting).await;
    let at_drop = count.load(Ordering::SeqCst);
    assert!(at_drop >= 2, "it polled while it ran ({at_drop})");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        count.load(Ordering::SeqCst),
        at_drop,
        "no poll once dropped"
    );
}

#[tokio::test]
async fn extract_run_creates_then_waits_for_the_job() {
    let server = MockServer::start().await;
    let job = |status: &str| {
        json!({
            "id": "ejb-1", "project_id": "prj-1", "status": status,
            "file_input": "dfl-1", "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z"
        })
    };
    Mock::given(method("POST"))
        .and(path("/api/v2/extract"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job("PENDING")))
        .expect(1)
        .mount(&server)
        .await;
    let mut done = job("COMPLETED");
    done["extract_result"] = json!({"total": 42});
    let (respond, count) = polls(vec![job("RUNNING"), done]);
    Mock::given(method("GET"))
        .and(path("/api/v2/extract/ejb-1"))
        .respond_with(respond)
        .mount(&server)
        .await;

    let finished = client(&server)
        .extract()
        .run(
            ExtractCreateParams::new("dfl-1"),
            Default::default(),
            &fast(),
        )
        .await
        .expect("extracted");
    assert_eq!(finished.status, "COMPLETED");
    assert_eq!(count.load(Ordering::SeqCst), 2);
}
