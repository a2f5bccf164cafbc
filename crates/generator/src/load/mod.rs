//! Stage 1, load: spec bytes → a normalized, typed OpenAPI document.
//!
//! Input: the bytes of an OpenAPI 3.0 or 3.1 document, JSON or YAML.
//! Output: [`LoadedSpec`], holding the `openapi-compact` document (with 3.1 forms rewritten
//! by [`normalize`]), the source text for locating problems, and the spec's sha256.
//! Every problem found is returned at once as [`Diagnostics`], each with its JSON
//! pointer and, where it can be found, its line and column.

pub mod locate;
pub mod normalize;
mod parts;
pub mod validate;
pub mod yaml;

use std::fmt::Write as _;

use openapi_compact::{OpenAPI, PathItem, ReferenceOr, Schema};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// A parsed, normalized document and what later stages need to know about its source.
///
/// It borrows the source text from the caller's bytes rather than copying it: a big
/// spec is then in memory once, not twice.
#[derive(Debug, Clone)]
pub struct LoadedSpec<'a> {
    /// The typed document.
    pub document: OpenAPI,
    /// The declared OpenAPI version (`3.1.0`).
    pub openapi_version: String,
    /// Lowercase hex sha256 of the input bytes.
    pub sha256: String,
    /// The source text, kept to turn JSON pointers into lines and columns.
    pub source: &'a str,
}

/// Fills in the line and column of each diagnostic from the source text (lowering
/// locates what it found this way, once it has dropped the typed document).
///
/// Locating scans the text, so it is done for every error but only for the first
/// [`LOCATED_WARNINGS`] warnings; the rest keep their JSON pointer alone.
#[must_use]
pub fn locate_in(source: &str, mut diagnostics: Diagnostics) -> Diagnostics {
    let mut warnings = 0;
    let mut locator = locate::Locator::new(source);
    for diagnostic in &mut diagnostics.0 {
        if diagnostic.severity == crate::diagnostics::Severity::Warning {
            warnings += 1;
            if warnings > LOCATED_WARNINGS {
                continue;
            }
        }
        if diagnostic.line_column.is_none() {
            diagnostic.line_column = locator.line_column(&diagnostic.pointer);
        }
    }
    diagnostics
}

/// How many warnings of one run get a line and column.
pub const LOCATED_WARNINGS: usize = 50;

/// How long each part of loading took.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadTimings {
    /// Parsing the JSON or YAML text.
    pub parse: std::time::Duration,
    /// Rewriting 3.1 forms and checking structure.
    pub normalize: std::time::Duration,
    /// Deserializing into `openapi-compact` types.
    pub deserialize: std::time::Duration,
}

/// Parses, checks and normalizes a document.
pub fn load(bytes: &[u8]) -> Result<LoadedSpec<'_>, Diagnostics> {
    load_timed(bytes, &mut LoadTimings::default())
}

/// [`load`], recording how long each part took.
pub fn load_timed<'a>(
    bytes: &'a [u8],
    timings: &mut LoadTimings,
) -> Result<LoadedSpec<'a>, Diagnostics> {
    let started = std::time::Instant::now();
    let sha256 = sha256_hex(bytes);
    // Never altered: bytes that are not UTF-8 are refused, not replaced.
    let source = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            let line = valid.split(|b| *b == b'\n').count();
            let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            return Err(Diagnostics(vec![Diagnostic {
                line_column: Some((line, column)),
                ..Diagnostic::error(
                    "#",
                    format!(
                        "the document is not UTF-8: byte {} is invalid",
                        error.valid_up_to()
                    ),
                )
            }]));
        }
    };
    if let Some(at) = too_deep(source) {
        return Err(Diagnostics(vec![Diagnostic {
            line_column: Some(at),
            ..Diagnostic::error(
                "#",
                format!("the document nests deeper than {MAX_NESTING} levels"),
            )
        }]));
    }
    let text = source.trim_start_matches('\u{feff}').trim_start();
    // A JSON document is read a part at a time when it can be (`parts`); its whole
    // tree is then never in memory.
    let mut in_parts = LoadTimings::default();
    // Equal small property schemas become one allocation while the document is typed
    // (most of a big spec's property schemas repeat another; issue 11, item 7).
    let sharing = openapi_compact::Sharing::begin();
    let loaded = match text
        .starts_with('{')
        .then(|| parts::load(text, source, &mut in_parts))
        .flatten()
    {
        Some(loaded) => {
            *timings = in_parts;
            loaded
        }
        None => whole_tree(text, source, timings),
    };
    drop(sharing);
    let (document, openapi_version) = loaded?;
    // Whatever the path, the time not spent normalizing or typing was spent reading.
    timings.parse = started
        .elapsed()
        .saturating_sub(timings.normalize + timings.deserialize);
    Ok(LoadedSpec {
        document,
        openapi_version: openapi_version.unwrap_or_default(),
        sha256,
        source,
    })
}

