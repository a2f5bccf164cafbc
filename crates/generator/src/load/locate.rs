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
    let tokens: Vec<String> = pointer
        .trim_start_matches('#')
        .split('/')
        .skip(1)
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .collect();
    if tokens.is_empty() {
        return Some((1, 1));
    }
    let json = source.trim_start().starts_with('{');
    let mut offset = 0;
    let mut found = None;
    for token in &tokens {
        let needle = if json {
            format!("\"{}\"", token.replace('\\', "\\\\").replace('"', "\\\""))
        } else {
            token.clone()
        };
        match find_key(source, offset, &needle, json) {
            Some(position) => {
                offset = position + needle.len();
                found = Some(position);
            }
            // A number is a key (`"202"`) when one is found, else an array index,
            // which names no key to find.
            None if token.parse::<usize>().is_ok() => {}
            None => break,
        }
    }
    found.map(|position| to_line_column(source, position))
}

fn find_key(source: &str, from: usize, needle: &str, json: bool) -> Option<usize> {
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

fn to_line_column(source: &str, position: usize) -> (usize, usize) {
    let before = &source[..position];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(position, |i| position - i - 1) + 1;
    (line, column)
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
    fn finds_yaml_keys() {
        let source = "openapi: 3.0.0\npaths:\n  /pets:\n    get:\n      responses: {}\n";
        assert_eq!(
            line_column(source, "#/paths/~1pets/get/responses"),
            Some((5, 7))
        );
    }
}
