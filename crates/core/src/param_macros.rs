//! The bodies of the generated parameter types, written once.
//!
//! A generated type is its definition (doc comment, derives, variants or
//! field) followed by one invocation of the macro for its kind, which gives
//! it the inherent items and trait impls every type of that kind has:
//!
//! | macro | type | inherent items |
//! |---|---|---|
//! | [`__choice!`](crate::__choice) | enum of wire values | `ALL`, `ALLOWED`, `as_str` |
//! | [`__size!`](crate::__size) | enum of size presets (and `Custom`) | `ALL`, `ALLOWED`, `as_str` or `preset_str`, `dimensions` |
//! | [`__custom_size!`](crate::__custom_size) | a custom width × height | `try_new`, `width`, `height` |
//! | [`__integer!`](crate::__integer) | `struct T(i64)` | `ALLOWED`, `try_new`, `get` |
//! | [`__decimal!`](crate::__decimal) | `struct T(i64)` counting steps of a decimal | `ALLOWED`, `try_new`, `get` |
//! | [`__float!`](crate::__float) | `struct T(f64)` | `ALLOWED`, `try_new`, `get` |
//! | [`__text!`](crate::__text), [`__image_url!`](crate::__image_url) | `struct T(Cow<'static, str>)` | `ALLOWED`, `try_new`, `as_str`, `into_string` |
//! | [`__image_list!`](crate::__image_list), [`__object_list!`](crate::__object_list) | `struct T(Vec<TItem>)` | `ALLOWED`, `try_new`, `items`, `len` |
//! | [`__object_item!`](crate::__object_item) | a list's item, `struct TItem { field, … }` | `new`, a builder method per optional field |
//!
//! A model's request gets its builder methods from
//! [`__setters!`](crate::__setters), its literal macros from
//! [`__literal_macros!`](crate::__literal_macros) and its fixed parameters'
//! types from [`__fixed!`](crate::__fixed).
//!
//! Every kind implements [`ParamType`](crate::ParamType), `Display`,
//! `FromStr`, `TryFrom` and serde (see `param_traits`), and the hidden
//! `const fn`s the runtime and [`__literal!`](crate::__literal) call
//! (`__from_wire`, `__literal_check`, `__literal`). The spec's numbers arrive
//! as a [`rules`](crate::rules) value in the type's `RULE` constant, written
//! by the generator next to the type, so the checks are the rules' `const fn`s:
//! the same code at compile time and at run time.
//!
//! Rust's orphan rules keep the trait impls from being generic over the
//! generated types; expanding one macro per type is the thin alternative.

/// An enumerated parameter: `[Variant = "wire", …]` in documented order.
#[doc(hidden)]
#[macro_export]
macro_rules! __choice {
    ($ty:ident, $name:literal, $allowed:literal, [$($variant:ident = $wire:literal),+ $(,)?]) => {
        $crate::__choice!(@enum $ty, $name, $allowed, Choice, ::core::option::Option::None, [$($variant = $wire),+], as_str);
    };
    // Numbers (`[V720 = "720", …]`), sent and read as JSON numbers.
    ($ty:ident, $name:literal, $allowed:literal, number, [$($variant:ident = $wire:literal),+ $(,)?]) => {
        $crate::__choice!(@enum $ty, $name, $allowed, NumberChoice, ::core::option::Option::None, [$($variant = $wire),+], number);
    };
    (@enum $ty:ident, $name:literal, $allowed:literal, $kind:ident, $separator:expr, [$($variant:ident = $wire:literal),+]) => {
        $crate::__choice!(@enum $ty, $name, $allowed, $kind, $separator, [$($variant = $wire),+], as_str);
    };
    (@enum $ty:ident, $name:literal, $allowed:literal, $kind:ident, $separator:expr, [$($variant:ident = $wire:literal),+], $serde:tt) => {
        impl $ty {
            $crate::__choice!(@tables $name, $allowed, [$($variant = $wire),+]);
            /// The value as sent on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }
            #[doc(hidden)]
            pub const fn __from_wire(value: &str) -> ::core::result::Result<Self, $crate::Violation> {
                match $crate::rules::position(value, &Self::WIRE) {
                    ::core::option::Option::Some(index) => ::core::result::Result::Ok(Self::ALL[index]),
                    ::core::option::Option::None => ::core::result::Result::Err($crate::Violation::NotAllowed),
                }
            }
        }
        impl $crate::ParamType for $ty {
            type Literal = &'static str;
            const NAME: &'static str = $name;
            const ALLOWED: &'static str = $allowed;
            const KIND: $crate::info::ParamKind = $crate::info::ParamKind::$kind;
            const CHOICES: &'static [&'static str] = &Self::WIRE;
            const SIZE_SEPARATOR: ::core::option::Option<char> = $separator;
        }
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        $crate::__text_traits!($ty, $name, suggest, $serde);
    };
    (@tables $name:literal, $allowed:literal, [$($variant:ident = $wire:literal),*]) => {
        /// Every documented value, in documented order (none for a size
        /// documented by custom rules only).
        pub const ALL: [Self; <[&str]>::len(&[$($wire),*])] = [$(Self::$variant),*];
        #[doc(hidden)]
        pub const WIRE: [&'static str; <[&str]>::len(&[$($wire),*])] = [$($wire),*];
        #[doc = ::core::concat!("What `", $name, "` allows, in words.")]
        pub const ALLOWED: &'static str = $allowed;
    };
}

