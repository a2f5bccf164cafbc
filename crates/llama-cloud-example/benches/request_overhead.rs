//! The SDK's per-request overhead against a hand-written reqwest call.
//!
//! Both send `GET /api/v1/chat/{id}/summary` with a bearer key to the same loopback
//! HTTP/1.1 server (keep-alive, fixed JSON answer) and decode the answer into the same
//! `ChatSessionSummary`. The difference is what the SDK adds: building the request
//! from the params type, default headers, the retry loop, logging hooks and
//! path-tracking decoding. Run with:
//!
//! ```sh
//! cargo bench -p llama-cloud-example --bench request_overhead
//! ```

use std::sync::LazyLock;

use common::KEY;
use llama_cloud::types::{ChatGetSummaryParams, ChatSessionSummary};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;

fn main() {
    divan::main();
}

const BODY: &str = common::SUMMARY;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    sdk: llama_cloud::Client,
    raw: reqwest::Client,
    url: String,
}

/// A keep-alive HTTP/1.1 server that answers every request with `BODY`. It runs as
/// a task on the benchmark's own single-threaded runtime, so both clients see the
/// same scheduling and no cross-thread wake-ups add noise.
async fn start_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}",
                    BODY.len()
                );
                let mut buffer = vec![0_u8; 16 * 1024];
                let mut filled = 0;
                loop {
                    let Ok(read) = socket.read(&mut buffer[filled..]).await else {
                        return;
                    };
                    if read == 0 {
                        return;
                    }
                    filled += read;
                    // GET requests have no body: each header block ends one request.
                    while let Some(end) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n")
                    {
                        if socket.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                        buffer.copy_within(end + 4..filled, 0);
                        filled -= end + 4;
                    }
                }
            });
        }
    });
    format!("http://{address}")
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let base = runtime.block_on(start_server());
    let raw = reqwest::Client::new();
    let sdk = llama_cloud::Client::builder()
        .api_key(KEY)
        .base_url(&base)
        .http_client(raw.clone())
        .build()
        .expect("client");
    Fixture {
        runtime,
        sdk,
        raw,
        url: format!("{base}/api/v1/chat/ses-abc123/summary"),
    }
});

/// The least a hand-written call can do: bearer key, accept header, decode.
#[divan::bench(sample_count = 2000)]
fn raw_reqwest() -> ChatSessionSummary {
    let fixture = &*FIXTURE;
    fixture.runtime.block_on(async {
        let response = fixture
            .raw
            .get(&fixture.url)
            .bearer_auth(KEY)
            .header("accept", "application/json")
            .send()
            .await
            .expect("sent")
            .error_for_status()
            .expect("2xx");
        let bytes = response.bytes().await.expect("body");
        serde_json::from_slice(&bytes).expect("decodes")
    })
}

/// The same request on the wire as the SDK's: its default headers and a per-attempt
/// timeout, written by hand. The SDK's overhead is measured against this one.
#[divan::bench(sample_count = 2000)]
fn raw_reqwest_same_request() -> ChatSessionSummary {
    let fixture = &*FIXTURE;
    fixture.runtime.block_on(async {
        let response = common::same_request(&fixture.raw, &fixture.url)
            .send()
            .await
            .expect("sent")
            .error_for_status()
            .expect("2xx");
        let bytes = response.bytes().await.expect("body");
        serde_json::from_slice(&bytes).expect("decodes")
    })
}

#[divan::bench(sample_count = 2000)]
fn sdk() -> ChatSessionSummary {
    let fixture = &*FIXTURE;
    fixture
        .runtime
        .block_on(
            fixture
                .sdk
                .beta()
                .chat()
                .get_summary("ses-abc123", ChatGetSummaryParams::default())
                .send(),
        )
        .expect("sent")
}
