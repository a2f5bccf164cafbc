//! OpenAPI 3.0 document types, deserialized with serde.
//!
//! Input: a JSON value (or any serde data) of an OpenAPI 3.0 document or a part of
//! one. Output: the typed document, [`OpenAPI`].
//!
//! A fork of `openapiv3` 2.2.0 (MIT or Apache-2.0, Glade Miller), the same API and
//! serde behaviour, except that a [`Schema`] keeps its rarely set parts boxed:
//! about 250 bytes a schema instead of 1,024, which made a spec of many small
//! schemas take 22 times its size as a typed document; and equal small property
//! schemas deserialized in one [`Sharing`] scope are one `Arc` (`share.rs`). The
//! changed items are listed in this crate's README and marked "fork change" where
//! they are defined.

// The rest is upstream's code as written; these lints of newer compilers are not
// worth a diff from it.
#![allow(
    clippy::derivable_impls,
    clippy::match_like_matches_macro,
    mismatched_lifetime_syntaxes
)]

mod callback;
mod components;
mod contact;
mod discriminator;
mod encoding;
mod example;
mod external_documentation;
mod header;
mod info;
mod license;
mod link;
mod media_type;
mod openapi;
mod operation;
mod parameter;
mod paths;
mod reference;
mod request_body;
mod responses;
mod schema;
mod security_requirement;
mod security_scheme;
mod server;
mod server_variable;
mod share;
mod status_code;
mod tag;
mod util;
mod variant_or;

pub use self::callback::*;
pub use self::components::*;
pub use self::contact::*;
pub use self::discriminator::*;
pub use self::encoding::*;
pub use self::example::*;
pub use self::external_documentation::*;
pub use self::header::*;
pub use self::info::*;
pub use self::license::*;
pub use self::link::*;
pub use self::media_type::*;
pub use self::openapi::*;
pub use self::operation::*;
pub use self::parameter::*;
pub use self::paths::*;
pub use self::reference::*;
pub use self::request_body::*;
pub use self::responses::*;
pub use self::schema::*;
pub use self::security_requirement::*;
pub use self::security_scheme::*;
pub use self::server::*;
pub use self::server_variable::*;
pub use self::share::{MAX_SHARED_BYTES, Sharing};
pub use self::status_code::*;
pub use self::tag::*;
pub use self::util::*;
pub use self::variant_or::*;
