//! A synchronous client of the same shape as the async one (cargo feature `blocking`).
//!
//! Input: the same configuration as [`crate::Client`].
//! Output: [`Client`], whose resource methods return results directly:
//! `client.resource().method(params)?`. Lists return a [`Page`] that iterates over
//! every item; event streams return an [`Events`] iterator.
//!
//! Each blocking client owns a single-threaded Tokio runtime and runs the async call
//! on it, so the behaviour (retries, timeouts, errors, logging) is the async client's.
//! Like `reqwest::blocking`, it must not be used from inside an async runtime.

use std::sync::Arc;

use futures::StreamExt as _;
use serde::de::DeserializeOwned;

use crate::runtime::call::Call;
use crate::runtime::error::Error;
use crate::runtime::sse::EventStream;

// Generated beside this file; formatted by the generator, not by rustfmt.
#[rustfmt::skip]
mod api;
#[allow(
    unused_imports,
    reason = "with no resource's feature on, the blocking API has no handle to re-export"
)]
pub use api::*;

/// The blocking API client. Reach resources from it as from the async client.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
    runtime: Arc<tokio::runtime::Runtime>,
}

impl Client {
    /// A client configured from the environment, as [`crate::Client::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        Self::new(crate::Client::from_env()?)
    }

    /// A blocking client that runs the calls of this async client.
    pub fn new(client: crate::Client) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| {
                Error::Config(format!("cannot start the blocking runtime: {error}"))
            })?;
        Ok(Self {
            inner: client,
            runtime: Arc::new(runtime),
        })
    }

    /// The async client underneath, e.g. to prepare a call with per-call options for
    /// [`Client::send`].
    #[must_use]
    pub fn async_client(&self) -> &crate::Client {
        &self.inner
    }

    /// Sends a prepared async call and waits for its result.
    pub fn send<T: Send + 'static>(&self, call: Call<T>) -> Result<T, Error> {
        self.runtime.block_on(call.send())
    }

    /// Runs a job's wait (or one-call helper) to its end.
    pub(crate) fn wait<T>(
        &self,
        waiting: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        self.runtime.block_on(waiting)
    }

    fn page<T: DeserializeOwned + Send + 'static>(
        &self,
        call: Call<crate::Page<T>>,
    ) -> Result<Page<T>, Error> {
        Ok(Page {
            page: self.send(call)?,
            client: self.clone(),
        })
    }

    fn events<T: DeserializeOwned + Send + 'static>(
        &self,
        call: Call<EventStream<T>>,
    ) -> Result<Events<T>, Error> {
        Ok(Events {
            stream: self.send(call)?,
            client: self.clone(),
        })
    }
}

/// One page of a list; iterating it yields every item of this page and the next ones.
#[derive(Debug)]
pub struct Page<T> {
    page: crate::Page<T>,
    client: Client,
}

impl<T: DeserializeOwned + Send + 'static> Page<T> {
    /// The items on this page.
    #[must_use]
    pub fn items(&self) -> &[T] {
        &self.page.items
    }

    /// Whether there is a next page.
    #[must_use]
    pub fn has_next_page(&self) -> bool {
        self.page.has_next_page()
    }

    /// Fetches the next page, or `None` after the last one.
    pub fn next_page(&self) -> Result<Option<Self>, Error> {
        let next = self.client.runtime.block_on(self.page.next_page())?;
        Ok(next.map(|page| Self {
            page,
            client: self.client.clone(),
        }))
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoIterator for Page<T> {
    type Item = Result<T, Error>;
    type IntoIter = Items<T>;

    fn into_iter(self) -> Items<T> {
        Items {
            stream: self.page.into_stream(),
            client: self.client,
        }
    }
}

/// Every item of a list, fetching pages as it goes.
pub struct Items<T> {
    stream: crate::ItemStream<T>,
    client: Client,
}

impl<T> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items").finish_non_exhaustive()
    }
}

impl<T> Iterator for Items<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.client.runtime.block_on(self.stream.next())
    }
}

/// The events of a Server-Sent Events response, as they arrive.
#[derive(Debug)]
pub struct Events<T> {
    stream: EventStream<T>,
    client: Client,
}

impl<T> Iterator for Events<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        self.client.runtime.block_on(self.stream.next())
    }
}
