//! Keeping secrets out of `Debug` output and logs.
//!
//! Input: header maps, URLs and bodies on their way to a log line or a `Debug` string.
//! Output: the same with every secret replaced by `[redacted]`. A header is secret
//! when it is marked sensitive, when its name is one of the credential headers
//! (`authorization`, `cookie`, `set-cookie` ...), the API's own key header, or when
//! its name says it holds one (`...key`, `...token`, `...secret`, `...password`,
//! `...session`, `...signature`). A URL loses its password and the API's query key.
//! A generated struct's `Debug` shows [`Hidden`] for each field the spec marks a
//! credential (`format: password`).

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName};

use super::client::AuthScheme;

/// Headers that always carry credentials.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
];

/// Words that, in a header's name, say it carries a credential.
const SECRET_WORDS: &[&str] = &[
    "key",
    "token",
    "secret",
    "password",
    "passwd",
    "session",
    "signature",
    "credential",
    "auth",
];

/// What replaces a secret.
pub(crate) const REDACTED: &str = "[redacted]";

/// Shown by a generated struct's `Debug` in place of a credential field's value
/// (`format: password` in the spec): `[redacted]`, set or not.
pub(crate) struct Hidden;

impl std::fmt::Debug for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Whether a header with this name carries a secret, for an API whose credential
/// schemes are `auth` (the settings' list: its key header is secret too).
pub(crate) fn is_secret_header(name: &HeaderName, auth: &[AuthScheme]) -> bool {
    let name = name.as_str();
    SECRET_HEADERS.contains(&name)
        || SECRET_WORDS.iter().any(|word| name.contains(word))
        || auth.iter().any(|scheme| {
            matches!(scheme, AuthScheme::ApiKeyHeader(key) if key.eq_ignore_ascii_case(name))
        })
}

/// Marks every secret header of `headers` sensitive, so that [`Redacted`] hides it
/// wherever the map goes next (an [`ApiError`](super::error::ApiError) keeps the
/// response's headers without the credential schemes).
pub(crate) fn mark_secrets(headers: &mut HeaderMap, auth: &[AuthScheme]) {
    for (name, value) in headers.iter_mut() {
        if is_secret_header(name, auth) {
            value.set_sensitive(true);
        }
    }
}

/// A header map for logs and `Debug`, with secrets replaced: those marked
/// sensitive and those [`is_secret_header`] names, for these credential schemes.
pub(crate) struct Redacted<'a>(pub(crate) &'a HeaderMap, pub(crate) &'a [AuthScheme]);

impl std::fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if value.is_sensitive() || is_secret_header(name, self.1) {
                map.entry(&name.as_str(), &REDACTED);
            } else {
                map.entry(&name.as_str(), &value.to_str().unwrap_or("<binary>"));
            }
        }
        map.finish()
    }
}

/// A URL for logs and `Debug`: no password, and no API key in the query.
pub(crate) fn url_text(url: &Url, auth: &[AuthScheme]) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some(REDACTED));
    }
    let secret = auth.iter().find_map(|scheme| match scheme {
        AuthScheme::ApiKeyQuery(name) => Some(*name),
        _ => None,
    });
    if let (Some(secret), Some(_)) = (secret, url.query()) {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(name, value)| {
                let value = if name == secret {
                    REDACTED.to_owned()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        shown.query_pairs_mut().clear().extend_pairs(pairs);
    }
    shown.to_string()
}

#[cfg(test)]
#[path = "tests/redact.rs"]
mod tests;