/// Loads the document as one tree: parse, check the version, normalize, check, type.
/// YAML takes this path, and so does JSON that [`parts`] cannot read in parts.
fn whole_tree(
    text: &str,
    source: &str,
    timings: &mut LoadTimings,
) -> Result<(OpenAPI, Option<String>), Diagnostics> {
    let mut value = parse_value(text).map_err(|d| Diagnostics(vec![d]))?;
    let started = std::time::Instant::now();
    let mut problems = Diagnostics::default();
    let openapi_version = check_version(&value, &mut problems);
    if problems.has_errors() {
        return Err(locate_all(source, problems));
    }
    normalize::normalize_document(&mut value);
    problems.0.extend(validate::validate(&mut value).0);
    problems.0.extend(validate::check_numbers(&value).0);
    timings.normalize = started.elapsed();
    let started = std::time::Instant::now();
    if problems.has_errors() {
        return Err(locate_all(source, problems));
    }
    let deserialized = deserialize(value);
    timings.deserialize = started.elapsed();
    match deserialized {
        Ok(document) => Ok((document, openapi_version)),
        Err(problem) => {
            problems.push(problem);
            Err(locate_all(source, problems))
        }
    }
}

/// The typed document, built from the JSON piece by piece: the component schemas
/// and the path items are taken out of the tree one at a time, each deserialized and
/// its JSON dropped at once, so the JSON tree and the typed document (each many
/// times the spec's size) are not both whole in memory.
fn deserialize(mut value: Value) -> Result<OpenAPI, Diagnostic> {
    let schemas = take_map(&mut value, &["components", "schemas"]);
    let mut paths = take_map(&mut value, &["paths"]);
    // `x-` keys of the paths object are its extensions, not paths: they stay.
    let extensions: Vec<String> = paths
        .keys()
        .filter(|k| k.starts_with("x-"))
        .cloned()
        .collect();
    if let Some(Value::Object(left)) = value.get_mut("paths") {
        for key in extensions {
            if let Some(extension) = paths.remove(&key) {
                left.insert(key, extension);
            }
        }
    }
    let mut document: OpenAPI = typed(&value, "")?;
    drop(value);
    // Each part's JSON is dropped as soon as it is typed.
    let path_items = paths
        .into_iter()
        .map(|(path, item)| typed(&item, &path_item_at(&path)).map(|item| (path, item)))
        .collect::<Result<Vec<_>, _>>()?;
    let schemas = schemas
        .into_iter()
        .map(|(name, schema)| typed(&schema, &schema_at(&name)).map(|schema| (name, schema)))
        .collect::<Result<Vec<_>, _>>()?;
    attach(&mut document, path_items, schemas);
    Ok(document)
}

/// Puts the typed path items and component schemas into the typed rest of the
/// document, in their order, each map sized once (grown by doubling, they held up
/// to twice their entries).
fn attach(
    document: &mut OpenAPI,
    path_items: Vec<(String, ReferenceOr<PathItem>)>,
    schemas: Vec<(String, ReferenceOr<Schema>)>,
) {
    document.paths.paths.reserve_exact(path_items.len());
    document.paths.paths.extend(path_items);
    if !schemas.is_empty() {
        let components = document.components.get_or_insert_with(Default::default);
        components.schemas.reserve_exact(schemas.len());
        components.schemas.extend(schemas);
    }
}