/// An image size: its presets `[Variant = "WxH", …]` (keywords such as
/// `auto` included), the separator between width and height, and with
/// `custom Type` a `Custom(Type)` variant for sizes checked by that type's
/// rules.
#[doc(hidden)]
#[macro_export]
macro_rules! __size {
    ($ty:ident, $name:literal, $allowed:literal, $separator:literal, [$($variant:ident = $wire:literal),+ $(,)?]) => {
        $crate::__choice!(@enum $ty, $name, $allowed, ImageSize, ::core::option::Option::Some($separator), [$($variant = $wire),+]);
        impl $ty {
            /// Width and height in pixels; `None` for a keyword such as `auto`.
            pub const fn dimensions(self) -> ::core::option::Option<(u32, u32)> {
                $crate::rules::parse_dimensions(self.as_str(), $separator as u8)
            }
        }
    };
    ($ty:ident, $name:literal, $allowed:literal, $separator:literal, custom $custom:ident, [$($variant:ident = $wire:literal),* $(,)?]) => {
        $crate::__size!(@custom $ty, $name, $allowed, $separator, $custom, [$($variant = $wire),*]);
        $crate::__text_traits!($ty, $name, suggest);
    };
    // A custom size sent as `{"width": W, "height": H}` (presets as text).
    ($ty:ident, $name:literal, $allowed:literal, $separator:literal, custom $custom:ident, object, [$($variant:ident = $wire:literal),* $(,)?]) => {
        $crate::__size!(@custom $ty, $name, $allowed, $separator, $custom, [$($variant = $wire),*]);
        $crate::__text_traits!($ty, $name, suggest, (object $separator));
    };
    (@custom $ty:ident, $name:literal, $allowed:literal, $separator:literal, $custom:ident, [$($variant:ident = $wire:literal),*]) => {
        impl $ty {
            $crate::__choice!(@tables $name, $allowed, [$($variant = $wire),*]);
            /// The documented spelling of a preset; `None` for a custom size.
            pub const fn preset_str(self) -> ::core::option::Option<&'static str> {
                match self {
                    $(Self::$variant => ::core::option::Option::Some($wire),)*
                    Self::Custom(_) => ::core::option::Option::None,
                }
            }
            /// Width and height in pixels; `None` for a keyword such as `auto`.
            pub const fn dimensions(self) -> ::core::option::Option<(u32, u32)> {
                match self {
                    Self::Custom(size) => ::core::option::Option::Some((size.width(), size.height())),
                    $(Self::$variant => $crate::rules::parse_dimensions($wire, $separator as u8),)*
                }
            }
            #[doc(hidden)]
            pub const fn __from_wire(value: &str) -> ::core::result::Result<Self, $crate::Violation> {
                if let ::core::option::Option::Some(index) = $crate::rules::position(value, &Self::WIRE) {
                    return ::core::result::Result::Ok(Self::ALL[index]);
                }
                match $crate::rules::parse_dimensions(value, $separator as u8) {
                    ::core::option::Option::Some((width, height)) => match $custom::__from_dimensions(width, height) {
                        ::core::result::Result::Ok(size) => ::core::result::Result::Ok(Self::Custom(size)),
                        ::core::result::Result::Err(violation) => ::core::result::Result::Err(violation),
                    },
                    ::core::option::Option::None => ::core::result::Result::Err($crate::Violation::Malformed),
                }
            }
            #[doc(hidden)]
            pub const fn __literal_check(value: &str) -> ::core::result::Result<(), $crate::Violation> {
                match Self::__from_wire(value) {
                    ::core::result::Result::Ok(_) => ::core::result::Result::Ok(()),
                    ::core::result::Result::Err(violation) => ::core::result::Result::Err(violation),
                }
            }
            #[doc(hidden)]
            pub const fn __literal(value: &str) -> Self {
                match Self::__from_wire(value) {
                    ::core::result::Result::Ok(size) => size,
                    ::core::result::Result::Err(_) => ::core::panic!("a literal that fails its check reached __literal"),
                }
            }
        }
        impl $crate::ParamType for $ty {
            type Literal = &'static str;
            const NAME: &'static str = $name;
            const ALLOWED: &'static str = $allowed;
            const KIND: $crate::info::ParamKind = $crate::info::ParamKind::ImageSize;
            const CHOICES: &'static [&'static str] = &Self::WIRE;
            const SIZE_SEPARATOR: ::core::option::Option<char> = ::core::option::Option::Some($separator);
        }
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    Self::Custom(size) => ::core::fmt::Display::fmt(size, f),
                    preset => f.write_str(preset.preset_str().unwrap_or_default()),
                }
            }
        }
    };
}

