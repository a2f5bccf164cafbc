//! The HTTP runtime every generated SDK carries, compiled and tested here on its own.
//!
//! Input: a [`Settings`](settings::Settings) value (each SDK's generated
//! `src/settings.rs` holds one) and the request descriptions generated methods build.
//! Output: the client, calls, errors, pages, event streams and helpers an SDK's public
//! API is made of.
//!
//! The generator copies each module listed in `src/files.in` into every SDK as
//! `src/runtime/<name>.rs`, with its own module list in place of this file. So the
//! modules name each other through `super::` (the same path in both places), the
//! settings arrive as a value, and the unit tests (`src/tests/`, and `src/testing.rs`,
//! their made-up SDK) stay here.
//!
//! Unpublished: it is a crate only so that it builds and runs its tests alone.

#![allow(
    dead_code,
    reason = "the runtime serves every spec; helpers an SDK calls have no caller here"
)]

/// Declares each runtime module.
macro_rules! runtime_files {
    ($($name:ident),* $(,)?) => {
        $(pub(crate) mod $name;)*
    };
}
include!("files.in");

#[cfg(test)]
mod testing;

/// The behaviour tests, through calls built as generated methods build them.
#[cfg(test)]
#[path = "tests/behaviour.rs"]
mod behaviour;

pub use call::{Call, RawResponse};
pub use client::{Client, ClientBuilder};
pub use error::{ApiError, ApiErrorKind, Error, ValidationProblem};
pub use file::FileUpload;
pub use futures::{Stream, StreamExt};
pub use nullable::Nullable;
pub use number::Number;
pub use page::{ItemStream, Page};
pub use poll::{Backoff, PollOptions};
pub use sse::EventStream;
