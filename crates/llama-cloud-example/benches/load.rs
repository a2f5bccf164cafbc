//! The SDK under load, against raw reqwest, on loopback only.
//!
//! Input: nothing; it starts its own server, as a child process (this binary run
//! with `serve`), so the client's CPU time, allocations and peak memory are the
//! client's alone. Output: tables on stdout (`cargo xtask bench --load` puts them in
//! `docs/BENCHMARKS.md`). Run with:
//!
//! ```sh
//! cargo bench -p llama-cloud-example --bench load
//! cargo bench -p llama-cloud-example --bench load -- events   # one part: load, events or json
//! ```
//!
//! Three measurements, each interleaving the SDK and the baseline round by round:
//!
//! 1. **Load**: one shared client makes 100,000 calls (`GET /api/v1/chat/{id}/summary`,
//!    decoded into `ChatSessionSummary`), 1,000 at a time. Counted per variant:
//!    errors, the connections the server accepted (reuse), p50 and p99 latency, CPU
//!    time per request (`/proc/self/stat`), allocations per request (this binary's
//!    counting allocator over the system allocator) and peak RSS (`VmHWM`, reset
//!    before each run). The baseline is raw reqwest sending the same request.
//! 2. **Events**: a stream of 1,000,000 small events decoded into `ChatEvent`, by
//!    the SDK's `stream()` and by a minimal hand-written line splitter over the same
//!    bytes (raw reqwest, `data:` lines, the same `serde_json` decode).
//! 3. **A 10 MB JSON answer** decoded into `SessionDetail` by the SDK's `retrieve()`
//!    and by `serde_json::from_slice` over the same bytes fetched with raw reqwest.
//!
//! Every loop is bounded: fixed counts, and the server is killed at the end.

use std::alloc::System;
use std::io::{BufRead as _, Write as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use common::{KEY, SUMMARY};
use llama_cloud::StreamExt as _;
use llama_cloud::types::{
    ChatEvent, ChatGetSummaryParams, ChatRetrieveParams, ChatSessionSummary, ChatStreamParams,
    SessionDetail,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

mod common;

/// Counts allocations and reallocations, over the system allocator.
#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// (allocations, reallocations) so far.
fn allocation_counts() -> (u64, u64) {
    let stats = ALLOCATOR.stats();
    (stats.allocations as u64, stats.reallocations as u64)
}

const TOTAL: usize = 100_000;
const CONCURRENCY: usize = 1_000;
const EVENTS: usize = 1_000_000;
const ROUNDS: usize = 3;
const EVENT: &str = r#"{"type":"text","content":"Q3 grew."}"#;

fn main() {
    if std::env::args().any(|arg| arg == "serve") {
        serve();
        return;
    }
    let mut server = std::process::Command::new(std::env::current_exe().expect("this binary"))
        .arg("serve")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().expect("its stdout"))
        .read_line(&mut line)
        .expect("the server says its port");
    let base = format!("http://127.0.0.1:{}", line.trim());
    let outcome = std::panic::catch_unwind(|| run(&base));
    let _ = server.kill();
    let _ = server.wait();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

// ---- the server (a child process) ----

/// Answers keep-alive HTTP/1.1 by path; `GET /__stats` answers the number of
/// connections accepted so far.
fn serve() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("address").port();
        println!("{port}");
        std::io::stdout().flush().expect("flush");
        let mut events = String::with_capacity(EVENTS * (EVENT.len() + 8));
        for _ in 0..EVENTS {
            events.push_str("data: ");
            events.push_str(EVENT);
            events.push_str("\n\n");
        }
        let mut detail = String::from(
            r#"{"session_id":"ses-big","last_updated_at":"2026-04-22T12:34:41","events":["#,
        );
        while detail.len() < 10 * 1024 * 1024 {
            detail.push_str(EVENT);
            detail.push(',');
        }
        detail.push_str(EVENT);
        detail.push_str("]}");
        let answers = Arc::new(Answers {
            summary: response("application/json", SUMMARY.as_bytes()),
            events: response("text/event-stream", events.as_bytes()),
            detail: response("application/json", detail.as_bytes()),
        });
        let connections = Arc::new(AtomicU64::new(0));
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            connections.fetch_add(1, Ordering::Relaxed);
            let answers = Arc::clone(&answers);
            let connections = Arc::clone(&connections);
            tokio::spawn(connection(socket, answers, connections));
        }
    });
}

struct Answers {
    summary: Vec<u8>,
    events: Vec<u8>,
    detail: Vec<u8>,
}

