//! Loading a JSON document a part at a time, so that its whole tree is never in
//! memory (issue 11: peak memory on big specs).
//!
//! Input: the source text of a JSON document whose `[`/`{` nesting is already
//! checked. Output: what the whole-tree path of [`super::load_timed`] gives (the
//! typed document and the version, or every problem in the same order), or `None`
//! when this path cannot say: the document is not an object of the expected shape,
//! or holds a `$defs` block or a local `$ref` deeper than a component, whose rewrites
//! reach across the whole document. The caller then takes the whole-tree path, which
//! also words every parse error.
//!
//! The document is split where it is big: each path item and each component schema
//! stays a slice of the source ([`RawValue`]) until its turn, when it is parsed,
//! normalized, checked and typed, and its JSON dropped. Everything else (the info,
//! the other components) is one small tree, the skeleton. A spec's parsed tree is
//! 14 times its size; the slices cost nothing.

use indexmap::IndexMap;
use openapi_compact::{OpenAPI, PathItem, ReferenceOr, Schema};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::normalize::{self, needs_whole_document};
use super::validate::{self, Validator};
use super::{LoadTimings, attach, check_version, locate_all, path_item_at, schema_at, typed};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The typed document and its declared version, or every problem; `None`: take the
/// whole-tree path.
pub(super) type Loaded = Option<Result<(OpenAPI, Option<String>), Diagnostics>>;

/// Loads a JSON document in parts; see the module docs.
pub(super) fn load(text: &str, source: &str, timings: &mut LoadTimings) -> Loaded {
    let top: IndexMap<String, &RawValue> = slices(text)?;
    let mut skeleton = Map::new();
    let mut path_items: Vec<(String, &RawValue)> = Vec::new();
    let mut schemas: Vec<(String, &RawValue)> = Vec::new();
    for (key, raw) in top {
        let value = match key.as_str() {
            "paths" => {
                let mut extensions = Map::new();
                for (path, raw) in slices::<IndexMap<String, &RawValue>>(raw.get())? {
                    // `x-` keys of the paths object are its extensions, not paths.
                    if path.starts_with("x-") {
                        extensions.insert(path, parse(raw)?);
                    } else {
                        path_items.push((path, raw));
                    }
                }
                Value::Object(extensions)
            }
            "components" => {
                let mut components = Map::new();
                for (section, raw) in slices::<IndexMap<String, &RawValue>>(raw.get())? {
                    if section == "schemas" {
                        schemas = slices::<IndexMap<String, &RawValue>>(raw.get())?
                            .into_iter()
                            .collect();
                        components.insert(section, Value::Object(Map::new()));
                    } else {
                        components.insert(section, parse(raw)?);
                    }
                }
                Value::Object(components)
            }
            _ => parse(raw)?,
        };
        skeleton.insert(key, value);
    }
    let mut skeleton = Value::Object(skeleton);
    if needs_whole_document(&skeleton) {
        return None;
    }

    // The whole-tree path's order: the version; then normalizing, checking (root,
    // path items, components, schemas) and the numbers (outside the parts, path
    // items, schemas); then typing, whose first failure (the skeleton's, then a path
    // item's, then a schema's) is the one reported.
    let mut problems = Diagnostics::default();
    let version = check_version(&skeleton, &mut problems);
    if problems.has_errors() {
        return Some(Err(locate_all(source, problems)));
    }
    let started = std::time::Instant::now();
    normalize::normalize_document(&mut skeleton);
    let mut parts = Parts {
        validator: Validator::default(),
        numbers: validate::check_numbers(&skeleton),
        typing_failure: None,
        timings,
    };
    // The skeleton holds the root, so it is an object: every part gets checked.
    parts.validator.root(&skeleton);
    parts.timings.normalize += started.elapsed();

    let mut typed_items: Vec<(String, ReferenceOr<PathItem>)> =
        Vec::with_capacity(path_items.len());
    for (path, raw) in path_items {
        let typed = parts.read(raw, &path_item_at(&path), |item, validator, numbers| {
            normalize::normalize_path_item(item);
            validator.path_item(&path, item);
            validate::numbers_in_path_item(&path, item, numbers);
        });
        let Ok(typed) = typed else {
            return None;
        };
        typed_items.extend(typed.map(|item| (path, item)));
    }
    if let Some(Value::Object(components)) = skeleton.get_mut("components") {
        parts.validator.components(components);
    }
    let mut typed_schemas: Vec<(String, ReferenceOr<Schema>)> = Vec::with_capacity(schemas.len());
    for (name, raw) in schemas {
        let typed = parts.read(raw, &schema_at(&name), |schema, validator, numbers| {
            normalize::normalize_schema(schema);
            validator.schema(&name, schema);
            validate::numbers_in_schema(&name, schema, numbers);
        });
        let Ok(typed) = typed else {
            return None;
        };
        typed_schemas.extend(typed.map(|schema| (name, schema)));
    }
    let Parts {
        validator,
        numbers,
        typing_failure,
        timings,
    } = parts;
    problems.0.extend(validator.finish().0);
    problems.0.extend(numbers.0);
    if problems.has_errors() {
        return Some(Err(locate_all(source, problems)));
    }

    let started = std::time::Instant::now();
    // The skeleton is typed first on the whole-tree path: its failure is the one
    // reported.
    let skeleton_typed: Result<OpenAPI, Diagnostic> = typed(&skeleton, "");
    drop(skeleton);
    let mut document = match (skeleton_typed, typing_failure) {
        (Ok(document), None) => document,
        (Err(problem), _) | (Ok(_), Some(problem)) => {
            problems.push(problem);
            return Some(Err(locate_all(source, problems)));
        }
    };
    attach(&mut document, typed_items, typed_schemas);
    timings.deserialize += started.elapsed();
    Some(Ok((document, version)))
}