/// The pointer (without `#`) of a path item, to type it at.
fn path_item_at(path: &str) -> String {
    format!("/paths/{}", crate::diagnostics::escape_pointer_token(path))
}

/// The pointer (without `#`) of a component schema, to type it at.
fn schema_at(name: &str) -> String {
    format!(
        "/components/schemas/{}",
        crate::diagnostics::escape_pointer_token(name)
    )
}

/// Removes the object at `path` from the tree (leaving an empty one in its place),
/// in its order; an absent or non-object value gives an empty map.
fn take_map(value: &mut Value, path: &[&str]) -> serde_json::Map<String, Value> {
    let mut node = value;
    for key in path {
        match node.get_mut(*key) {
            Some(child) => node = child,
            None => return serde_json::Map::new(),
        }
    }
    match node {
        Value::Object(map) => std::mem::take(map),
        _ => serde_json::Map::new(),
    }
}

/// One part of the document, typed. Plain deserialization is the fast path; only a
/// failure is deserialized again, with path tracking, to say where (`at` is the
/// part's pointer without the leading `#`).
fn typed<T: serde::de::DeserializeOwned>(value: &Value, at: &str) -> Result<T, Diagnostic> {
    T::deserialize(value).or_else(|_| match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(typed) => Ok(typed),
        Err(error) => {
            let inner = pointer_from_serde_path(&error.path().to_string());
            let pointer = format!("#{at}{}", inner.trim_start_matches('#'));
            let message = format!("not a valid OpenAPI document: {}", error.inner());
            Err(Diagnostic::error(pointer, message))
        }
    })
}

/// The lowercase hex sha256 of some bytes, as generated headers and `spec/README.md`
/// name a spec.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

fn locate_all(source: &str, mut diagnostics: Diagnostics) -> Diagnostics {
    let mut locator = locate::Locator::new(source);
    for diagnostic in &mut diagnostics.0 {
        diagnostic.line_column = diagnostic
            .line_column
            .or_else(|| locator.line_column(&diagnostic.pointer));
    }
    diagnostics
}

/// JSON if it starts with `{`, YAML otherwise (YAML is a superset, but JSON's own
/// parser is faster and its errors are clearer).
/// The deepest nesting a document may have. `[`/`{` nesting is checked before
/// parsing, in one linear pass, so no parser ever sees it (serde_yaml took 17 s to
/// refuse 200 KB of `[`); the YAML parser's budget applies the same limit to block
/// nesting (see [`yaml`]).
const MAX_NESTING: usize = 1000;

/// The first place where `[`/`{` nesting (outside quoted strings) passes
/// [`MAX_NESTING`], as a line and column.
fn too_deep(source: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0_usize, 1_usize, 0_usize);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in source.chars() {
        column += 1;
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                column = 0;
                // YAML flow scalars may span lines; a stray quote must not hide the rest.
                if quote == Some('\'') {
                    quote = None;
                }
            }
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(open), c) if c == open && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some((line, column));
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        escaped = false;
    }
    None
}

/// The whole document as one tree; its nesting is already checked, and `text` has no
/// leading byte-order mark or blank.
fn parse_value(text: &str) -> Result<Value, Diagnostic> {
    if text.starts_with('{') {
        parse_json(text).map_err(|error| Diagnostic {
            line_column: Some((error.line(), error.column())),
            ..Diagnostic::error("#", format!("malformed JSON: {error}"))
        })
    } else {
        yaml::from_str(text).map_err(|error| Diagnostic {
            line_column: error.location().map(|l| {
                let number = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
                (number(l.line()), number(l.column()))
            }),
            ..Diagnostic::error("#", format!("malformed YAML: {error}"))
        })
    }
}

/// JSON text as a tree, with no recursion limit, on a stack that grows as needed: a
/// valid deep schema (60 levels of properties) is read, and nothing can overflow the
/// stack.
fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.disable_recursion_limit();
    let deserializer = serde_stacker::Deserializer::new(&mut deserializer);
    <Value as serde::Deserialize>::deserialize(deserializer)
}