fn response(content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

async fn connection(
    mut socket: tokio::net::TcpStream,
    answers: Arc<Answers>,
    connections: Arc<AtomicU64>,
) {
    let mut buffer = vec![0_u8; 64 * 1024];
    let mut filled = 0;
    loop {
        if filled == buffer.len() {
            return;
        }
        let Ok(read) = socket.read(&mut buffer[filled..]).await else {
            return;
        };
        if read == 0 {
            return;
        }
        filled += read;
        while let Some(end) = buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            let whole = end + 4 + length;
            if filled < whole {
                break;
            }
            let path = head
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            let stats;
            let answer: &[u8] = if path.starts_with("/__stats") {
                let count = connections.load(Ordering::Relaxed).to_string();
                stats = response("text/plain", count.as_bytes());
                &stats
            } else if path.contains("/messages/stream") {
                &answers.events
            } else if path.contains("/summary") {
                &answers.summary
            } else {
                &answers.detail
            };
            if socket.write_all(answer).await.is_err() {
                return;
            }
            buffer.copy_within(whole..filled, 0);
            filled -= whole;
        }
    }
}

// ---- the client ----

/// Whether the command line asks for this part (`load`, `events` or `json`); with
/// none named, every part runs.
fn wanted(part: &str) -> bool {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| matches!(arg.as_str(), "load" | "events" | "json"))
        .collect();
    named.is_empty() || named.iter().any(|arg| arg == part)
}

fn run(base: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // Default settings for both: reqwest's own pool, no per-request timeout (the
    // SDK's default 60 s timeout is set on each request, as its callers get it).
    let raw = reqwest::Client::new();
    let sdk = llama_cloud::Client::builder()
        .api_key(KEY)
        .base_url(base)
        .max_retries(0)
        .build()
        .expect("client");
    let url = format!("{base}/api/v1/chat/ses-abc123/summary");

    let verdict = |met: bool| if met { "met" } else { "not met" };

    // 1. Load.
    if wanted("load") {
        let mut sdk_runs = Vec::new();
        let mut raw_runs = Vec::new();
        for round in 0..ROUNDS {
            // Alternate which goes first: whatever ran before disturbs both alike.
            for variant in if round % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            } {
                let stats = runtime.block_on(load(base, &sdk, &raw, &url, variant));
                eprintln!(
                    "load round {} {}: p50 {:.0} µs, p99 {:.0} µs, {} errors, {} connections",
                    round + 1,
                    if variant { "sdk" } else { "raw" },
                    stats.p50_us,
                    stats.p99_us,
                    stats.errors,
                    stats.connections
                );
                if variant {
                    sdk_runs.push(stats);
                } else {
                    raw_runs.push(stats);
                }
            }
        }
        let sdk_load = LoadStats::median(&sdk_runs);
        let raw_load = LoadStats::median(&raw_runs);
        println!(
            "## Load: one shared client, {TOTAL} calls, {CONCURRENCY} at a time (medians of {ROUNDS} interleaved rounds)\n"
        );
        println!(
            "| variant | errors | connections accepted | p50 | p99 | CPU per request | allocations per request | reallocations per request | peak RSS |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        for (name, stats) in [
            ("raw reqwest (same request)", &raw_load),
            ("SDK", &sdk_load),
        ] {
            println!(
                "| {name} | {} | {} | {:.0} µs | {:.0} µs | {:.1} µs | {:.1} | {:.1} | {:.0} MB |",
                stats.errors,
                stats.connections,
                stats.p50_us,
                stats.p99_us,
                stats.cpu_us,
                stats.allocations,
                stats.reallocations,
                stats.peak_mb
            );
        }
        let p99 = sdk_load.p99_us / raw_load.p99_us;
        let cpu = sdk_load.cpu_us / raw_load.cpu_us;
        let extra = sdk_load.allocations - raw_load.allocations;
        println!(
            "\n- p99: {p99:.2}× raw's (target at most 1.1: **{}**).\n- CPU per request: {cpu:.2}× raw's, system allocator (target at most 1.1: **{}**).\n- Allocations: {:.1} per request against raw's {:.1}, {extra:+.1} (target at most 5 more: **{}**).\n- Errors: {} (SDK) and {} (raw); connections accepted: {} and {} for {TOTAL} calls each.\n",
            verdict(p99 <= 1.1),
            verdict(cpu <= 1.1),
            sdk_load.allocations,
            raw_load.allocations,
            verdict(extra <= 5.0),
            sdk_load.errors,
            raw_load.errors,
            sdk_load.connections,
            raw_load.connections
        );
    }

    // 2. Events.
    if wanted("events") {
        let mut sdk_seconds = Vec::new();
        let mut raw_seconds = Vec::new();
        for round in 0..ROUNDS {
            for variant in if round % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            } {
                let (seconds, count) = runtime.block_on(async {
                    let started = Instant::now();
                    let count = if variant {
                        sdk_events(&sdk).await
                    } else {
                        raw_events(&raw, base).await
                    };
                    (started.elapsed().as_secs_f64(), count)
                });
                assert_eq!(count, EVENTS, "every event decoded");
                if variant {
                    sdk_seconds.push(seconds);
                } else {
                    raw_seconds.push(seconds);
                }
            }
        }
        let (sdk_events_s, raw_events_s) = (median(&mut sdk_seconds), median(&mut raw_seconds));
        let events = sdk_events_s / raw_events_s;
        println!(
            "## Decoding {EVENTS} events (medians of {ROUNDS} interleaved rounds)\n\n| variant | time |\n| --- | ---: |\n| hand-written line splitter, same decode | {raw_events_s:.3} s |\n| SDK `stream()` | {sdk_events_s:.3} s |\n\n- {events:.2}× the hand-written splitter's time (target at most 1.2: **{}**).\n",
            verdict(events <= 1.2)
        );
    }

    // 3. A 10 MB JSON answer.
    if wanted("json") {
        let mut sdk_seconds = Vec::new();
        let mut raw_seconds = Vec::new();
        for round in 0..ROUNDS * 3 {
            for variant in if round % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            } {
                let seconds = runtime.block_on(async {
                    let started = Instant::now();
                    let events = if variant {
                        sdk.beta()
                            .chat()
                            .retrieve("ses-big", ChatRetrieveParams::default())
                            .await
                            .expect("decodes")
                            .events
                            .len()
                    } else {
                        let bytes = raw
                            .get(format!("{base}/api/v1/chat/ses-big"))
                            .bearer_auth(KEY)
                            .send()
                            .await
                            .expect("sent")
                            .bytes()
                            .await
                            .expect("body");
                        serde_json::from_slice::<SessionDetail>(&bytes)
                            .expect("decodes")
                            .events
                            .len()
                    };
                    assert!(events > 100_000, "the whole answer decoded");
                    started.elapsed().as_secs_f64()
                });
                if variant {
                    sdk_seconds.push(seconds);
                } else {
                    raw_seconds.push(seconds);
                }
            }
        }
        let (sdk_json, raw_json) = (median(&mut sdk_seconds), median(&mut raw_seconds));
        let json = sdk_json / raw_json;
        println!(
            "## Decoding a 10 MB JSON answer into `SessionDetail` (medians of {} interleaved rounds)\n\n| variant | time |\n| --- | ---: |\n| raw reqwest + `serde_json::from_slice` | {:.1} ms |\n| SDK `retrieve()` | {:.1} ms |\n\n- {json:.2}× `serde_json::from_slice`'s time (target at most 1.1: **{}**).",
            ROUNDS * 3,
            raw_json * 1000.0,
            sdk_json * 1000.0,
            verdict(json <= 1.1)
        );
    }
}