/// The custom sizes of size type `$size`: `struct $ty { width: u32, height: u32 }`
/// checked by a [`CustomSizeRule`](crate::rules::CustomSizeRule). A custom
/// size equal to a preset is refused, so equal sizes always compare equal.
#[doc(hidden)]
#[macro_export]
macro_rules! __custom_size {
    ($ty:ident, $size:ident, $separator:literal) => {
        impl $ty {
            /// Checks `width` × `height` against the documented rules.
            pub fn try_new(
                width: u32,
                height: u32,
            ) -> ::core::result::Result<Self, $crate::ParamError> {
                Self::__from_dimensions(width, height).map_err(|violation| {
                    $crate::ParamError::new(
                        <$size as $crate::ParamType>::NAME,
                        ::std::format!("{}{}{}", width, $separator, height),
                        violation,
                        <$size as $crate::ParamType>::ALLOWED,
                    )
                })
            }
            #[doc(hidden)]
            pub const fn __from_dimensions(
                width: u32,
                height: u32,
            ) -> ::core::result::Result<Self, $crate::Violation> {
                if let ::core::result::Result::Err(violation) = Self::RULE.check(width, height) {
                    return ::core::result::Result::Err(violation);
                }
                let mut index = 0;
                while index < $size::ALL.len() {
                    if let ::core::option::Option::Some((w, h)) = $size::ALL[index].dimensions() {
                        if w == width && h == height {
                            return ::core::result::Result::Err($crate::Violation::PresetSize);
                        }
                    }
                    index += 1;
                }
                ::core::result::Result::Ok(Self { width, height })
            }
            /// Width in pixels.
            pub const fn width(self) -> u32 {
                self.width
            }
            /// Height in pixels.
            pub const fn height(self) -> u32 {
                self.height
            }
        }
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::write!(f, "{}{}{}", self.width, $separator, self.height)
            }
        }
    };
}

/// The parts every numeric kind shares, given how a raw value becomes the
/// stored one (`$from_raw`, a `const fn` of the type returning
/// `Result<Self, Violation>`).
#[doc(hidden)]
#[macro_export]
macro_rules! __numeric {
    ($ty:ident, $name:literal, $allowed:literal, $kind:ident, $raw:ty, $from_raw:ident) => {
        impl $ty {
            #[doc = ::core::concat!("What `", $name, "` allows, in words.")]
            pub const ALLOWED: &'static str = $allowed;
            /// Checks `value` against the documented rules.
            pub fn try_new(value: $raw) -> ::core::result::Result<Self, $crate::ParamError> {
                Self::$from_raw(value).map_err(|violation| {
                    $crate::ParamError::new(
                        $name,
                        ::std::string::ToString::to_string(&value),
                        violation,
                        Self::ALLOWED,
                    )
                })
            }
            #[doc(hidden)]
            pub const fn __literal_check(
                value: $raw,
            ) -> ::core::result::Result<(), $crate::Violation> {
                match Self::$from_raw(value) {
                    ::core::result::Result::Ok(_) => ::core::result::Result::Ok(()),
                    ::core::result::Result::Err(violation) => {
                        ::core::result::Result::Err(violation)
                    }
                }
            }
            #[doc(hidden)]
            pub const fn __literal(value: $raw) -> Self {
                match Self::$from_raw(value) {
                    ::core::result::Result::Ok(value) => value,
                    ::core::result::Result::Err(_) => {
                        ::core::panic!("a literal that fails its check reached __literal")
                    }
                }
            }
        }
        impl $crate::ParamType for $ty {
            type Literal = $raw;
            const NAME: &'static str = $name;
            const ALLOWED: &'static str = $allowed;
            const KIND: $crate::info::ParamKind = $crate::info::ParamKind::$kind;
        }
        $crate::__number_traits!($ty, $raw, $from_raw, $name);
    };
}

/// A whole number, `struct $ty(i64)`, checked by an
/// [`IntegerRule`](crate::rules::IntegerRule).
#[doc(hidden)]
#[macro_export]
macro_rules! __integer {
    ($ty:ident, $name:literal, $allowed:literal) => {
        impl $ty {
            #[doc(hidden)]
            pub const fn __from_i64(value: i64) -> ::core::result::Result<Self, $crate::Violation> {
                match Self::RULE.check(value) {
                    ::core::result::Result::Ok(value) => ::core::result::Result::Ok(Self(value)),
                    ::core::result::Result::Err(violation) => {
                        ::core::result::Result::Err(violation)
                    }
                }
            }
            /// The value, as sent on the wire.
            pub const fn get(self) -> i64 {
                self.0
            }
        }
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }
        $crate::__numeric!($ty, $name, $allowed, Integer, i64, __from_i64);
    };
}

/// A stepped decimal (`0` to `1` in steps of `0.1`), `struct $ty(i64)`
/// holding a whole number of its smallest decimal place, so equality and
/// hashing are exact; checked by a [`DecimalRule`](crate::rules::DecimalRule).
#[doc(hidden)]
#[macro_export]
macro_rules! __decimal {
    ($ty:ident, $name:literal, $allowed:literal) => {
        impl $ty {
            #[doc(hidden)]
            pub const fn __from_f64(value: f64) -> ::core::result::Result<Self, $crate::Violation> {
                match Self::RULE.units_from_f64(value) {
                    ::core::result::Result::Ok(units) => ::core::result::Result::Ok(Self(units)),
                    ::core::result::Result::Err(violation) => {
                        ::core::result::Result::Err(violation)
                    }
                }
            }
            /// The value, as sent on the wire: the double nearest the exact decimal.
            pub const fn get(self) -> f64 {
                Self::RULE.to_f64(self.0)
            }
        }
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(&Self::RULE.format(self.0))
            }
        }
        $crate::__numeric!($ty, $name, $allowed, Number, f64, __from_f64);
    };
}

/// A number without a step, `struct $ty(f64)`, checked by a
/// [`FloatRule`](crate::rules::FloatRule).
#[doc(hidden)]
#[macro_export]
macro_rules! __float {
    ($ty:ident, $name:literal, $allowed:literal) => {
        impl $ty {
            #[doc(hidden)]
            pub const fn __from_f64(value: f64) -> ::core::result::Result<Self, $crate::Violation> {
                match Self::RULE.check(value) {
                    ::core::result::Result::Ok(value) => ::core::result::Result::Ok(Self(value)),
                    ::core::result::Result::Err(violation) => {
                        ::core::result::Result::Err(violation)
                    }
                }
            }
            /// The value, as sent on the wire.
            pub const fn get(self) -> f64 {
                self.0
            }
        }
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }
        $crate::__numeric!($ty, $name, $allowed, Number, f64, __from_f64);
    };
}