/// `3.0`, `3.1`, `3.0.<n>` or `3.1.<n>` exactly (`3.10.0` is not 3.1).
fn supported_version(version: &str) -> bool {
    let mut parts = version.split('.');
    let (major, minor, patch, rest) = (parts.next(), parts.next(), parts.next(), parts.next());
    major == Some("3")
        && matches!(minor, Some("0" | "1"))
        && rest.is_none()
        && patch.is_none_or(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

fn check_version(value: &Value, problems: &mut Diagnostics) -> Option<String> {
    if value.get("swagger").is_some() {
        problems.push(Diagnostic::error(
            "#/swagger",
            "this is a Swagger 2.0 document; only OpenAPI 3.0 and 3.1 are supported \
             (convert it first, e.g. with `swagger2openapi`)",
        ));
        return None;
    }
    match value.get("openapi") {
        Some(Value::String(version)) if supported_version(version) => Some(version.clone()),
        Some(Value::String(version)) => {
            problems.push(Diagnostic::error(
                "#/openapi",
                format!("unsupported OpenAPI version `{version}`; 3.0.x and 3.1.x are supported"),
            ));
            None
        }
        Some(_) => {
            problems.push(Diagnostic::error(
                "#/openapi",
                "`openapi` must be a version string",
            ));
            None
        }
        None => {
            problems.push(Diagnostic::error(
                "#",
                "missing required field `openapi`: this is not an OpenAPI document",
            ));
            None
        }
    }
}

/// Turns `paths./api/v1.get.responses` (serde_path_to_error's form) into a pointer.
fn pointer_from_serde_path(path: &str) -> String {
    if path == "." || path.is_empty() {
        return "#".to_owned();
    }
    let mut pointer = String::from("#");
    for segment in path.split('.') {
        let segment = segment.trim_start_matches('[').trim_end_matches(']');
        pointer.push('/');
        pointer.push_str(&crate::diagnostics::escape_pointer_token(segment));
    }
    pointer
}

/// The schema a component `$ref` names, with the component's name.
///
/// Only references into `#/components/schemas` are followed here; the lowering stage
/// reports any other form with its location.
#[must_use]
pub fn component_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// Resolves `#/components/<section>/<name>` in a components map.
pub fn resolve<'a, T>(
    reference: &'a ReferenceOr<T>,
    section: &str,
    map: Option<&'a indexmap::IndexMap<String, ReferenceOr<T>>>,
) -> Option<(&'a T, Option<&'a str>)> {
    let mut current = reference;
    let mut name = None;
    // Components may refer to components; a chain longer than 32 is a cycle.
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(item) => return Some((item, name)),
            ReferenceOr::Reference { reference } => {
                let prefix = format!("#/components/{section}/");
                let key = reference.strip_prefix(&prefix)?;
                let key = unescape_pointer_token(key);
                let (found_key, next) = map?.get_key_value(key.as_str())?;
                name = Some(found_key.as_str());
                current = next;
            }
        }
    }
    None
}

/// Undoes [`crate::diagnostics::escape_pointer_token`] and percent-encoding.
#[must_use]
pub fn unescape_pointer_token(token: &str) -> String {
    let decoded = percent_decode(token);
    decoded.replace("~1", "/").replace("~0", "~")
}

/// A JSON pointer from a URI fragment (`/a%20b/~1x`), percent-decoded but with its
/// `~0`/`~1` escapes kept, as `serde_json::Value::pointer` takes it.
pub(crate) fn percent_decode_pointer(text: &str) -> String {
    percent_decode(text)
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        // Bytes, not `str` slices: the two digits may sit inside a multi-byte character.
        if let (b'%', Some(high), Some(low)) = (
            bytes[index],
            bytes
                .get(index + 1)
                .and_then(|b| char::from(*b).to_digit(16)),
            bytes
                .get(index + 2)
                .and_then(|b| char::from(*b).to_digit(16)),
        ) {
            out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