/// The state of reading the parts: what the checks found, the first part that could
/// not be typed, and the time each step took.
struct Parts<'t> {
    validator: Validator,
    numbers: Diagnostics,
    typing_failure: Option<Diagnostic>,
    timings: &'t mut LoadTimings,
}

impl Parts<'_> {
    /// One path item or component schema (at `at`, without the `#`): parsed,
    /// normalized and checked by `check`, then typed unless a check or an earlier
    /// part has failed (the whole-tree path types nothing after a failure).
    fn read<T: serde::de::DeserializeOwned>(
        &mut self,
        raw: &RawValue,
        at: &str,
        check: impl FnOnce(&mut Value, &mut Validator, &mut Diagnostics),
    ) -> Result<Option<T>, WholeTree> {
        let mut value = parse(raw).ok_or(WholeTree)?;
        if needs_whole_document(&value) {
            return Err(WholeTree);
        }
        let started = std::time::Instant::now();
        check(&mut value, &mut self.validator, &mut self.numbers);
        self.timings.normalize += started.elapsed();
        if self.typing_failure.is_some() || self.validator.has_errors() || self.numbers.has_errors()
        {
            return Ok(None);
        }
        let started = std::time::Instant::now();
        let typed = match typed(&value, at) {
            Ok(typed) => Some(typed),
            Err(problem) => {
                self.typing_failure = Some(problem);
                None
            }
        };
        self.timings.deserialize += started.elapsed();
        Ok(typed)
    }
}

/// A part that only the whole-tree path can read (see the module docs).
struct WholeTree;

/// An object's entries as slices of the source; `None` if it is not an object or
/// not JSON.
fn slices<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Option<T> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    // The entries are skipped without recursion; the limit would only refuse a
    // deep one, which the nesting check has already bounded.
    deserializer.disable_recursion_limit();
    let value = T::deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    Some(value)
}

