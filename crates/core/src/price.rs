//! Documented prices, as data: what a request costs by the provider's own
//! pricing table, computed from the request itself.
//!
//! A price is written in the spec exactly as the page states it (`$0.012
//! per image`, `Total cost = price × num_images`, a price per size), and
//! kept exact: amounts are whole numbers of a decimal place, never floats,
//! so `$0.012 × 3` is `$0.036`, not `$0.036000000000000004`.

use std::fmt;

use crate::info::{Meaning, ModelInfo};

/// An exact, non-negative amount of money: `units` × 10^-`scale` of a
/// currency.
///
/// ```
/// use imagegen_core::price::Amount;
///
/// let per_image = Amount::new(12, 3); // 0.012
/// assert_eq!(per_image.to_string(), "0.012");
/// assert_eq!(per_image.times(3).unwrap().to_string(), "0.036");
/// assert_eq!(Amount::new(150, 3).to_string(), "0.15");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Amount {
    units: u64,
    scale: u8,
}

/// The most decimal places an amount keeps (a nano-unit).
const MAX_SCALE: u8 = 9;

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount { units: 0, scale: 0 };

    /// `units` × 10^-`scale`.
    pub const fn new(units: u64, scale: u8) -> Self {
        Self { units, scale }
    }

    /// The whole number of 10^-`scale` units (`Amount::new(12, 3).units_at(6)` is 12,000);
    /// `None` if it does not fit or `scale` is coarser than the amount.
    pub const fn units_at(self, scale: u8) -> Option<u64> {
        if scale < self.scale {
            let divisor = match 10u64.checked_pow((self.scale - scale) as u32) {
                Some(divisor) => divisor,
                None => return None,
            };
            return if self.units.is_multiple_of(divisor) {
                Some(self.units / divisor)
            } else {
                None
            };
        }
        match 10u64.checked_pow((scale - self.scale) as u32) {
            Some(factor) => self.units.checked_mul(factor),
            None => None,
        }
    }

    /// `count` times the amount, exactly; `None` on overflow.
    pub const fn times(self, count: u64) -> Option<Amount> {
        match self.units.checked_mul(count) {
            Some(units) => Some(Amount {
                units,
                scale: self.scale,
            }),
            None => None,
        }
    }

    /// The sum, exactly; `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        let scale = self.scale.max(other.scale);
        let units = self.units_at(scale)?.checked_add(other.units_at(scale)?)?;
        Some(Amount { units, scale })
    }

    /// The amount as the nearest double (for display and JSON).
    pub fn to_f64(self) -> f64 {
        // Exact decimal text, parsed once: correctly rounded.
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Reads plain decimal notation (`0.012`, `20`, `20.00`); `None` for
    /// anything else, a negative amount, or more than nine decimal places.
    ///
    /// ```
    /// use imagegen_core::price::Amount;
    ///
    /// assert_eq!(Amount::parse("20.00"), Some(Amount::new(20, 0)));
    /// assert_eq!(Amount::parse("-1"), None);
    /// assert_eq!(Amount::parse("1e3"), None);
    /// ```
    pub fn parse(text: &str) -> Option<Amount> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) {
            return None;
        }
        if text.contains('.') && fraction.is_empty() {
            return None;
        }
        let fraction = fraction.trim_end_matches('0');
        let scale = u8::try_from(fraction.len())
            .ok()
            .filter(|s| *s <= MAX_SCALE)?;
        let units = format!("{whole}{fraction}").parse().ok()?;
        Some(Amount { units, scale })
    }

    /// `(units, scale)`: the amount is `units` × 10^-`scale`.
    pub const fn parts(self) -> (u64, u8) {
        (self.units, self.scale)
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.units == 0
    }
}

impl PartialEq for Amount {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for Amount {}

impl std::hash::Hash for Amount {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Equal amounts at different scales hash alike.
        self.units_at(MAX_SCALE).hash(state);
    }
}

