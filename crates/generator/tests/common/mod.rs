//! What the hostile-spec tests share: the watchdog every hostile input runs under,
//! and the specs they build.
//!
//! Input: spec bytes (and a file name and config). Output: the generator's result,
//! or a failed test when it panics or hangs.

use std::fmt::Write as _;
use std::sync::mpsc;
use std::time::Duration;

use generator::{Config, GenerateError, Generated, generate};

/// The watchdog's bound: generous, so that a hang fails and a slow machine does not
/// (speed is measured by `cargo xtask bench`).
pub const LIMIT: Duration = Duration::from_secs(60);

/// Generates on another thread; fails the test if that takes longer than [`LIMIT`]
/// (a hang) or panics.
pub fn generate_within(
    spec: Vec<u8>,
    name: &str,
    config: Config,
) -> Result<Generated, GenerateError> {
    let (send, receive) = mpsc::channel();
    let file_name = name.to_owned();
    std::thread::spawn(move || {
        let _ = send.send(generate(&spec, &file_name, &config));
    });
    match receive.recv_timeout(LIMIT) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{name}: the generator did not finish within {LIMIT:?}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{name}: the generator panicked"),
    }
}

/// A spec whose one operation answers `#/components/schemas/A`, with these schemas
/// (YAML, indented under `schemas:`).
pub fn spec_with_schemas(schemas: &str) -> Vec<u8> {
    format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/A'}}\ncomponents:\n  schemas:\n{schemas}"
    )
    .into_bytes()
}

/// A schema `A` nested `levels` deep in block YAML (each level is two YAML levels:
/// `properties` and `next`).
pub fn deep_block_yaml(levels: usize) -> Vec<u8> {
    let mut schemas = String::from("    A:\n");
    let mut indent = "    ".to_owned();
    for _ in 0..levels {
        indent.push_str("  ");
        let _ = write!(
            schemas,
            "{indent}type: object\n{indent}properties:\n{indent}  next:\n"
        );
        indent.push_str("  ");
    }
    let _ = writeln!(schemas, "{indent}  type: string");
    spec_with_schemas(&schemas)
}
