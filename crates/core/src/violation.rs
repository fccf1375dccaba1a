//! The reasons a parameter value can be rejected.

/// Why a value was rejected.
///
/// It carries no data on purpose: the `const fn` validators return it, so the
/// compile-time literal macros can turn each case into a fixed message, and the
/// runtime wraps it in a [`ParamError`](crate::ParamError) together with the
/// parameter name, the value given and what is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Violation {
    /// Not a finite number (NaN or infinite).
    NotFinite,
    /// Smaller than the documented minimum.
    BelowMinimum,
    /// Larger than the documented maximum.
    AboveMaximum,
    /// Inside the range but not a whole number of steps from its start.
    OffStep,
    /// Fewer characters than the documented minimum length.
    TooShort,
    /// More characters than the documented maximum length.
    TooLong,
    /// Not one of the enumerated values.
    NotAllowed,
    /// Text that does not have the expected shape (a number, `WxH`, a URL).
    Malformed,
    /// A side of a custom size that is not a multiple of the required unit.
    NotMultiple,
    /// A side of a custom size shorter than the documented minimum.
    EdgeTooShort,
    /// A side of a custom size longer than the documented maximum.
    EdgeTooLong,
    /// A custom size whose aspect ratio is more extreme than allowed.
    AspectTooExtreme,
    /// A custom size with fewer pixels than allowed.
    TooFewPixels,
    /// A custom size with more pixels than allowed.
    TooManyPixels,
    /// A custom size equal to a documented preset, which has its own variant.
    PresetSize,
    /// A list with fewer items than the documented minimum.
    TooFewItems,
    /// A list with more items than the documented maximum.
    TooManyItems,
    /// An object (a list's item) without one of its required fields.
    MissingField,
    /// An object (a list's item) with a field it does not document.
    UnknownField,
}

impl Violation {
    /// A short predicate describing the problem, to follow the value in a sentence
    /// ("`0.65` is not a whole number of steps").
    pub const fn describe(self) -> &'static str {
        match self {
            Violation::NotFinite => "is not a finite number",
            Violation::BelowMinimum => "is below the minimum",
            Violation::AboveMaximum => "is above the maximum",
            Violation::OffStep => "is not a whole number of steps",
            Violation::TooShort => "is too short",
            Violation::TooLong => "is too long",
            Violation::NotAllowed => "is not one of the allowed values",
            Violation::Malformed => "is not well-formed",
            Violation::NotMultiple => "has a side that is not a multiple of the required unit",
            Violation::EdgeTooShort => "has a side shorter than allowed",
            Violation::EdgeTooLong => "has a side longer than allowed",
            Violation::AspectTooExtreme => "has an aspect ratio more extreme than allowed",
            Violation::TooFewPixels => "has fewer pixels than allowed",
            Violation::TooManyPixels => "has more pixels than allowed",
            Violation::PresetSize => "is a preset size, not a custom one: use its variant",
            Violation::TooFewItems => "has fewer items than allowed",
            Violation::TooManyItems => "has more items than allowed",
            Violation::MissingField => "is an item without this required field",
            Violation::UnknownField => "is not a documented field of the item",
        }
    }
}

impl core::fmt::Display for Violation {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.describe())
    }
}