impl PartialOrd for Amount {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Amount {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let widen = |a: Amount| u128::from(a.units) * 10u128.pow(u32::from(MAX_SCALE - a.scale));
        widen(*self).cmp(&widen(*other))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = usize::from(self.scale);
        if scale == 0 {
            return write!(f, "{}", self.units);
        }
        let digits = format!("{:0>width$}", self.units, width = scale + 1);
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        let fraction = fraction.trim_end_matches('0');
        if fraction.is_empty() {
            f.write_str(whole)
        } else {
            write!(f, "{whole}.{fraction}")
        }
    }
}

/// What one documented amount is paid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PricePer {
    /// Each image asked for: the amount times the request's image count
    /// (its `means: count` parameter, else its default, else one).
    Image,
    /// Each request, however many images it makes.
    Request,
}

/// The documented amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PriceTable {
    /// One amount for every request.
    Flat(Amount),
    /// An amount per value of one parameter (a size, a resolution), in the
    /// page's order; a value the table does not list has no documented price.
    By {
        /// The parameter's wire name.
        parameter: &'static str,
        /// `(wire value, amount)`.
        amounts: &'static [(&'static str, Amount)],
    },
}

/// A model's documented price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Price {
    /// ISO 4217 code of the currency (`USD`).
    pub currency: &'static str,
    /// What an amount pays for.
    pub per: PricePer,
    /// The amounts.
    pub table: PriceTable,
    /// The page's own words.
    pub source: &'static str,
}

/// What the documented price gives for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DocumentedCost {
    /// ISO 4217 code of the currency.
    pub currency: &'static str,
    /// The amount.
    pub amount: Amount,
    /// The images it pays for (1 for a price per request).
    pub images: u64,
}

impl fmt::Display for DocumentedCost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Money(self.currency, self.amount))
    }
}

/// An amount in a currency, as people write it (`$0.012`, `0.5 EUR`).
struct Money<'a>(&'a str, Amount);

impl fmt::Display for Money<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            "USD" => write!(f, "${}", self.1),
            code => write!(f, "{} {code}", self.1),
        }
    }
}

impl Price {
    /// What a request with this JSON body (as it is sent) costs by the
    /// documented price; `None` where the table does not price it (a size
    /// it does not list, a parameter left to an undocumented default).
    pub fn cost_of(
        &self,
        model: &ModelInfo,
        body: &serde_json::Map<String, serde_json::Value>,
    ) -> Option<DocumentedCost> {
        let per_unit = match self.table {
            PriceTable::Flat(amount) => amount,
            PriceTable::By { parameter, amounts } => {
                let value = sent_or_default(model, body, parameter)?;
                amounts
                    .iter()
                    .find(|(wire, _)| *wire == value)
                    .map(|(_, amount)| *amount)?
            }
        };
        let images = match self.per {
            PricePer::Request => 1,
            PricePer::Image => image_count(model, body)?,
        };
        Some(DocumentedCost {
            currency: self.currency,
            amount: per_unit.times(images)?,
            images,
        })
    }

    /// The price in words: `$0.012 per image`, `per image, by size:
    /// 1024*1024 $0.03, 2048*2048 $0.06`.
    pub fn describe(&self) -> String {
        match self.table {
            PriceTable::Flat(amount) => {
                describe_parts(self.currency, self.per, None, [("", amount)])
            }
            PriceTable::By { parameter, amounts } => describe_parts(
                self.currency,
                self.per,
                Some(parameter),
                amounts.iter().copied(),
            ),
        }
    }

    /// The lowest documented amount, for a short listing (`from $0.03`).
    pub fn lowest(&self) -> Amount {
        match self.table {
            PriceTable::Flat(amount) => amount,
            PriceTable::By { amounts, .. } => amounts
                .iter()
                .map(|(_, amount)| *amount)
                .min()
                .unwrap_or(Amount::ZERO),
        }
    }

    /// The price in a few words: `$0.012/image`, `from $0.03/image`.
    pub fn short(&self) -> String {
        let per = match self.per {
            PricePer::Image => "image",
            PricePer::Request => "request",
        };
        match self.table {
            PriceTable::Flat(amount) => format!("{}/{per}", Money(self.currency, amount)),
            PriceTable::By { .. } => {
                format!("from {}/{per}", Money(self.currency, self.lowest()))
            }
        }
    }
}

