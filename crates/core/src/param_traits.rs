//! The conversions every generated parameter type has, written once.
//!
//! Rust's orphan rules forbid this crate from implementing `FromStr` or
//! serde's traits for the generated types generically, so the per-kind
//! macros of `param_macros` expand to these for each type. Each relies on
//! the inherent items its caller gives the type, named below.

/// For numeric types with `ALLOWED`, `try_new(raw)`, `get()` and a `const fn`
/// named by `$from_raw` returning `Result<Self, Violation>`: `TryFrom<raw>`,
/// `FromStr` (parsing `raw`), `From<Self> for raw`, and serde as `raw`.
#[doc(hidden)]
#[macro_export]
macro_rules! __number_traits {
    ($ty:ident, $raw:ty, $from_raw:ident, $name:literal) => {
        impl ::core::convert::TryFrom<$raw> for $ty {
            type Error = $crate::ParamError;
            fn try_from(value: $raw) -> ::core::result::Result<Self, Self::Error> {
                Self::try_new(value)
            }
        }
        impl ::core::str::FromStr for $ty {
            type Err = $crate::ParamError;
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                let value: $raw = text.parse().map_err(|_| {
                    $crate::ParamError::new(
                        $name,
                        text,
                        $crate::Violation::Malformed,
                        Self::ALLOWED,
                    )
                })?;
                Self::$from_raw(value).map_err(|violation| {
                    $crate::ParamError::new($name, text, violation, Self::ALLOWED)
                })
            }
        }
        impl ::core::convert::From<$ty> for $raw {
            fn from(value: $ty) -> Self {
                value.get()
            }
        }
        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::__private::serde::Serialize::serialize(&self.get(), serializer)
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::serde_support::deserialize_with(deserializer, Self::try_new)
            }
        }
    };
}

/// For types sent as text, with `ALLOWED`, `Display` and
/// `__from_wire(&str) -> Result<Self, Violation>`: `FromStr`, `TryFrom<&str>`
/// and serde as a string. With `suggest`, the type also has
/// `WIRE: [&str; N]`, and a near miss of one of them is suggested. With
/// `as_str`, the type has `as_str()` and is serialised from it, not through
/// `Display` (serde_json's `collect_str` costs a formatter and an escaping
/// pass per piece: a tenth of a request's serialisation). With `image`, the
/// type has `source()` and is serialised by
/// [`serialize_source`](crate::image::serialize_source). With `number`, the
/// type has `as_str()` holding a number's text and is sent and read as a
/// JSON number. With `(object 'x')`, a size with `preset_str()` and
/// `dimensions()`: a preset is sent as text, a custom size as
/// `{"width": W, "height": H}`, and either is read back.
#[doc(hidden)]
#[macro_export]
macro_rules! __text_traits {
    ($ty:ident, $name:literal, suggest $(, $as_str:tt)?) => {
        $crate::__text_traits!(@impls $ty, $name, |violation, value| match violation {
            $crate::Violation::NotAllowed | $crate::Violation::Malformed => {
                $crate::rules::suggest(value, &Self::WIRE)
            }
            _ => ::core::option::Option::None,
        } $(, $as_str)?);
    };
    ($ty:ident, $name:literal $(, $as_str:tt)?) => {
        $crate::__text_traits!(@impls $ty, $name, |violation, value| ::core::option::Option::None $(, $as_str)?);
    };
    (@serialize $this:ident, $serializer:ident) => {
        $serializer.collect_str($this)
    };
    (@serialize $this:ident, $serializer:ident, as_str) => {
        $serializer.serialize_str($this.as_str())
    };
    (@serialize $this:ident, $serializer:ident, image) => {
        $crate::image::serialize_source(
            <Self as $crate::ParamType>::NAME,
            $this.source(),
            $serializer,
        )
    };
    (@serialize $this:ident, $serializer:ident, number) => {
        $crate::serde_support::serialize_number_text($this.as_str(), $serializer)
    };
    (@serialize $this:ident, $serializer:ident, (object $separator:literal)) => {
        match $this.preset_str() {
            ::core::option::Option::Some(preset) => $serializer.serialize_str(preset),
            ::core::option::Option::None => {
                let (width, height) = $this.dimensions().unwrap_or_default();
                $crate::serde_support::serialize_size_object(width, height, $serializer)
            }
        }
    };
    (@deserialize $deserializer:ident) => {
        $crate::serde_support::deserialize_with($deserializer, |value: ::std::string::String| {
            value.parse()
        })
    };
    (@deserialize $deserializer:ident, as_str) => {
        $crate::__text_traits!(@deserialize $deserializer)
    };
    (@deserialize $deserializer:ident, image) => {
        $crate::__text_traits!(@deserialize $deserializer)
    };
    (@deserialize $deserializer:ident, number) => {
        $crate::serde_support::deserialize_with(
            $deserializer,
            |value: $crate::serde_support::NumberText| value.0.parse(),
        )
    };
    (@deserialize $deserializer:ident, (object $separator:literal)) => {
        $crate::serde_support::deserialize_with(
            $deserializer,
            |value: $crate::serde_support::SizeValue| {
                let text = value.text($separator);
                let size: Self = text.parse()?;
                // A custom size is an object on the wire; its `WxH` text is
                // for `FromStr` (the CLI, `Args`), not for JSON.
                if value.is_text() && size.preset_str().is_none() {
                    return ::core::result::Result::Err($crate::ParamError::new(
                        <Self as $crate::ParamType>::NAME,
                        &text,
                        $crate::Violation::NotAllowed,
                        Self::ALLOWED,
                    ));
                }
                ::core::result::Result::Ok(size)
            },
        )
    };
    (@text $value:ident, (object $separator:literal)) => {
        $crate::serde_support::size_text($value, $separator)
    };
    (@text $value:ident $(, $as_str:tt)?) => {
        ::std::borrow::Cow::Borrowed($value)
    };
    (@impls $ty:ident, $name:literal, |$violation:ident, $value:ident| $suggestion:expr $(, $as_str:tt)?) => {
        impl ::core::str::FromStr for $ty {
            type Err = $crate::ParamError;
            fn from_str($value: &str) -> ::core::result::Result<Self, Self::Err> {
                let __text = $crate::__text_traits!(@text $value $(, $as_str)?);
                Self::__from_wire(&__text).map_err(|$violation| {
                    $crate::ParamError::new($name, $value, $violation, Self::ALLOWED)
                        .with_suggestion($suggestion)
                })
            }
        }
        impl ::core::convert::TryFrom<&str> for $ty {
            type Error = $crate::ParamError;
            fn try_from(value: &str) -> ::core::result::Result<Self, Self::Error> {
                value.parse()
            }
        }
        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                $crate::__text_traits!(@serialize self, serializer $(, $as_str)?)
            }
        }
        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::__text_traits!(@deserialize deserializer $(, $as_str)?)
            }
        }
    };
}

/// For owned text (`struct T(Cow<'static, str>)` with `try_new`): the
/// `__text_traits` plus `TryFrom<String>`, `AsRef<str>` and `Display`.
#[doc(hidden)]
#[macro_export]
macro_rules! __owned_text_traits {
    ($ty:ident, $name:literal) => {
        $crate::__text_traits!($ty, $name, as_str);
        impl ::core::convert::TryFrom<::std::string::String> for $ty {
            type Error = $crate::ParamError;
            fn try_from(value: ::std::string::String) -> ::core::result::Result<Self, Self::Error> {
                Self::try_new(value)
            }
        }
        impl ::core::convert::AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