struct LoadStats {
    errors: u64,
    connections: u64,
    p50_us: f64,
    p99_us: f64,
    cpu_us: f64,
    allocations: f64,
    reallocations: f64,
    peak_mb: f64,
}

impl LoadStats {
    /// The median of each figure across runs (errors and connections: the most).
    fn median(runs: &[Self]) -> Self {
        let of = |get: fn(&Self) -> f64| median(&mut runs.iter().map(get).collect::<Vec<_>>());
        Self {
            errors: runs.iter().map(|r| r.errors).max().unwrap_or(0),
            connections: runs.iter().map(|r| r.connections).max().unwrap_or(0),
            p50_us: of(|r| r.p50_us),
            p99_us: of(|r| r.p99_us),
            cpu_us: of(|r| r.cpu_us),
            allocations: of(|r| r.allocations),
            reallocations: of(|r| r.reallocations),
            peak_mb: of(|r| r.peak_mb),
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The server's count of accepted connections (on a connection of its own).
async fn connections(base: &str) -> u64 {
    let text = reqwest::Client::new()
        .get(format!("{base}/__stats"))
        .send()
        .await
        .expect("stats")
        .text()
        .await
        .expect("stats body");
    text.trim().parse().expect("a count")
}

/// This process's user and system CPU time, in clock ticks (`/proc/self/stat`).
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    let field = |index: usize| {
        fields
            .get(index)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    field(11) + field(12)
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// `TOTAL` calls, `CONCURRENCY` at a time, by the SDK (`sdk`) or raw reqwest.
async fn load(
    base: &str,
    client: &llama_cloud::Client,
    raw: &reqwest::Client,
    url: &str,
    sdk: bool,
) -> LoadStats {
    let per_task = TOTAL / CONCURRENCY;
    let mut latencies: Vec<Vec<u32>> = (0..CONCURRENCY)
        .map(|_| Vec::with_capacity(per_task))
        .collect();
    let errors = Arc::new(AtomicU64::new(0));
    let before_connections = connections(base).await;
    // Reset the peak RSS to now (Linux: `5` clears `VmHWM`).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (allocations, reallocations) = allocation_counts();
    let ticks = cpu_ticks();
    let tasks: Vec<_> = latencies
        .iter_mut()
        .map(|slot| {
            let mut slot = std::mem::take(slot);
            let (client, raw, url, errors) = (
                client.clone(),
                raw.clone(),
                url.to_owned(),
                Arc::clone(&errors),
            );
            tokio::spawn(async move {
                for _ in 0..per_task {
                    let started = Instant::now();
                    let ok = if sdk {
                        client
                            .beta()
                            .chat()
                            .get_summary("ses-abc123", ChatGetSummaryParams::default())
                            .await
                            .is_ok()
                    } else {
                        raw_call(&raw, &url).await.is_some()
                    };
                    #[allow(
                        clippy::cast_possible_truncation,
                        reason = "latencies are far below 71 minutes"
                    )]
                    slot.push(started.elapsed().as_micros() as u32);
                    if !ok {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                slot
            })
        })
        .collect();
    let mut all = Vec::with_capacity(TOTAL);
    for task in tasks {
        all.extend(task.await.expect("the task ends"));
    }
    let ticks = cpu_ticks() - ticks;
    let (allocations, reallocations) = {
        let (now_allocations, now_reallocations) = allocation_counts();
        (
            now_allocations - allocations,
            now_reallocations - reallocations,
        )
    };
    let peak_mb = peak_rss_mb();
    let after_connections = connections(base).await;
    all.sort_unstable();
    #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let per_request = |count: u64| count as f64 / TOTAL as f64;
    let at = |fraction: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "an index into the sorted latencies"
        )]
        let index = ((all.len() as f64 * fraction) as usize).min(all.len() - 1);
        f64::from(all[index])
    };
    LoadStats {
        errors: errors.load(Ordering::Relaxed),
        // The stats request's own connection is not the variant's.
        connections: after_connections.saturating_sub(before_connections + 1),
        p50_us: at(0.50),
        p99_us: at(0.99),
        // Clock ticks are 10 ms (`CLK_TCK` is 100 on Linux).
        #[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
        cpu_us: ticks as f64 * 10_000.0 / TOTAL as f64,
        allocations: per_request(allocations),
        reallocations: per_request(reallocations),
        peak_mb,
    }
}

/// The SDK's request on the wire, written with raw reqwest: its default headers and
/// its per-attempt timeout.
async fn raw_call(raw: &reqwest::Client, url: &str) -> Option<ChatSessionSummary> {
    let response = common::same_request(raw, url)
        .send()
        .await
        .ok()?
        .error_for_status()
        .ok()?;
    let bytes = response.bytes().await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

async fn sdk_events(sdk: &llama_cloud::Client) -> usize {
    let mut events = sdk
        .beta()
        .chat()
        .stream("ses-abc123", ChatStreamParams::new(["idx"], "go"))
        .await
        .expect("the stream opens");
    let mut count = 0;
    while let Some(event) = events.next().await {
        let _: ChatEvent = event.expect("decodes");
        count += 1;
    }
    count
}

/// The least a hand-written client does: split lines, take `data:` lines, decode
/// each event into the same type.
async fn raw_events(raw: &reqwest::Client, base: &str) -> usize {
    let mut response = raw
        .post(format!("{base}/api/v1/chat/ses-abc123/messages/stream"))
        .bearer_auth(KEY)
        .header("accept", "text/event-stream")
        .json(&serde_json::json!({"index_ids": ["idx"], "prompt": "go"}))
        .send()
        .await
        .expect("the stream opens");
    let mut pending: Vec<u8> = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    let mut count = 0;
    while let Some(chunk) = response.chunk().await.expect("reads") {
        pending.extend_from_slice(&chunk);
        let mut start = 0;
        while let Some(offset) = pending[start..].iter().position(|b| *b == b'\n') {
            let line = &pending[start..start + offset];
            start += offset + 1;
            if line.is_empty() {
                if !data.is_empty() {
                    let _: ChatEvent = serde_json::from_slice(&data).expect("decodes");
                    count += 1;
                    data.clear();
                }
            } else if let Some(payload) = line.strip_prefix(b"data: ") {
                data.extend_from_slice(payload);
            }
        }
        pending.drain(..start);
    }
    count
}
