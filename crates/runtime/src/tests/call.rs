//! The unit tests of `call.rs`, kept beside the runtime: the copy in each SDK leaves them out.

use super::*;
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

#[derive(Debug, PartialEq)]
enum Outcome {
    Done(serde_json::Value),
    Accepted(serde_json::Value),
    Nothing,
}

impl StatusDecode for Outcome {
    fn decode(status: u16, body: &[u8]) -> Result<Self, serde_json::Error> {
        match status {
            200 => serde_json::from_slice(body).map(Self::Done),
            202 => serde_json::from_slice(body).map(Self::Accepted),
            _ => Ok(Self::Nothing),
        }
    }
}

#[tokio::test]
async fn responses_are_decoded_by_their_status() {
    for (status, body, expected) in [
        (
            202,
            r#"{"job_id": "j1"}"#,
            Outcome::Accepted(serde_json::json!({"job_id": "j1"})),
        ),
        (
            200,
            r#"{"output": "x"}"#,
            Outcome::Done(serde_json::json!({"output": "x"})),
        ),
        (204, "", Outcome::Nothing),
    ] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).set_body_string(body))
            .mount(&server)
            .await;
        let client = Client::builder()
            .api_key("k")
            .base_url(server.uri())
            .build()
            .unwrap();
        let request = RequestSpec::new(reqwest::Method::POST, "test.jobs");
        let outcome: Outcome = Call::by_status(client, request).await.unwrap();
        assert_eq!(outcome, expected, "status {status}");
    }
}
