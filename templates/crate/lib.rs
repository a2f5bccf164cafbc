{{ header }}
#![cfg_attr(rustfmt, rustfmt::skip)]
{{ crate_doc }}
#![warn(missing_docs)]
{{ allows }}

#[cfg(feature = "blocking")]
pub mod blocking;
mod call;
mod client;
mod error;
mod file;
mod log;
mod nullable;
mod number;
mod page;
mod poll;
mod redact;
mod request;
mod settings;
mod sse;
mod union;

pub mod resources;
pub mod types;
{{ handwritten }}
pub use call::{Call, RawResponse};
pub use client::{Client, ClientBuilder};
pub use error::{ApiError, ApiErrorKind, Error, ValidationProblem};
pub use file::FileUpload;
pub use nullable::Nullable;
pub use number::Number;
pub use page::{ItemStream, Page};
pub use poll::{Backoff, PollOptions};
pub use sse::EventStream;
/// Re-exported so that reading a stream needs no other dependency.
pub use futures::{Stream, StreamExt};
{{ client_alias }}