/// A price in words from its parts: one `("", amount)` row without `by`, or
/// a row per value of the `by` parameter. [`Price::describe`] and the
/// generator's docs (which hold the spec's owned rows) share this wording.
pub fn describe_parts<'a>(
    currency: &str,
    per: PricePer,
    by: Option<&str>,
    rows: impl IntoIterator<Item = (&'a str, Amount)>,
) -> String {
    let per = match per {
        PricePer::Image => "per image",
        PricePer::Request => "per request",
    };
    match by {
        None => rows
            .into_iter()
            .map(|(_, amount)| format!("{} {per}", Money(currency, amount)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(parameter) => {
            let rows: Vec<String> = rows
                .into_iter()
                .map(|(wire, amount)| format!("{wire} {}", Money(currency, amount)))
                .collect();
            format!("{per}, by {parameter}: {}", rows.join(", "))
        }
    }
}

/// The images a request asks for: its count parameter as sent, else that
/// parameter's documented default, else one (a model without a count
/// parameter makes one image a request). `None` when the count is
/// unreadable or its default undocumented.
fn image_count(
    model: &ModelInfo,
    body: &serde_json::Map<String, serde_json::Value>,
) -> Option<u64> {
    let Some(param) = model.parameter_meaning(Meaning::Count) else {
        return Some(1);
    };
    match body.get(param.name) {
        Some(value) => value.as_u64(),
        None => param.default?.parse().ok(),
    }
}

/// `parameter`'s value as sent (text), else its documented default.
fn sent_or_default(
    model: &ModelInfo,
    body: &serde_json::Map<String, serde_json::Value>,
    parameter: &str,
) -> Option<String> {
    match body.get(parameter) {
        Some(serde_json::Value::String(text)) => Some(text.clone()),
        Some(other) => Some(other.to_string()),
        None => model.parameter(parameter)?.default.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_compare_and_add_across_scales() {
        assert_eq!(Amount::new(15, 2), Amount::new(150, 3));
        assert!(Amount::new(12, 3) < Amount::new(2, 2));
        let sum = Amount::new(12, 3).checked_add(Amount::new(3, 2)).unwrap();
        assert_eq!(sum.to_string(), "0.042");
        assert_eq!(Amount::new(5, 0).to_string(), "5");
        assert_eq!(Amount::new(5, 9).to_string(), "0.000000005");
        assert_eq!(Amount::new(u64::MAX, 0).times(2), None);
    }

    #[test]
    fn prices_read_as_the_page_writes_them() {
        let flat = Price {
            currency: "USD",
            per: PricePer::Image,
            table: PriceTable::Flat(Amount::new(12, 3)),
            source: "Per image $0.012",
        };
        assert_eq!(flat.describe(), "$0.012 per image");
        assert_eq!(flat.short(), "$0.012/image");
        static ROWS: [(&str, Amount); 2] = [
            ("2048*2048", Amount::new(6, 2)),
            ("1024*1024", Amount::new(3, 2)),
        ];
        let by = Price {
            currency: "EUR",
            per: PricePer::Request,
            table: PriceTable::By {
                parameter: "size",
                amounts: &ROWS,
            },
            source: "",
        };
        assert_eq!(
            by.describe(),
            "per request, by size: 2048*2048 0.06 EUR, 1024*1024 0.03 EUR"
        );
        assert_eq!(by.short(), "from 0.03 EUR/request");
    }

    #[test]
    fn parsing_reads_plain_decimals_only() {
        assert_eq!(Amount::parse("0.012"), Some(Amount::new(12, 3)));
        assert_eq!(Amount::parse("0"), Some(Amount::ZERO));
        for bad in ["", ".5", "5.", "-0.1", "1e2", "0.0000000001", "abc", "1,5"] {
            assert_eq!(Amount::parse(bad), None, "{bad}");
        }
    }
}
