{{ header }}
#![cfg_attr(rustfmt, rustfmt::skip)]
{{ crate_doc }}
#![warn(missing_docs)]
{{ allows }}

mod call;
mod client;
mod error;
mod nullable;
mod request;
mod settings;

pub mod resources;
pub mod types;

pub use call::{Call, RawResponse};
pub use client::{Client, ClientBuilder};
pub use error::{ApiError, ApiErrorKind, Error};
pub use nullable::Nullable;
{{ client_alias }}
