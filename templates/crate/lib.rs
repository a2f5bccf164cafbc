{{ header }}
#![cfg_attr(rustfmt, rustfmt::skip)]
{{ crate_doc }}
#![warn(missing_docs)]
{{ allows }}

#[cfg(feature = "blocking")]
pub mod blocking;
mod runtime;
mod settings;

pub mod resources;
pub mod types;
{{ handwritten }}
pub use runtime::call::{Call, RawResponse};
pub use runtime::client::{Client, ClientBuilder};
pub use runtime::error::{ApiError, ApiErrorKind, Error, ValidationProblem};
pub use runtime::file::FileUpload;
pub use runtime::nullable::Nullable;
pub use runtime::number::Number;
pub use runtime::page::{ItemStream, Page};
pub use runtime::poll::{Backoff, PollOptions};
pub use runtime::sse::EventStream;
/// Re-exported so that reading a stream needs no other dependency.
pub use futures::{Stream, StreamExt};
{{ client_alias }}
