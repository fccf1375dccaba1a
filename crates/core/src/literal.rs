//! Compile-time validation of literals.
//!
//! Each generated literal macro (`strength!(0.6)`, `seed!(-1)`,
//! `size!("2048x1152")`) expands to [`__literal!`](crate::__literal), which
//! evaluates the type's `const fn` check inside a *named* `const` item. Named
//! constants are evaluated by `cargo check` as well as `cargo build`, so a
//! literal that breaks its spec is a compile error either way, with a message
//! naming the parameter, the literal and what is allowed.
//!
//! The message is assembled in a constant ([`LiteralMessage`]) from the
//! type's [`ParamType`](crate::ParamType) constants, so the generated macro
//! names only the type: the parameter's name and rules are written once, on
//! the type.

use crate::Violation;

/// The longest compile-time message; longer ones end in `…`. An "allowed"
/// text listing a few dozen sizes fits.
const CAPACITY: usize = 2048;

/// "invalid `<name>` literal `<literal>` <violation>; allowed: <allowed>",
/// built in a constant (no allocation), for a literal macro's compile error.
#[doc(hidden)]
#[derive(Debug)]
pub struct LiteralMessage {
    bytes: [u8; CAPACITY],
    len: usize,
    /// Whether the text was cut short (and ends in `…`).
    cut: bool,
}

impl LiteralMessage {
    /// The message for `literal` of parameter `name` breaking its rules.
    pub const fn new(name: &str, literal: &str, violation: Violation, allowed: &str) -> Self {
        let mut message = Self {
            bytes: [0; CAPACITY],
            len: 0,
            cut: false,
        };
        let parts = [
            "invalid `",
            name,
            "` literal `",
            literal,
            "` ",
            violation.describe(),
            "; allowed: ",
            allowed,
        ];
        let mut index = 0;
        while index < parts.len() {
            message.push(parts[index]);
            index += 1;
        }
        message
    }

    /// Appends `text`, or as much of it as fits followed by `…`.
    const fn push(&mut self, text: &str) {
        const ELLIPSIS: &[u8] = "…".as_bytes();
        let bytes = text.as_bytes();
        let mut index = 0;
        while index < bytes.len() && !self.cut {
            if self.len + ELLIPSIS.len() >= CAPACITY {
                // Cut at a character boundary, so the text stays UTF-8: if
                // the next byte continues a character, drop that character's
                // bytes already written.
                if bytes[index] & 0b1100_0000 == 0b1000_0000 {
                    while self.bytes[self.len - 1] & 0b1100_0000 == 0b1000_0000 {
                        self.len -= 1;
                    }
                    self.len -= 1;
                }
                let mut e = 0;
                while e < ELLIPSIS.len() {
                    self.bytes[self.len] = ELLIPSIS[e];
                    self.len += 1;
                    e += 1;
                }
                self.cut = true;
                return;
            }
            self.bytes[self.len] = bytes[index];
            self.len += 1;
            index += 1;
        }
    }

    /// The message.
    pub const fn as_str(&self) -> &str {
        match core::str::from_utf8(self.bytes.split_at(self.len).0) {
            Ok(text) => text,
            Err(_) => "invalid literal",
        }
    }
}

/// Checks a literal of the generated type `$ty` when the crate compiles and
/// evaluates to the value; on a violation compilation fails with
/// "invalid `<name>` literal `<literal>` <violation>; allowed: <allowed>".
///
/// `$ty` has the hidden `const fn`s every literal-taking type gets from its
/// `imagegen_core` macro: `__literal_check(raw) -> Result<(), Violation>` and
/// `__literal(raw) -> Self`. Checking first and building after keeps the
/// constant free of a `Result<Self, _>` to drop, which types holding text
/// (with a destructor) could not be. With `number`, the literal is converted
/// to `f64` first, so `strength!(1)` works as `strength!(1.0)` does.
#[doc(hidden)]
#[macro_export]
macro_rules! __literal {
    (number $ty:ty, $literal:literal) => {
        $crate::__literal!(@check $ty, $literal, $literal as f64)
    };
    ($ty:ty, $literal:literal) => {
        $crate::__literal!(@check $ty, $literal, $literal)
    };
    (@check $ty:ty, $literal:literal, $raw:expr) => {{
        // Typed once, so a literal of the wrong type is one error, here.
        const RAW: <$ty as $crate::ParamType>::Literal = $raw;
        const VALUE: $ty = match <$ty>::__literal_check(RAW) {
            ::core::result::Result::Ok(()) => <$ty>::__literal(RAW),
            ::core::result::Result::Err(violation) => {
                let message = $crate::__private::LiteralMessage::new(
                    <$ty as $crate::ParamType>::NAME,
                    ::core::stringify!($literal),
                    violation,
                    <$ty as $crate::ParamType>::ALLOWED,
                );
                ::core::panic!("{}", message.as_str())
            }
        };
        VALUE
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_parameter_literal_violation_and_what_is_allowed() {
        const MESSAGE: LiteralMessage =
            LiteralMessage::new("seed", "-2", Violation::BelowMinimum, "an integer from -1");
        assert_eq!(
            MESSAGE.as_str(),
            "invalid `seed` literal `-2` is below the minimum; allowed: an integer from -1"
        );
    }

    #[test]
    fn a_message_too_long_is_cut_at_a_character_boundary() {
        // Every offset of the cut inside a 3-byte and a 4-byte character.
        for (filler, width) in [("日", 3), ("😀", 4)] {
            for pad in 0..width {
                let allowed = format!("{}{}", "a".repeat(pad), filler.repeat(CAPACITY));
                let message =
                    LiteralMessage::new("size", "\"1x1\"", Violation::NotAllowed, &allowed);
                let text = message.as_str();
                assert_ne!(text, "invalid literal", "pad {pad}");
                assert!(text.len() <= CAPACITY, "pad {pad}");
                assert!(text.ends_with(&format!("{filler}…")), "pad {pad}");
            }
        }
    }
}