/// Text, `struct $ty(Cow<'static, str>)` (a literal checked at compile time
/// is stored without allocating), checked by a
/// [`TextRule`](crate::rules::TextRule).
#[doc(hidden)]
#[macro_export]
macro_rules! __text {
    ($ty:ident, $name:literal, $allowed:literal) => {
        $crate::__text!(@kind $ty, $name, $allowed, Text);
    };
    (@kind $ty:ident, $name:literal, $allowed:literal, $kind:ident) => {
        impl $ty {
            #[doc = ::core::concat!("What `", $name, "` allows, in words.")]
            pub const ALLOWED: &'static str = $allowed;
            /// Checks `value` against the documented rules.
            pub fn try_new(value: impl ::core::convert::Into<::std::string::String>) -> ::core::result::Result<Self, $crate::ParamError> {
                let value = value.into();
                match Self::RULE.check(&value) {
                    ::core::result::Result::Ok(()) => ::core::result::Result::Ok(Self(::std::borrow::Cow::Owned(value))),
                    ::core::result::Result::Err(violation) => ::core::result::Result::Err($crate::ParamError::new($name, value, violation, Self::ALLOWED)),
                }
            }
            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The text, owned.
            pub fn into_string(self) -> ::std::string::String {
                self.0.into_owned()
            }
            #[doc(hidden)]
            pub fn __from_wire(value: &str) -> ::core::result::Result<Self, $crate::Violation> {
                Self::RULE.check(value).map(|()| Self(::std::borrow::Cow::Owned(value.to_owned())))
            }
            #[doc(hidden)]
            pub const fn __literal_check(value: &str) -> ::core::result::Result<(), $crate::Violation> {
                Self::RULE.check(value)
            }
            /// For the literal macro, after `__literal_check` has passed.
            /// Checks again (free in a constant), so it cannot make an invalid value.
            #[doc(hidden)]
            pub const fn __literal(value: &'static str) -> Self {
                match Self::RULE.check(value) {
                    ::core::result::Result::Ok(()) => Self(::std::borrow::Cow::Borrowed(value)),
                    ::core::result::Result::Err(_) => ::core::panic!("a literal that fails its check reached __literal"),
                }
            }
        }
        impl $crate::ParamType for $ty {
            type Literal = &'static str;
            const NAME: &'static str = $name;
            const ALLOWED: &'static str = $allowed;
            const KIND: $crate::info::ParamKind = $crate::info::ParamKind::$kind;
        }
        $crate::__owned_text_traits!($ty, $name);
    };
}

/// An image parameter, `struct $ty(ImageSource)`: a URL checked by its
/// [`TextRule`](crate::rules::TextRule) (`Self::RULE`), a local file or
/// bytes (checked and uploaded when the request is sent), with the
/// parameter's [`ImageParam`](crate::info::ImageParam) as `Self::IMAGE_PARAM`.
/// Text with a URL scheme parses as a URL, any other text as a path.
#[doc(hidden)]
#[macro_export]
macro_rules! __image_url {
    ($ty:ident, $name:literal, $allowed:literal) => {
        impl $ty {
            #[doc = ::core::concat!("What `", $name, "` allows, in words.")]
            pub const ALLOWED: &'static str = $allowed;
            /// A URL the provider fetches, checked against the documented rules.
            pub fn url(
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> ::core::result::Result<Self, $crate::ParamError> {
                let value = value.into();
                match Self::RULE.check(&value) {
                    ::core::result::Result::Ok(()) => ::core::result::Result::Ok(Self(
                        $crate::image::ImageSource::Url(::std::borrow::Cow::Owned(value)),
                    )),
                    ::core::result::Result::Err(violation) => ::core::result::Result::Err(
                        $crate::ParamError::new($name, value, violation, Self::ALLOWED),
                    ),
                }
            }
            /// A URL, as [`url`](Self::url) (the constructor every parameter type has).
            pub fn try_new(
                value: impl ::core::convert::Into<::std::string::String>,
            ) -> ::core::result::Result<Self, $crate::ParamError> {
                Self::url(value)
            }
            /// A local file. It is read and checked (a JPEG, PNG, GIF or WebP in
            /// an accepted format, under the provider's size limit; a mask a PNG
            /// with alpha the size of its image) when the request is sent, then
            /// uploaded where the provider can take it; a provider that takes
            /// only URLs refuses it before anything is sent.
            pub fn path(path: impl ::core::convert::Into<::std::path::PathBuf>) -> Self {
                Self($crate::image::ImageSource::Path(path.into()))
            }
            /// An image in memory, checked and sent as [`path`](Self::path) is.
            pub fn bytes(bytes: impl ::core::convert::Into<::std::vec::Vec<u8>>) -> Self {
                Self($crate::image::ImageSource::Bytes(bytes.into().into()))
            }
            /// Where the image is.
            pub fn source(&self) -> &$crate::image::ImageSource {
                &self.0
            }
            /// The URL, unless the image is local.
            pub fn as_url(&self) -> ::core::option::Option<&str> {
                self.0.as_url()
            }
            #[doc(hidden)]
            pub fn __source_mut(&mut self) -> &mut $crate::image::ImageSource {
                &mut self.0
            }
            #[doc(hidden)]
            pub fn __from_wire(value: &str) -> ::core::result::Result<Self, $crate::Violation> {
                if value.is_empty() {
                    return ::core::result::Result::Err($crate::Violation::Malformed);
                }
                if $crate::image::has_scheme(value) {
                    Self::RULE.check(value).map(|()| {
                        Self($crate::image::ImageSource::Url(::std::borrow::Cow::Owned(
                            value.to_owned(),
                        )))
                    })
                } else {
                    ::core::result::Result::Ok(Self::path(value))
                }
            }
            #[doc(hidden)]
            pub const fn __literal_check(
                value: &str,
            ) -> ::core::result::Result<(), $crate::Violation> {
                Self::RULE.check(value)
            }
            /// For the literal macro, after `__literal_check` has passed.
            #[doc(hidden)]
            pub const fn __literal(value: &'static str) -> Self {
                match Self::RULE.check(value) {
                    ::core::result::Result::Ok(()) => Self($crate::image::ImageSource::Url(
                        ::std::borrow::Cow::Borrowed(value),
                    )),
                    ::core::result::Result::Err(_) => {
                        ::core::panic!("a literal that fails its check reached __literal")
                    }
                }
            }
        }
        impl $crate::ParamType for $ty {
            type Literal = &'static str;
            const NAME: &'static str = $name;
            const ALLOWED: &'static str = $allowed;
            const KIND: $crate::info::ParamKind = $crate::info::ParamKind::ImageUrl;
            const IMAGE: ::core::option::Option<$crate::info::ImageParam> =
                ::core::option::Option::Some(Self::IMAGE_PARAM);
        }
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }
        // A URL as itself; a local file as its path, as it was given (for
        // records such as a batch manifest: the client sends the uploaded URL
        // instead); bytes have no text form and are an error.
        $crate::__text_traits!($ty, $name, image);
    };
}

