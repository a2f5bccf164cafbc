//! Finds the line and column of a JSON pointer in a JSON or YAML source text.
//!
//! Input: the source text and a pointer such as `#/paths/~1pets/get/responses`.
//! Output: the 1-based line and column of the deepest key of the pointer found.
//!
//! Neither `serde_json` nor `serde_yaml` keeps positions in their values, so this
//! walks the text: it finds each object key of the pointer in turn, each one after
//! the previous one and indented deeper (YAML) or nested inside it (JSON). Array
//! indices are skipped, so the answer for `#/a/3/b` is the first `b` key under `a`
//! after which no shallower key intervenes. It is a locator for messages, not a
//! parser: when a key cannot be found it returns the deepest one that was.

/// Line and column (1-based) of the deepest locatable key of `pointer`.
#[must_use]
pub fn line_column(source: &str, pointer: &str) -> Option<(usize, usize)> {
    Locator::new(source).line_column(pointer)
}

/// Locates many pointers in one source: the line starts are indexed once, and the
/// position reached after each pointer prefix (`#/components/schemas`) is kept, so
/// a hundred warnings under one component do not each scan the document from its
/// start again.
pub struct Locator<'s> {
    source: &'s str,
    json: bool,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
    /// Pointer prefix → the search state after it: where the next key's search
    /// starts and the deepest key found; `None` once a token could not be found.
    prefixes: std::collections::HashMap<String, Option<(usize, Option<usize>)>>,
}

impl<'s> Locator<'s> {
    /// A locator for `source`.
    #[must_use]
    pub fn new(source: &'s str) -> Self {
        let line_starts = crate::diagnostics::line_starts(source);
        Self {
            source,
            json: source.trim_start().starts_with('{'),
            line_starts,
            prefixes: std::collections::HashMap::new(),
        }
    }

    /// Line and column (1-based) of the deepest locatable key of `pointer`.
    pub fn line_column(&mut self, pointer: &str) -> Option<(usize, usize)> {
        // Raw (still escaped) tokens, so that a prefix names one path only.
        let raw: Vec<&str> = pointer.trim_start_matches('#').split('/').skip(1).collect();
        if raw.is_empty() {
            return Some((1, 1));
        }
        let mut offset = 0;
        let mut found = None;
        let mut prefix = String::from("#");
        for raw_token in raw {
            prefix.push('/');
            prefix.push_str(raw_token);
            let state = match self.prefixes.get(&prefix) {
                Some(state) => *state,
                None => {
                    let token = raw_token.replace("~1", "/").replace("~0", "~");
                    let state = self.step(&token, offset, found);
                    self.prefixes.insert(prefix.clone(), state);
                    state
                }
            };
            match state {
                Some((next, deepest)) => {
                    offset = next;
                    found = deepest;
                }
                None => break,
            }
        }
        found.map(|position| self.to_line_column(position))
    }

    /// The search state after one token, from the state before it.
    fn step(
        &self,
        token: &str,
        offset: usize,
        found: Option<usize>,
    ) -> Option<(usize, Option<usize>)> {
        let needle = if self.json {
            format!("\"{}\"", token.replace('\\', "\\\\").replace('"', "\\\""))
        } else {
            token.to_owned()
        };
        match find_key(self.source, offset, &needle, self.json) {
            Some(position) => Some((position + needle.len(), Some(position))),
            // A number is a key (`"202"`) when one is found, else an array index,
            // which names no key to find.
            None if token.parse::<usize>().is_ok() => Some((offset, found)),
            None => None,
        }
    }

    fn to_line_column(&self, position: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&start| start <= position);
        let start = self.line_starts[line.saturating_sub(1)];
        (line, position - start + 1)
    }
}

fn find_key(source: &str, from: usize, needle: &str, json: bool) -> Option<usize> {
    // An empty YAML key (`'': …`, a pointer `#/paths/`) is found everywhere and so
    // nowhere: searching for it never advanced, a hang the fuzzer found.
    if needle.is_empty() {
        return None;
    }
    let mut start = from;
    while let Some(relative) = source.get(start..)?.find(needle) {
        let position = start + relative;
        let after = &source[position + needle.len()..];
        let is_key = if json {
            after.trim_start().starts_with(':')
        } else {
            let before = &source[..position];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let prefix = &source[line_start..position];
            let prefix_ok = prefix
                .chars()
                .all(|c| c == ' ' || c == '-' || c == '"' || c == '\'');
            let rest = after.trim_start_matches(['"', '\'']);
            prefix_ok && rest.starts_with(':')
        };
        if is_key {
            return Some(position);
        }
        start = position + needle.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::line_column;

    #[test]
    fn finds_json_keys() {
        let source = "{\n  \"paths\": {\n    \"/pets\": {\n      \"get\": {}\n    }\n  }\n}";
        assert_eq!(line_column(source, "#/paths/~1pets/get"), Some((4, 7)));
    }

    #[test]
    fn numeric_keys_are_keys_and_indices_are_skipped() {
        let source = "{\n  \"responses\": {\n    \"200\": {},\n    \"202\": {\n      \"content\": {}\n    }\n  },\n  \"tags\": [\"a\", \"b\"]\n}";
        assert_eq!(line_column(source, "#/responses/202"), Some((4, 5)));
        assert_eq!(line_column(source, "#/tags/1"), Some((8, 3)));
        let yaml = "responses:\n  200: {}\n  202:\n    content: {}\n";
        assert_eq!(line_column(yaml, "#/responses/202/content"), Some((4, 5)));
    }

    #[test]
    fn an_empty_key_is_not_searched_for() {
        let yaml = "paths:\n  '':\n    get: {}\n";
        assert_eq!(line_column(yaml, "#/paths/"), Some((1, 1)));
        assert_eq!(line_column(yaml, "#/paths//get"), Some((1, 1)));
    }

    #[test]
    fn finds_yaml_keys() {
        let source = "openapi: 3.0.0\npaths:\n  /pets:\n    get:\n      responses: {}\n";
        assert_eq!(
            line_column(source, "#/paths/~1pets/get/responses"),
            Some((5, 7))
        );
    }
}
