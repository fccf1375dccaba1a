//! What a prediction costs, and how that is known: what the provider's
//! answer reported, else what the spec's documented price gives for the
//! request as sent, else unknown. The source is part of the value, so a
//! documented price is never shown as a charge and an unknown cost is never
//! shown as free.

use std::fmt;

use imagegen_core::info::ModelInfo;
use imagegen_core::price::Amount;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 4217 currency code (`USD`): three ASCII capital letters.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency([u8; 3]);

impl Currency {
    /// US dollars, the currency of every price the specs hold today.
    pub const USD: Currency = Currency(*b"USD");

    /// Reads a code of three ASCII capital letters; `None` otherwise.
    pub fn new(code: &str) -> Option<Currency> {
        let bytes: [u8; 3] = code.as_bytes().try_into().ok()?;
        bytes
            .iter()
            .all(u8::is_ascii_uppercase)
            .then_some(Currency(bytes))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        // Three ASCII capitals, checked on the way in.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An exact amount of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    /// How much.
    pub amount: Amount,
    /// Of what.
    pub currency: Currency,
}

impl Money {
    /// `amount` of `currency`.
    pub const fn new(amount: Amount, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Nothing, in `currency`.
    pub const fn zero(currency: Currency) -> Self {
        Money::new(Amount::ZERO, currency)
    }

    /// The sum, or `None` if the currencies differ or it overflows.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.amount.checked_add(other.amount))
            .flatten()
            .map(|amount| Money::new(amount, self.currency))
    }
}

impl fmt::Display for Money {
    /// `$0.036` for US dollars, `0.5 EUR` otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.currency == Currency::USD {
            write!(f, "${}", self.amount)
        } else {
            write!(f, "{} {}", self.amount, self.currency)
        }
    }
}

/// What a prediction costs, with where that figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Cost {
    /// What the provider's answer said it costs (vibedream's `costCents`).
    Reported(Money),
    /// What the provider's pricing endpoint answered for exactly this
    /// request before it was sent (WaveSpeed's Pricing API): its own
    /// price, which the charge may still differ from.
    Quoted(Money),
    /// What the model's documented price gives for the request as sent (per
    /// image × the images it asks for, per size where the page prices by
    /// size). The provider may charge otherwise.
    Documented(Money),
    /// Neither: the answer reported nothing and the page states no price
    /// for this request. Never read as zero.
    #[default]
    Unknown,
}

impl Cost {
    /// The documented price of a request to `model` with this JSON body (as
    /// sent), or [`Cost::Unknown`] where the page prices nothing for it.
    pub fn documented(
        model: &ModelInfo,
        body: &serde_json::Map<String, serde_json::Value>,
    ) -> Cost {
        model
            .price
            .and_then(|price| {
                let cost = price.cost_of(model, body)?;
                Some(Cost::Documented(Money::new(
                    cost.amount,
                    Currency::new(cost.currency)?,
                )))
            })
            .unwrap_or(Cost::Unknown)
    }

    /// A cost reported in US cents; `None` for a negative number, which no
    /// charge is.
    pub fn reported_cents(cents: i64) -> Option<Cost> {
        let cents = u64::try_from(cents).ok()?;
        Some(Cost::Reported(Money::new(
            Amount::new(cents, 2),
            Currency::USD,
        )))
    }

    /// The figure, whatever its source; `None` when unknown.
    pub fn money(&self) -> Option<Money> {
        match self {
            Cost::Reported(money) | Cost::Quoted(money) | Cost::Documented(money) => Some(*money),
            Cost::Unknown => None,
        }
    }

    /// Whether neither the answer nor the docs give a figure.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Cost::Unknown)
    }

    /// The source's name, as the JSON and the manifest write it:
    /// `reported`, `quoted`, `documented_price` or `unknown`.
    pub fn source(&self) -> &'static str {
        match self {
            Cost::Reported(_) => "reported",
            Cost::Quoted(_) => "quoted",
            Cost::Documented(_) => "documented_price",
            Cost::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Cost {
    /// `$0.07 (reported)`, `$0.036 (documented price)`, `unknown`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cost::Reported(money) => write!(f, "{money} (reported)"),
            Cost::Quoted(money) => write!(f, "{money} (quoted)"),
            Cost::Documented(money) => write!(f, "{money} (documented price)"),
            Cost::Unknown => f.write_str("unknown"),
        }
    }
}

