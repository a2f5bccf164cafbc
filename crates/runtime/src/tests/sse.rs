//! The unit tests of `sse.rs`, kept beside the runtime: the copy in each SDK leaves them out.

use super::*;
use futures::stream;

/// Feeds bytes; returns every event they complete, or the limit a line or an event
/// went past.
fn feed(decoder: &mut SseDecoder, bytes: &[u8]) -> Result<Vec<SseEvent>, usize> {
    let mut events = Vec::new();
    let mut at = 0;
    while decoder.next_event(bytes, &mut at)? {
        events.push(decoder.event().clone());
    }
    Ok(events)
}

const SAMPLE: &str = ": keep-alive comment\r\n\
    retry: 3000\r\n\
    \r\n\
    event: text_delta\r\n\
    data: {\"type\":\"text_delta\",\r\n\
    data: \"content\":\"h\u{e9}\"}\r\n\
    \r\n\
    id: 7\n\
    \n\
    data:{\"type\":\"stop\"}\r\r\
    data: [DONE]\n\n";

fn decode_all(chunk_size: usize) -> Vec<SseEvent> {
    let mut decoder = SseDecoder::default();
    let mut events = Vec::new();
    for chunk in SAMPLE.as_bytes().chunks(chunk_size) {
        events.extend(feed(&mut decoder, chunk).unwrap());
    }
    assert!(!decoder.is_mid_event());
    events
}

#[test]
fn decodes_fields_comments_and_multi_line_data() {
    let events = decode_all(SAMPLE.len());
    assert_eq!(events.len(), 3, "{events:?}");
    assert_eq!(events[0].event.as_deref(), Some("text_delta"));
    assert_eq!(
        events[0].data,
        "{\"type\":\"text_delta\",\n\"content\":\"h\u{e9}\"}"
    );
    assert_eq!(events[1].data, "{\"type\":\"stop\"}");
    assert_eq!(events[2].data, "[DONE]");
}

#[test]
fn any_chunk_boundary_gives_the_same_events() {
    let whole = decode_all(SAMPLE.len());
    for size in 1..=8 {
        assert_eq!(decode_all(size), whole, "chunk size {size}");
    }
}

#[tokio::test]
async fn typed_events_survive_one_byte_chunks() {
    use futures::StreamExt as _;
    let chunks = stream::iter(
        SAMPLE
            .as_bytes()
            .iter()
            .map(|byte| Ok(Bytes::from(vec![*byte])))
            .collect::<Vec<_>>(),
    );
    let events: Vec<Result<serde_json::Value, Error>> =
        EventStream::from_chunks(chunks, String::new(), None, None)
            .collect()
            .await;
    let events: Vec<serde_json::Value> = events.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        events,
        vec![
            serde_json::json!({"type": "text_delta", "content": "h\u{e9}"}),
            serde_json::json!({"type": "stop"}),
        ],
        "[DONE] ends the stream"
    );
}

#[test]
fn a_body_cut_inside_an_event_is_mid_event() {
    let mut decoder = SseDecoder::default();
    assert!(feed(&mut decoder, b"data: {\"type\":").unwrap().is_empty());
    assert!(decoder.is_mid_event());
    let mut decoder = SseDecoder::default();
    assert!(feed(&mut decoder, b"data: {}\n").unwrap().is_empty());
    assert!(
        decoder.is_mid_event(),
        "data without the blank line is unfinished"
    );
}

#[test]
fn a_line_without_end_is_refused_at_the_limit() {
    let mut decoder = SseDecoder::default();
    let chunk = vec![b'x'; 64 * 1024];
    let mut refused = None;
    for _ in 0..(MAX_LINE / chunk.len() + 2) {
        if let Err(limit) = feed(&mut decoder, &chunk) {
            refused = Some(limit);
            break;
        }
    }
    assert_eq!(refused, Some(MAX_LINE));
}

#[tokio::test(start_paused = true)]
async fn keep_alive_comments_do_not_hold_a_stream_open() {
    use futures::StreamExt as _;
    // An endless body of comments, one every second.
    let comments = stream::unfold((), |()| async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Some((Ok(Bytes::from_static(b": keep-alive\n\n")), ()))
    });
    let mut events: EventStream<serde_json::Value> = EventStream::from_chunks(
        Box::pin(comments),
        String::new(),
        Some(Duration::from_secs(5)),
        None,
    );
    let first = events.next().await;
    assert!(
        matches!(first, Some(Err(Error::Timeout { .. }))),
        "{first:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_total_deadline_ends_a_busy_stream() {
    use futures::StreamExt as _;
    let busy = stream::unfold((), |()| async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Some((Ok(Bytes::from_static(b"data: {}\n\n")), ()))
    });
    let events: Vec<Result<serde_json::Value, Error>> = EventStream::from_chunks(
        Box::pin(busy),
        "http://stream.test/".to_owned(),
        Some(Duration::from_secs(5)),
        Some(Duration::from_secs(2)),
    )
    .collect()
    .await;
    assert!(
        matches!(events.last(), Some(Err(Error::Timeout { url, timeout, .. }))
            if url == "http://stream.test/" && *timeout == Duration::from_secs(2)),
        "the total deadline is named: {:?}",
        events.last()
    );
    assert!(events.len() < 25, "{}", events.len());
}

#[tokio::test]
async fn an_error_key_is_an_error_however_it_is_spelled() {
    use futures::StreamExt as _;
    for data in [
        r#"{"error":{"message":"boom"}}"#,
        r#"{"\u0065rror":{"message":"boom"}}"#,
    ] {
        let body = format!("data: {data}\n\n");
        let chunks = stream::iter(vec![Ok(Bytes::from(body))]);
        let events: Vec<Result<serde_json::Value, Error>> =
            EventStream::from_chunks(chunks, String::new(), None, None)
                .collect()
                .await;
        assert!(
            matches!(&events[..], [Err(Error::Stream { message, .. })] if message == "boom"),
            "{data}: {events:?}"
        );
    }
}

#[test]
fn events_are_read_one_at_a_time_into_one_buffer() {
    let chunk = b"data: {\"n\":1}\n\ndata: {\"n\":2}\n\n: comment\n";
    let mut decoder = SseDecoder::default();
    let mut at = 0;
    assert_eq!(decoder.next_event(chunk, &mut at), Ok(true));
    assert_eq!(at, 15, "it stops right after the first event's blank line");
    assert_eq!(decoder.event().data, "{\"n\":1}");
    let buffer = decoder.event().data.as_ptr();
    assert_eq!(decoder.next_event(chunk, &mut at), Ok(true));
    assert_eq!(decoder.event().data, "{\"n\":2}");
    assert_eq!(
        decoder.event().data.as_ptr(),
        buffer,
        "the second event's data reuses the first one's buffer"
    );
    assert_eq!(decoder.next_event(chunk, &mut at), Ok(false));
    assert_eq!(at, chunk.len());
    assert!(!decoder.is_mid_event());
}