/// What every list parameter type (`struct $ty(Vec<$item>)`, its item
/// count checked by its [`ListRule`](crate::rules::ListRule), `Self::RULE`)
/// has, whatever its items: `ALLOWED`, `try_new`, the items, the hidden
/// items the literal macros call, `TryFrom` and `Serialize` (a JSON array).
/// Each item's `Display` is its text in an error message.
#[doc(hidden)]
#[macro_export]
macro_rules! __list_common {
    ($ty:ident, $item:ident, $name:literal, $allowed:literal) => {
        impl $ty {
            #[doc = ::core::concat!("What `", $name, "` allows, in words.")]
            pub const ALLOWED: &'static str = $allowed;
            /// The list, its number of items checked against the documented rules
            /// (each item was checked when it was made).
            pub fn try_new(
                items: impl ::core::iter::IntoIterator<Item = $item>,
            ) -> ::core::result::Result<Self, $crate::ParamError> {
                let items: ::std::vec::Vec<$item> = items.into_iter().collect();
                match Self::RULE.check(items.len()) {
                    ::core::result::Result::Ok(()) => ::core::result::Result::Ok(Self(items)),
                    ::core::result::Result::Err(violation) => {
                        ::core::result::Result::Err($crate::ParamError::new(
                            $name,
                            $crate::rules::list_text(items.iter()),
                            violation,
                            Self::ALLOWED,
                        ))
                    }
                }
            }
            /// The items, in order.
            pub fn items(&self) -> &[$item] {
                &self.0
            }
            /// The items, in order.
            pub fn into_items(self) -> ::std::vec::Vec<$item> {
                self.0
            }
            /// How many items.
            pub fn len(&self) -> usize {
                self.0.len()
            }
            /// Whether there are none (only where the rules allow it).
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
            #[doc(hidden)]
            pub const fn __literal_count_check(
                count: usize,
            ) -> ::core::result::Result<(), $crate::Violation> {
                Self::RULE.check(count)
            }
            /// For the literal macro, after `__literal_count_check` has passed
            /// and each item was checked.
            #[doc(hidden)]
            pub fn __from_checked(items: ::std::vec::Vec<$item>) -> Self {
                Self(items)
            }
        }
        impl ::core::convert::TryFrom<&str> for $ty {
            type Error = $crate::ParamError;
            fn try_from(value: &str) -> ::core::result::Result<Self, Self::Error> {
                value.parse()
            }
        }
        impl ::core::convert::TryFrom<::std::vec::Vec<$item>> for $ty {
            type Error = $crate::ParamError;
            fn try_from(
                items: ::std::vec::Vec<$item>,
            ) -> ::core::result::Result<Self, Self::Error> {
                Self::try_new(items)
            }
        }
        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::__private::serde::Serialize::serialize(&self.0, serializer)
            }
        }
    };
}

