//! A JSON number that goes back out exactly as it came in.
//!
//! Input: a number from a response, or a value a caller sets (`0.5`, `3`).
//! Output: the same number on the wire. `f64` cannot tell `3` from `3.0`, so a
//! response field typed `f64` would re-serialize `3` as `3.0`, and an `integer |
//! number` union would send `3.0` where the caller wrote `3`. [`Number`] keeps the
//! integer or float form it was given: integers stay integers (exact to 64 bits),
//! `2.0` and `-0.0` go out as written.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A JSON number: an integer or a float, kept in the form it was given.
#[derive(Clone, Copy)]
pub struct Number(Repr);

#[derive(Clone, Copy)]
enum Repr {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

impl Number {
    /// The value as an `f64` (integers beyond 2^53 round).
    #[must_use]
    #[allow(
        clippy::cast_precision_loss,
        reason = "reading as f64 is the caller's choice"
    )]
    pub fn as_f64(&self) -> f64 {
        match self.0 {
            Repr::PosInt(n) => n as f64,
            Repr::NegInt(n) => n as f64,
            Repr::Float(n) => n,
        }
    }

    /// The value as an `i64`, when it is an integer that fits.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        match self.0 {
            Repr::PosInt(n) => i64::try_from(n).ok(),
            Repr::NegInt(n) => Some(n),
            Repr::Float(_) => None,
        }
    }

    /// The value as a `u64`, when it is a non-negative integer.
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        match self.0 {
            Repr::PosInt(n) => Some(n),
            Repr::NegInt(_) | Repr::Float(_) => None,
        }
    }

    /// Whether it was given as an integer (`3`, not `3.0`).
    #[must_use]
    pub fn is_integer(&self) -> bool {
        !matches!(self.0, Repr::Float(_))
    }
}

impl Default for Number {
    fn default() -> Self {
        Self(Repr::PosInt(0))
    }
}

impl PartialEq for Number {
    /// Equal when the same number in the same form (`3` is not `3.0`, as on the wire).
    fn eq(&self, other: &Self) -> bool {
        match (self.0, other.0) {
            (Repr::PosInt(a), Repr::PosInt(b)) => a == b,
            (Repr::NegInt(a), Repr::NegInt(b)) => a == b,
            (Repr::Float(a), Repr::Float(b)) => a.to_bits() == b.to_bits() || a == b,
            _ => false,
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        match (self.0, other.0) {
            (Repr::PosInt(a), Repr::PosInt(b)) => a.partial_cmp(&b),
            (Repr::NegInt(a), Repr::NegInt(b)) => a.partial_cmp(&b),
            (Repr::NegInt(_), Repr::PosInt(_)) => Some(Ordering::Less),
            (Repr::PosInt(_), Repr::NegInt(_)) => Some(Ordering::Greater),
            _ => self.as_f64().partial_cmp(&other.as_f64()),
        }
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Number {
    /// As JSON writes it: `3`, `3.0`, `0.5`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Repr::PosInt(n) => write!(f, "{n}"),
            Repr::NegInt(n) => write!(f, "{n}"),
            Repr::Float(n) => write!(f, "{n:?}"),
        }
    }
}

impl From<f64> for Number {
    fn from(value: f64) -> Self {
        Self(Repr::Float(value))
    }
}

impl From<f32> for Number {
    fn from(value: f32) -> Self {
        Self(Repr::Float(f64::from(value)))
    }
}

impl From<i64> for Number {
    fn from(value: i64) -> Self {
        match u64::try_from(value) {
            Ok(positive) => Self(Repr::PosInt(positive)),
            Err(_) => Self(Repr::NegInt(value)),
        }
    }
}

impl From<u64> for Number {
    fn from(value: u64) -> Self {
        Self(Repr::PosInt(value))
    }
}

impl From<i32> for Number {
    fn from(value: i32) -> Self {
        Self::from(i64::from(value))
    }
}

impl From<u32> for Number {
    fn from(value: u32) -> Self {
        Self(Repr::PosInt(u64::from(value)))
    }
}

impl From<Number> for f64 {
    fn from(value: Number) -> Self {
        value.as_f64()
    }
}

impl From<Number> for serde_json::Value {
    fn from(value: Number) -> Self {
        match value.0 {
            Repr::PosInt(n) => n.into(),
            Repr::NegInt(n) => n.into(),
            Repr::Float(n) => n.into(),
        }
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Repr::PosInt(n) => serializer.serialize_u64(n),
            Repr::NegInt(n) => serializer.serialize_i64(n),
            Repr::Float(n) => serializer.serialize_f64(n),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_u64<E>(self, value: u64) -> Result<Number, E> {
                Ok(Number(Repr::PosInt(value)))
            }
            fn visit_i64<E>(self, value: i64) -> Result<Number, E> {
                Ok(Number::from(value))
            }
            fn visit_f64<E>(self, value: f64) -> Result<Number, E> {
                Ok(Number(Repr::Float(value)))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
#[path = "tests/number.rs"]
mod tests;
