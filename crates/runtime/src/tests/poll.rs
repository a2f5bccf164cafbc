//! The unit tests of `poll.rs`, kept beside the runtime: the copy in each SDK leaves them out.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::json;

use super::*;

const JOB: JobStatus = JobStatus {
    field: &["job", "status"],
    success: &["COMPLETED"],
    failure: &["FAILED", "CANCELLED"],
    error: &["job", "error_message"],
};

/// A fetch answering each poll with the next of `answers` (the last repeats),
/// counting the polls.
fn answers(
    answers: Vec<Value>,
) -> (
    impl FnMut() -> std::future::Ready<Result<Value, Error>>,
    Arc<AtomicU32>,
) {
    let polls = Arc::new(AtomicU32::new(0));
    let counted = Arc::clone(&polls);
    let fetch = move || {
        let n = counted.fetch_add(1, Ordering::SeqCst) as usize;
        std::future::ready(Ok(answers[n.min(answers.len() - 1)].clone()))
    };
    (fetch, polls)
}

#[test]
fn waits_grow_as_the_backoff_says_up_to_the_max() {
    let secs = |options: &PollOptions| -> Vec<u64> {
        (1..=7).map(|n| options.delay(n).as_secs()).collect()
    };
    let default = PollOptions::default();
    assert_eq!(secs(&default), [1, 2, 3, 4, 5, 5, 5]);
    assert_eq!(
        secs(&default.clone().backoff(Backoff::Exponential)),
        [1, 2, 4, 5, 5, 5, 5]
    );
    assert_eq!(
        secs(&default.clone().backoff(Backoff::Constant)),
        [1, 1, 1, 1, 1, 1, 1]
    );
    assert_eq!(default.timeout, Duration::from_secs(7200));
}

#[tokio::test(start_paused = true)]
async fn pending_twice_then_the_answer_that_completed() {
    let (fetch, polls) = answers(vec![
        json!({"job": {"status": "PENDING"}}),
        json!({"job": {"status": "RUNNING"}}),
        json!({"job": {"status": "COMPLETED"}, "markdown": "# Title"}),
    ]);
    let started = tokio::time::Instant::now();
    let answer = wait(fetch, JOB, &PollOptions::default()).await.unwrap();
    assert_eq!(answer["markdown"], "# Title");
    assert_eq!(polls.load(Ordering::SeqCst), 3);
    // Linear: 1 s, then 2 s.
    assert_eq!(started.elapsed(), Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn a_failure_carries_the_jobs_message() {
    let (fetch, _) = answers(vec![
        json!({"job": {"status": "RUNNING"}}),
        json!({"job": {"status": "failed", "error_message": "the PDF is encrypted"}}),
    ]);
    let error = wait(fetch, JOB, &PollOptions::default()).await.unwrap_err();
    match error {
        Error::JobFailed { status, message } => {
            assert_eq!(status, "failed");
            assert_eq!(message.as_deref(), Some("the PDF is encrypted"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_job_that_never_ends_times_out_with_its_last_status() {
    let (fetch, polls) = answers(vec![json!({"job": {"status": "RUNNING"}})]);
    let options = PollOptions::default().timeout(Duration::from_secs(30));
    let started = tokio::time::Instant::now();
    let error = wait(fetch, JOB, &options).await.unwrap_err();
    assert!(
        matches!(&error, Error::JobTimeout { timeout, status: Some(status) }
            if *timeout == Duration::from_secs(30) && status == "RUNNING"),
        "{error:?}"
    );
    assert!(started.elapsed() <= Duration::from_secs(30));
    // 1 + 2 + 3 + 4 + 5 + 5 + 5 = 25 s of waits, then the next would pass 30 s.
    assert_eq!(polls.load(Ordering::SeqCst), 8);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_wait_stops_the_polling() {
    let (fetch, polls) = answers(vec![json!({"job": {"status": "RUNNING"}})]);
    let options = PollOptions::default();
    let waiting = wait(fetch, JOB, &options);
    // Cancelled after 4 s: polls at 0 s, 1 s and 3 s.
    let _ = tokio::time::timeout(Duration::from_secs(4), waiting).await;
    let after_cancel = polls.load(Ordering::SeqCst);
    assert_eq!(after_cancel, 3);
    tokio::time::sleep(Duration::from_secs(60)).await;
    assert_eq!(
        polls.load(Ordering::SeqCst),
        after_cancel,
        "nothing polls once dropped"
    );
}

#[tokio::test(start_paused = true)]
async fn an_error_from_the_status_call_ends_the_wait() {
    let fetch = || std::future::ready(Err::<Value, _>(Error::InvalidRequest("gone".to_owned())));
    let error = wait(fetch, JOB, &PollOptions::default()).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
}