/// A list of images, `struct $ty(Vec<$item>)`, each item an image
/// parameter type (`__image_url!`) of the same wire name; the number of
/// items checked by its [`ListRule`](crate::rules::ListRule) (`Self::RULE`).
/// Its text is a JSON array of the items' texts (or one item alone); it is
/// sent as a JSON array.
#[doc(hidden)]
#[macro_export]
macro_rules! __image_list {
    ($ty:ident, $item:ident, $name:literal, $allowed:literal) => {
        $crate::__list_common!($ty, $item, $name, $allowed);
        impl $ty {
            #[doc(hidden)]
            pub fn __sources(
                &self,
            ) -> impl ::core::iter::Iterator<Item = &$crate::image::ImageSource> {
                self.0.iter().map($item::source)
            }
            #[doc(hidden)]
            pub fn __sources_mut(
                &mut self,
            ) -> impl ::core::iter::Iterator<Item = &mut $crate::image::ImageSource> {
                self.0.iter_mut().map($item::__source_mut)
            }
        }
        impl $crate::ParamType for $ty {
            type Literal = usize;
            const NAME: &'static str = $name;
            const ALLOWED: &'static str = $allowed;
            const KIND: $crate::info::ParamKind = $crate::info::ParamKind::ImageList;
            const IMAGE: ::core::option::Option<$crate::info::ImageParam> =
                <$item as $crate::ParamType>::IMAGE;
        }
        impl ::core::str::FromStr for $ty {
            type Err = $crate::ParamError;
            /// A JSON array of the items' texts (`["https://a/1.png", "b.png"]`),
            /// or one item's text alone.
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                let texts = $crate::rules::list_items(text).map_err(|violation| {
                    $crate::ParamError::new($name, text, violation, Self::ALLOWED)
                })?;
                Self::__from_texts(&texts)
            }
        }
        impl $ty {
            fn __from_texts(
                texts: &[::std::string::String],
            ) -> ::core::result::Result<Self, $crate::ParamError> {
                let mut items = ::std::vec::Vec::with_capacity(texts.len());
                for (index, item) in texts.iter().enumerate() {
                    items.push(
                        item.parse::<$item>()
                            .map_err(|error| error.in_item(index))?,
                    );
                }
                Self::try_new(items)
            }
        }
        impl ::core::fmt::Display for $ty {
            /// The JSON array of the items' texts.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(&$crate::rules::list_text(self.0.iter()))
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::serde_support::deserialize_with(
                    deserializer,
                    |texts: ::std::vec::Vec<::std::string::String>| Self::__from_texts(&texts),
                )
            }
        }
    };
}

/// One item of a list of objects: `struct $ty { field: Type, … }` (the
/// generated definition), given its fields in documented order, required
/// then optional, as `field: Type = "wire"`. Gives it `new` (the required
/// fields), a builder method per optional field, serde (an object; an item
/// read from JSON is checked field by field, unknown fields refused),
/// `FromStr` (its JSON text) and `Display` (the same). `$list` is the list
/// parameter's wire name, `$allowed` what the list takes, for messages.
#[doc(hidden)]
#[macro_export]
macro_rules! __object_item {
    (
        $ty:ident, $list:literal, $allowed:literal,
        required [$($required:ident: $required_ty:ty = $required_wire:literal),* $(,)?],
        optional [$($optional:ident: $optional_ty:ty = $optional_wire:literal),* $(,)?]
    ) => {
        impl $ty {
            /// An item with its required fields; every optional field starts unset.
            #[allow(clippy::new_without_default)]
            pub fn new($($required: impl ::core::convert::Into<$required_ty>),*) -> Self {
                Self {
                    $($required: $required.into(),)*
                    $($optional: ::core::option::Option::None,)*
                }
            }
            $(
                #[doc = ::core::concat!("Sets `", $optional_wire, "`.")]
                #[must_use]
                pub fn $optional(mut self, value: impl ::core::convert::Into<$optional_ty>) -> Self {
                    self.$optional = ::core::option::Option::Some(value.into());
                    self
                }
            )*
            #[doc(hidden)]
            pub fn __from_json(
                value: &$crate::JsonValue,
            ) -> ::core::result::Result<Self, $crate::ParamError> {
                let map = $crate::object::object_of(
                    value,
                    $list,
                    $allowed,
                    &[$($required_wire,)* $($optional_wire,)*],
                )?;
                ::core::result::Result::Ok(Self {
                    $($required: $crate::object::required_field(
                        map,
                        $required_wire,
                        ::core::concat!($list, "[].", $required_wire),
                        $allowed,
                    )?,)*
                    $($optional: $crate::object::optional_field(
                        map,
                        $optional_wire,
                        ::core::concat!($list, "[].", $optional_wire),
                    )?,)*
                })
            }
        }
        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                use $crate::__private::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::core::option::Option::None)?;
                $(map.serialize_entry($required_wire, &self.$required)?;)*
                $(if let ::core::option::Option::Some(value) = &self.$optional {
                    map.serialize_entry($optional_wire, value)?;
                })*
                map.end()
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::serde_support::deserialize_with(deserializer, |value: $crate::JsonValue| {
                    Self::__from_json(&value)
                })
            }
        }
        impl ::core::str::FromStr for $ty {
            type Err = $crate::ParamError;
            /// The item's JSON object.
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                let value: $crate::JsonValue = $crate::__private::serde_json::from_str(text)
                    .map_err(|_| {
                        $crate::ParamError::new($list, text, $crate::Violation::Malformed, $allowed)
                    })?;
                Self::__from_json(&value)
            }
        }
        impl ::core::fmt::Display for $ty {
            /// The item's JSON object.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let text = $crate::__private::serde_json::to_string(self)
                    .map_err(|_| ::core::fmt::Error)?;
                f.write_str(&text)
            }
        }
    };
}

