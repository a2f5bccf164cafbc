//! The unit tests of `number.rs`, kept beside the runtime: the copy in each SDK leaves them out.

use super::Number;

#[test]
fn numbers_keep_their_form() {
    for text in [
        "3",
        "3.0",
        "-0.0",
        "2.5",
        "-7",
        "18446744073709551615",
        "1e300",
    ] {
        let number: Number = serde_json::from_str(text).unwrap();
        let again = serde_json::to_string(&number).unwrap();
        let expected: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&again).unwrap(),
            expected,
            "{text}"
        );
    }
    assert_eq!(serde_json::to_string(&Number::from(2.0)).unwrap(), "2.0");
    assert_eq!(serde_json::to_string(&Number::from(-0.0)).unwrap(), "-0.0");
    assert_eq!(serde_json::to_string(&Number::from(3)).unwrap(), "3");
    assert_ne!(Number::from(3), Number::from(3.0));
}