/// The JSON form: `{"amount": 0.036, "currency": "USD", "source":
/// "documented_price"}`, or `{"source": "unknown"}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CostJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amount: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    currency: Option<String>,
    source: String,
}

impl Serialize for Cost {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let money = self.money();
        CostJson {
            // The shortest text that reads back as the same double is the
            // exact decimal for every amount a price table holds.
            amount: money.and_then(|m| serde_json::Number::from_f64(m.amount.to_f64())),
            currency: money.map(|m| m.currency.as_str().to_owned()),
            source: self.source().to_owned(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Cost {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let json = CostJson::deserialize(deserializer)?;
        let money = || -> Result<Money, D::Error> {
            let number = json
                .amount
                .as_ref()
                .ok_or_else(|| D::Error::custom("a cost needs an `amount`"))?;
            let amount = number
                .as_f64()
                .and_then(|value| Amount::parse(&value.to_string()))
                .ok_or_else(|| {
                    D::Error::custom(format!(
                        "`amount` {number} is not a non-negative amount with at most nine decimals"
                    ))
                })?;
            let code = json
                .currency
                .as_deref()
                .ok_or_else(|| D::Error::custom("a cost needs a `currency`"))?;
            let currency = Currency::new(code).ok_or_else(|| {
                D::Error::custom(format!(
                    "`currency` {code:?} is not an ISO 4217 code (three capital letters)"
                ))
            })?;
            Ok(Money::new(amount, currency))
        };
        match json.source.as_str() {
            "reported" => Ok(Cost::Reported(money()?)),
            "quoted" => Ok(Cost::Quoted(money()?)),
            "documented_price" => Ok(Cost::Documented(money()?)),
            "unknown" if json.amount.is_none() && json.currency.is_none() => Ok(Cost::Unknown),
            "unknown" => Err(D::Error::custom(
                "an unknown cost has no amount or currency",
            )),
            other => Err(D::Error::custom(format!(
                "cost `source` {other:?} is not one of reported, quoted, documented_price, unknown"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(units: u64, scale: u8) -> Money {
        Money::new(Amount::new(units, scale), Currency::USD)
    }

    #[test]
    fn costs_round_trip_through_json_exactly() {
        for cost in [
            Cost::Reported(usd(7, 2)),
            Cost::Quoted(usd(45, 2)),
            Cost::Documented(usd(36, 3)),
            Cost::Documented(usd(123_456_789, 9)),
            Cost::Unknown,
        ] {
            let json = serde_json::to_string(&cost).unwrap();
            assert_eq!(serde_json::from_str::<Cost>(&json).unwrap(), cost, "{json}");
        }
        assert_eq!(
            serde_json::to_string(&Cost::Documented(usd(36, 3))).unwrap(),
            r#"{"amount":0.036,"currency":"USD","source":"documented_price"}"#
        );
        assert_eq!(
            serde_json::to_string(&Cost::Unknown).unwrap(),
            r#"{"source":"unknown"}"#
        );
    }

    #[test]
    fn unreadable_costs_say_what_is_wrong() {
        for (json, expected) in [
            (
                r#"{"amount":-1,"currency":"USD","source":"reported"}"#,
                "non-negative",
            ),
            (
                r#"{"amount":1,"currency":"usd","source":"reported"}"#,
                "ISO 4217",
            ),
            (
                r#"{"currency":"USD","source":"reported"}"#,
                "needs an `amount`",
            ),
            (
                r#"{"amount":1,"currency":"USD","source":"guess"}"#,
                "not one of",
            ),
            (r#"{"amount":1,"source":"unknown"}"#, "no amount"),
        ] {
            let error = serde_json::from_str::<Cost>(json).unwrap_err().to_string();
            assert!(error.contains(expected), "{json}: {error}");
        }
    }

    #[test]
    fn reported_cents_are_dollars_and_never_negative() {
        assert_eq!(Cost::reported_cents(7), Some(Cost::Reported(usd(7, 2))));
        assert_eq!(Cost::reported_cents(-1), None);
        assert_eq!(Cost::Reported(usd(7, 2)).to_string(), "$0.07 (reported)");
        assert_eq!(
            Money::new(Amount::new(5, 1), Currency::new("EUR").unwrap()).to_string(),
            "0.5 EUR"
        );
        assert_eq!(usd(1, 0).checked_add(usd(5, 1)), Some(usd(15, 1)));
        assert_eq!(
            usd(1, 0).checked_add(Money::zero(Currency::new("EUR").unwrap())),
            None
        );
    }
}