/// A list of objects, `struct $ty(Vec<$item>)`, each item an
/// [`__object_item!`](crate::__object_item) type; the number of items
/// checked by its [`ListRule`](crate::rules::ListRule) (`Self::RULE`). Its
/// text is a JSON array of objects (or one object alone); it is sent as a
/// JSON array.
#[doc(hidden)]
#[macro_export]
macro_rules! __object_list {
    ($ty:ident, $item:ident, $name:literal, $allowed:literal) => {
        $crate::__list_common!($ty, $item, $name, $allowed);
        impl $ty {
            fn __from_values(
                values: &[$crate::JsonValue],
            ) -> ::core::result::Result<Self, $crate::ParamError> {
                let mut items = ::std::vec::Vec::with_capacity(values.len());
                for (index, value) in values.iter().enumerate() {
                    items.push($item::__from_json(value).map_err(|error| error.in_item(index))?);
                }
                Self::try_new(items)
            }
        }
        impl $crate::ParamType for $ty {
            type Literal = usize;
            const NAME: &'static str = $name;
            const ALLOWED: &'static str = $allowed;
            const KIND: $crate::info::ParamKind = $crate::info::ParamKind::ObjectList;
        }
        impl ::core::str::FromStr for $ty {
            type Err = $crate::ParamError;
            /// A JSON array of the items' objects, or one object alone.
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                Self::__from_values(&$crate::object::list_items(text, $name, $allowed)?)
            }
        }
        impl ::core::fmt::Display for $ty {
            /// The JSON array of the items.
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let text = $crate::__private::serde_json::to_string(&self.0)
                    .map_err(|_| ::core::fmt::Error)?;
                f.write_str(&text)
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::serde_support::deserialize_with(
                    deserializer,
                    |values: ::std::vec::Vec<$crate::JsonValue>| Self::__from_values(&values),
                )
            }
        }
    };
}

/// A list-of-objects literal: the items are expressions (each built from
/// its fields, whose typed values have literal macros of their own); the
/// number of items is checked against the list's rules in a named
/// constant, a compile error under `cargo check`.
#[doc(hidden)]
#[macro_export]
macro_rules! __object_list_literal {
    ($ty:ty, [$($item:expr),* $(,)?]) => {{
        const COUNT: usize = 0 $(+ $crate::__object_list_literal!(@one $item))*;
        const _: () = match <$ty>::__literal_count_check(COUNT) {
            ::core::result::Result::Ok(()) => (),
            ::core::result::Result::Err(violation) => {
                let message = $crate::__private::LiteralMessage::new(
                    <$ty as $crate::ParamType>::NAME,
                    ::core::stringify!([$($item),*]),
                    violation,
                    <$ty as $crate::ParamType>::ALLOWED,
                );
                ::core::panic!("{}", message.as_str())
            }
        };
        <$ty>::__from_checked(::std::vec![$($item),*])
    }};
    (@one $item:expr) => { 1 };
}

/// A list literal: each item checked by its own literal macro, and the
/// number of items checked against the list's rules in a named constant,
/// so both are compile errors under `cargo check`.
#[doc(hidden)]
#[macro_export]
macro_rules! __list_literal {
    ($ty:ty, $item:ty, [$($value:literal),* $(,)?]) => {{
        const COUNT: usize = 0 $(+ $crate::__list_literal!(@one $value))*;
        const _: () = match <$ty>::__literal_count_check(COUNT) {
            ::core::result::Result::Ok(()) => (),
            ::core::result::Result::Err(violation) => {
                let message = $crate::__private::LiteralMessage::new(
                    <$ty as $crate::ParamType>::NAME,
                    ::core::stringify!([$($value),*]),
                    violation,
                    <$ty as $crate::ParamType>::ALLOWED,
                );
                ::core::panic!("{}", message.as_str())
            }
        };
        <$ty>::__from_checked(::std::vec![$($crate::__literal!($item, $value)),*])
    }};
    (@one $value:literal) => { 1 };
}

/// A request's image fields, for [`ModelRequest::images`](crate::ModelRequest::images)
/// and `images_mut`: `required [field = "wire", ...] optional [...]`.
#[doc(hidden)]
#[macro_export]
macro_rules! __image_fields {
    (required [$($required:ident = $required_wire:literal),*] optional [$($optional:ident = $optional_wire:literal),*]) => {
        $crate::__image_fields!(
            required [$($required = $required_wire),*] optional [$($optional = $optional_wire),*]
            required_lists [] optional_lists []
        );
    };
    (required [$($required:ident = $required_wire:literal),*] optional [$($optional:ident = $optional_wire:literal),*]
     required_lists [$($required_list:ident = $required_list_wire:literal),*] optional_lists [$($optional_list:ident = $optional_list_wire:literal),*]) => {
        fn images(&self) -> ::std::vec::Vec<(&'static str, &$crate::image::ImageSource)> {
            #[allow(unused_mut)]
            let mut images = ::std::vec::Vec::new();
            $(images.push(($required_wire, self.$required.source()));)*
            $(if let ::core::option::Option::Some(image) = &self.$optional {
                images.push(($optional_wire, image.source()));
            })*
            $(images.extend(self.$required_list.__sources().map(|source| ($required_list_wire, source)));)*
            $(if let ::core::option::Option::Some(list) = &self.$optional_list {
                images.extend(list.__sources().map(|source| ($optional_list_wire, source)));
            })*
            images
        }
        fn images_mut(&mut self) -> ::std::vec::Vec<(&'static str, &mut $crate::image::ImageSource)> {
            #[allow(unused_mut)]
            let mut images = ::std::vec::Vec::new();
            $(images.push(($required_wire, self.$required.__source_mut()));)*
            $(if let ::core::option::Option::Some(image) = &mut self.$optional {
                images.push(($optional_wire, image.__source_mut()));
            })*
            $(images.extend(self.$required_list.__sources_mut().map(|source| ($required_list_wire, source)));)*
            $(if let ::core::option::Option::Some(list) = &mut self.$optional_list {
                images.extend(list.__sources_mut().map(|source| ($optional_list_wire, source)));
            })*
            images
        }
    };
}

