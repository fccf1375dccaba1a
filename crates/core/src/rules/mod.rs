//! The validation rules behind the generated parameter types.
//!
//! Each rule is a plain `const`-constructible struct holding the numbers from a
//! spec, with `const fn` checks: the same code runs when a literal is checked at
//! compile time (inside a named `const` item) and when a runtime value goes
//! through `try_new`, so both always agree.

mod choice;
mod decimal;
mod float;
mod integer;
mod list;
mod size;
mod text;
mod url;

pub use choice::suggest;
pub use decimal::{DecimalRule, MAX_SCALE};
pub use float::FloatRule;
pub use integer::IntegerRule;
pub use list::{ListRule, list_items, list_text};
pub use size::{CustomSizeRule, parse_dimensions};
pub use text::{LengthRule, TextRule, char_count, position, str_eq};
pub use url::check_http_url;
