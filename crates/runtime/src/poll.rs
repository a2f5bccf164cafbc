//! Waiting for long-running jobs: poll a job's status until it ends.
//!
//! Input: a way to fetch the job (the generated `wait_for_completion` passes its
//! status method), where its status is in the answer and which values end it
//! (a [`JobStatus`] the generator writes from the config), and [`PollOptions`].
//! Output: the answer that reported success; [`Error::JobFailed`] with the job's own
//! error message for a failure value; [`Error::JobTimeout`] when the total timeout
//! passes first. Dropping the future stops the polling: nothing runs in the
//! background.
//!
//! The defaults are the published SDKs': first wait 1 s, waits growing linearly to
//! at most 5 s, 2 hours in all.

use std::future::Future;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::error::Error;

/// How the wait between two polls grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Backoff {
    /// The same wait every time: the interval.
    Constant,
    /// The interval times the number of polls so far (1 s, 2 s, 3 s ...).
    #[default]
    Linear,
    /// The interval doubled after each poll (1 s, 2 s, 4 s ...).
    Exponential,
}

/// How a job is waited for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollOptions {
    /// The first wait between polls (1 s).
    pub interval: Duration,
    /// The longest wait between polls (5 s).
    pub max_interval: Duration,
    /// How long to wait in all before [`Error::JobTimeout`] (2 hours).
    pub timeout: Duration,
    /// How the wait grows ([`Backoff::Linear`]).
    pub backoff: Backoff,
}

impl Default for PollOptions {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(5),
            timeout: Duration::from_secs(2 * 60 * 60),
            backoff: Backoff::Linear,
        }
    }
}

impl PollOptions {
    /// Sets the first wait between polls.
    #[must_use]
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Sets the longest wait between polls.
    #[must_use]
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval;
        self
    }

    /// Sets the total timeout.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets how the wait grows.
    #[must_use]
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// The wait after the `polls`-th poll (counted from 1).
    fn delay(&self, polls: u32) -> Duration {
        let grown = match self.backoff {
            Backoff::Constant => self.interval,
            Backoff::Linear => self.interval.saturating_mul(polls),
            Backoff::Exponential => self
                .interval
                .saturating_mul(2u32.saturating_pow(polls.saturating_sub(1))),
        };
        grown.min(self.max_interval)
    }
}

/// Where a job's answer keeps its status and which values end it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JobStatus {
    /// The path of the status field (`["job", "status"]`).
    pub(crate) field: &'static [&'static str],
    /// Values that mean the job succeeded (compared without case).
    pub(crate) success: &'static [&'static str],
    /// Values that mean it failed or was cancelled.
    pub(crate) failure: &'static [&'static str],
    /// The path of the job's error message, if it has one.
    pub(crate) error: &'static [&'static str],
}

fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, name| value.get(name))
}

/// The text of a field of an answer, if it is a string.
pub(crate) fn text_field<T: Serialize>(answer: &T, path: &[&str]) -> Option<String> {
    let value = serde_json::to_value(answer).ok()?;
    at(&value, path).and_then(Value::as_str).map(str::to_owned)
}

/// Polls `fetch` until the job ends or `options.timeout` passes. A status that is
/// missing, or neither a success nor a failure value, means the job is still
/// running.
pub(crate) async fn wait<T, F, Fut>(
    mut fetch: F,
    job: JobStatus,
    options: &PollOptions,
) -> Result<T, Error>
where
    T: Serialize,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let deadline = tokio::time::Instant::now() + options.timeout;
    let mut last_status = None;
    let timed_out = |status: Option<String>| Error::JobTimeout {
        timeout: options.timeout,
        status,
    };
    for polls in 1u32.. {
        let Ok(answer) = tokio::time::timeout_at(deadline, fetch()).await else {
            return Err(timed_out(last_status));
        };
        let answer = answer?;
        let value = serde_json::to_value(&answer).unwrap_or(Value::Null);
        let status = at(&value, job.field)
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(status) = &status {
            let is = |values: &[&str]| values.iter().any(|v| v.eq_ignore_ascii_case(status));
            if is(job.success) {
                return Ok(answer);
            }
            if is(job.failure) {
                let message = at(&value, job.error)
                    .filter(|_| !job.error.is_empty())
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                return Err(Error::JobFailed {
                    status: status.clone(),
                    message,
                });
            }
        }
        last_status = status;
        let delay = options.delay(polls);
        if tokio::time::Instant::now() + delay >= deadline {
            return Err(timed_out(last_status));
        }
        tokio::time::sleep(delay).await;
    }
    Err(timed_out(last_status))
}

#[cfg(test)]
#[path = "tests/poll.rs"]
mod tests;
