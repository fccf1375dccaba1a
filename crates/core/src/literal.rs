//! Compile-time validation of literals.
//!
//! Each generated literal macro (`strength!(0.6)`, `seed!(-1)`,
//! `size!("2048x1152")`) expands to [`__const_param!`](crate::__const_param),
//! which evaluates the parameter's `const fn` check inside a *named* `const`
//! item. Named constants are evaluated by `cargo check` as well as `cargo
//! build`, so a literal that breaks its spec is a compile error either way,
//! with a message naming the parameter, the literal and what is allowed.

/// The text for each [`Violation`](crate::Violation), as a literal so that
/// `concat!` can build compile-time messages from it. The single source of
/// these phrases: [`Violation::describe`](crate::Violation::describe) uses it too.
#[doc(hidden)]
#[macro_export]
macro_rules! __violation_text {
    (NotFinite) => {
        "is not a finite number"
    };
    (BelowMinimum) => {
        "is below the minimum"
    };
    (AboveMaximum) => {
        "is above the maximum"
    };
    (OffStep) => {
        "is not a whole number of steps"
    };
    (TooShort) => {
        "is too short"
    };
    (TooLong) => {
        "is too long"
    };
    (NotAllowed) => {
        "is not one of the allowed values"
    };
    (Malformed) => {
        "is not well-formed"
    };
    (NotMultiple) => {
        "has a side that is not a multiple of the required unit"
    };
    (EdgeTooShort) => {
        "has a side shorter than allowed"
    };
    (EdgeTooLong) => {
        "has a side longer than allowed"
    };
    (AspectTooExtreme) => {
        "has an aspect ratio more extreme than allowed"
    };
    (TooFewPixels) => {
        "has fewer pixels than allowed"
    };
    (TooManyPixels) => {
        "has more pixels than allowed"
    };
    (PresetSize) => {
        "is a preset size, not a custom one: use its variant"
    };
}

/// Evaluates a parameter's `const fn` check in a named constant; on `Err`
/// compilation fails with
/// "invalid `<name>` literal `<literal>` <violation>; allowed: <allowed>".
///
/// Two forms: `$checked` is a `Result<$ty, Violation>` for `Copy` types; for
/// types with a destructor (owned text), whose `Result` a constant cannot
/// drop, `check $check` is a `Result<(), Violation>` and `build $build` makes
/// the value once the check has passed.
#[doc(hidden)]
#[macro_export]
macro_rules! __const_param {
    ($ty:ty, $literal:expr, $checked:expr, $name:literal, $allowed:literal) => {{
        const VALUE: $ty = match $checked {
            ::core::result::Result::Ok(value) => value,
            ::core::result::Result::Err(violation) => {
                $crate::__const_param!(@fail violation, $literal, $name, $allowed)
            }
        };
        VALUE
    }};
    ($ty:ty, $literal:expr, check $check:expr, build $build:expr, $name:literal, $allowed:literal) => {{
        const VALUE: $ty = match $check {
            ::core::result::Result::Ok(()) => $build,
            ::core::result::Result::Err(violation) => {
                $crate::__const_param!(@fail violation, $literal, $name, $allowed)
            }
        };
        VALUE
    }};
    (@fail $violation:ident, $literal:expr, $name:literal, $allowed:literal) => {
        $crate::__const_param!(@fail $violation, $literal, $name, $allowed,
            NotFinite BelowMinimum AboveMaximum OffStep TooShort TooLong NotAllowed
            Malformed NotMultiple EdgeTooShort EdgeTooLong AspectTooExtreme
            TooFewPixels TooManyPixels PresetSize)
    };
    (@fail $violation:ident, $literal:expr, $name:literal, $allowed:literal, $($case:ident)*) => {
        match $violation {
            $(
                $crate::Violation::$case => ::core::panic!(
                    "{}",
                    ::core::concat!(
                        "invalid `", $name, "` literal `", ::core::stringify!($literal), "` ",
                        $crate::__violation_text!($case), "; allowed: ", $allowed
                    )
                ),
            )*
            _ => ::core::panic!(
                "{}",
                ::core::concat!(
                    "invalid `", $name, "` literal `", ::core::stringify!($literal),
                    "`; allowed: ", $allowed
                )
            ),
        }
    };
}