/// The builder methods of a request's optional parameters, each
/// `setter(Type)` (the field has the setter's name) or
/// `setter(Type) => field`, where `Type` may be `impl Into<String>` for
/// plain text, so a `&str` sets it.
#[doc(hidden)]
#[macro_export]
macro_rules! __setters {
    ($request:ident { $($setter:ident($($arg:tt)+) $(=> $field:ident)?),* $(,)? }) => {
        impl $request {
            $($crate::__setters!(@one $setter($($arg)+) $(=> $field)?);)*
        }
    };
    (@one $setter:ident($($arg:tt)+)) => {
        $crate::__setters!(@one $setter($($arg)+) => $setter);
    };
    (@one $setter:ident(impl Into<$ty:ty>) => $field:ident) => {
        #[doc = ::core::concat!("Sets [`", ::core::stringify!($field), "`](#structfield.", ::core::stringify!($field), ").")]
        #[must_use]
        pub fn $setter(mut self, $field: impl ::core::convert::Into<$ty>) -> Self {
            self.$field = ::core::option::Option::Some($field.into());
            self
        }
    };
    (@one $setter:ident($ty:ty) => $field:ident) => {
        #[doc = ::core::concat!("Sets [`", ::core::stringify!($field), "`](#structfield.", ::core::stringify!($field), ").")]
        #[must_use]
        pub fn $setter(mut self, $field: $ty) -> Self {
            self.$field = ::core::option::Option::Some($field);
            self
        }
    };
}

/// A model's literal macros: for each `local(Type) = exported`, a
/// `#[macro_export]` macro under the crate-unique hidden name `exported`,
/// re-exported in the model's module as `local`, expanding to
/// [`__literal!`](crate::__literal) for `Type` (`local(Type, number)` for
/// numbers, whose literal may be an integer).
///
/// Called as `__literal_macros!($ crate module [...])`: the `$` and `crate`
/// tokens come from the provider crate, so the macros it defines use `$` as
/// their own and `$crate` names the provider crate, not this one.
#[doc(hidden)]
#[macro_export]
macro_rules! __literal_macros {
    ($d:tt $krate:tt $module:ident [$($entry:ident($($spec:tt)*) = $exported:ident),* $(,)?]) => {
        $($crate::__literal_macros!(@one $d $krate $module $entry($($spec)*) = $exported);)*
    };
    (@one $d:tt $krate:tt $module:ident $local:ident($ty:ident, list $item:ident) = $exported:ident) => {
        #[doc(hidden)]
        #[macro_export]
        macro_rules! $exported {
            ($d($d value:literal),* $d(,)?) => {
                $d $krate::__core::__list_literal!($d $krate::$module::$ty, $d $krate::$module::$item, [$d($d value),*])
            };
        }
        #[doc = ::core::concat!(
            "A [`", ::core::stringify!($ty), "`] from literals, checked when the crate compiles ",
            "(by `cargo check` too): an item outside the rules, or too few or too many items, ",
            "is a compile error naming the parameter and what is allowed."
        )]
        #[doc(inline)]
        pub use $exported as $local;
    };
    (@one $d:tt $krate:tt $module:ident $local:ident($ty:ident, objects) = $exported:ident) => {
        #[doc(hidden)]
        #[macro_export]
        macro_rules! $exported {
            ($d($d item:expr),* $d(,)?) => {
                $d $krate::__core::__object_list_literal!($d $krate::$module::$ty, [$d($d item),*])
            };
        }
        #[doc = ::core::concat!(
            "A [`", ::core::stringify!($ty), "`] from its items, its count checked when the crate ",
            "compiles (by `cargo check` too): too few or too many items is a compile error naming ",
            "the parameter and what is allowed."
        )]
        #[doc(inline)]
        pub use $exported as $local;
    };
    (@one $d:tt $krate:tt $module:ident $local:ident($ty:ident $(, $number:ident)?) = $exported:ident) => {
        $crate::__literal_macros!(@each $d $krate $module [$local($ty $(, $number)?) = $exported]);
    };
    (@each $d:tt $krate:tt $module:ident [$($local:ident($ty:ident $(, $number:ident)?) = $exported:ident),* $(,)?]) => {
        $(
            #[doc(hidden)]
            #[macro_export]
            macro_rules! $exported {
                ($d value:literal) => {
                    $d $krate::__core::__literal!($($number)? $d $krate::$module::$ty, $d value)
                };
            }
            #[doc = ::core::concat!(
                "A [`", ::core::stringify!($ty), "`] from a literal, checked when the crate compiles ",
                "(by `cargo check` too): a literal outside the rules is a compile error naming the ",
                "parameter, the literal and what is allowed."
            )]
            #[doc(inline)]
            pub use $exported as $local;
        )*
    };
}

/// A parameter the model fixes: a private unit type that always serialises
/// to `$value` (reading a request checks the value against the model's
/// table).
#[doc(hidden)]
#[macro_export]
macro_rules! __fixed {
    ($ty:ident, $name:literal, $value:literal) => {
        #[doc = ::core::concat!("Always `", $value, "`: the `", $name, "` every request of this type sends.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        struct $ty;
        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str($value)
            }
        }
    };
}