/// One slice parsed into a tree, as the whole document would be (no recursion
/// limit, on a stack that grows as needed); `None` if it does not parse.
fn parse(raw: &RawValue) -> Option<Value> {
    super::parse_json(raw.get()).ok()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{LoadTimings, whole_tree, yaml};

    /// Both paths on one JSON text: `None` if the parts path declines, else
    /// whether the two agree (document and version, or every problem, located).
    fn both(source: &str) -> Option<()> {
        let text = source.trim_start();
        let parts = super::load(text, source, &mut LoadTimings::default())?;
        let whole = whole_tree(text, source, &mut LoadTimings::default());
        match (&parts, &whole) {
            (Ok(a), Ok(b)) => assert!(a == b, "the parts path typed another document"),
            (Err(a), Err(b)) => assert_eq!(a, b, "the two paths found other problems"),
            _ => {
                panic!("one path failed and the other did not:\nparts: {parts:?}\nwhole: {whole:?}")
            }
        }
        Some(())
    }

    /// Every fixture and every refused spec of the generator's tests, as JSON (the
    /// YAML ones converted), and LlamaCloud's spec: the parts path, when it takes a
    /// document, finds exactly what the whole tree finds.
    #[test]
    fn reading_in_parts_agrees_with_the_whole_tree_on_every_test_spec() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut taken = 0;
        let mut declined = Vec::new();
        for dir in ["tests/fixtures", "tests/refusals"] {
            let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .filter(|path| path.is_file())
                .collect();
            paths.sort();
            for path in paths {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let json = if text.trim_start().starts_with('{') {
                    text
                } else {
                    match yaml::from_str(&text) {
                        Ok(value) => serde_json::to_string_pretty(&value).unwrap(),
                        Err(_) => continue,
                    }
                };
                match both(&json) {
                    Some(()) => taken += 1,
                    None => declined.push(path.display().to_string()),
                }
            }
        }
        let llama = std::fs::read_to_string(root.join("../../spec/openapi.json")).unwrap();
        assert!(both(&llama).is_some(), "LlamaCloud's spec is read in parts");
        // Most test specs are plain enough for the parts path; the rest hold `$defs`,
        // deep references or malformed text.
        assert!(
            taken >= 40,
            "only {taken} specs were read in parts; declined: {declined:#?}"
        );
    }

    /// The real JSON specs of the corpus beside the workspace (`../shared/corpus`, as
    /// CI lays it out): the same document either way, GitHub's 10 MB among them.
    #[test]
    fn reading_in_parts_agrees_with_the_whole_tree_on_the_corpus() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        let Ok(entries) = std::fs::read_dir(&corpus) else {
            // CI always has it; a developer's checkout may not.
            assert!(
                std::env::var_os("CI").is_none(),
                "no corpus at {}",
                corpus.display()
            );
            eprintln!("no corpus at {}: nothing to compare", corpus.display());
            return;
        };
        let mut paths: Vec<_> = entries
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        let mut taken = 0;
        for path in &paths {
            let text = std::fs::read_to_string(path).unwrap();
            if both(&text).is_some() {
                taken += 1;
            }
        }
        assert!(
            taken >= 5,
            "only {taken} of {} corpus specs were read in parts",
            paths.len()
        );
    }

    /// Problems spread over the skeleton, several path items and schemas come out
    /// in the whole tree's order, and the first typing failure is the one it reports.
    #[test]
    fn problems_and_typing_failures_come_in_the_whole_tree_s_order() {
        let checked = r#"{"openapi": "3.0.3", "info": {"title": "T"},
            "paths": {"x-note": {"maximum": "no"}, "a/{id": {"get": {"operationId": "same", "responses": {}}},
                      "/b": {"get": {"operationId": "same", "parameters": [{"name": "q"}], "responses": {}},
                             "post": {"requestBody": {"description": "no content"}, "responses": {}}}},
            "components": {"parameters": {"P": {"name": "p", "in": "query", "schema": {"maximum": "x"}}},
                           "schemas": {"maximum": "big", "A": {"type": "integer", "minimum": "1e400"}, "B": 3}}}"#;
        assert!(both(checked).is_some());
        let problems = super::load(checked, checked, &mut LoadTimings::default())
            .unwrap()
            .unwrap_err();
        assert!(problems.0.len() >= 8, "{problems:?}");

        let typing = r#"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": 5}}}},
                      "/b": {"get": {"responses": {"200": {"description": "ok", "content": 6}}}}},
            "components": {"schemas": {"A": {"properties": 7}}}}"#;
        assert!(both(typing).is_some());
        let skeleton_fails = r#"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "servers": 4,
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": 5}}}}}}"#;
        assert!(both(skeleton_fails).is_some());
    }

    /// `$defs` and references deeper than a component rewrite the whole document, so
    /// the parts path declines them, wherever they are.
    #[test]
    fn whole_document_rewrites_are_left_to_the_whole_tree() {
        let in_schema = r#"{"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {},
            "components": {"schemas": {"A": {"$defs": {"B": {"type": "string"}}}}}}"#;
        let deep = r##"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/A/properties/b"}}}}}}}},
            "components": {"schemas": {"A": {"properties": {"b": {"type": "string"}}}}}}"##;
        let plain = r##"{"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {"x-a": 1},
            "components": {"schemas": {"A": {"properties": {"b": {"$ref": "#/components/schemas/A"}}}}}}"##;
        assert!(both(in_schema).is_none());
        assert!(both(deep).is_none());
        assert!(both(plain).is_some());
    }
}
