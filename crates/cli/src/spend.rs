//! Money on the command line: the cost of a request before it is sent, the
//! amounts `--max-cost` and `--unknown-cost-as` take, and the totals a
//! batch shows.

use imagegen::info::ModelInfo;
use imagegen_runtime::cost::{Cost, Currency, Money};
use imagegen_runtime::price::Amount;

/// The currency of a model's prices: its documented price's, else US
/// dollars (vibedream reports costs in US cents).
pub fn currency_of(model: &ModelInfo) -> Currency {
    model
        .price
        .and_then(|price| Currency::new(price.currency))
        .unwrap_or(Currency::USD)
}

/// What a request with this body costs by the documented price (unknown
/// where the page prices nothing for it).
pub fn expected_cost(model: &ModelInfo, body: &serde_json::Value) -> Cost {
    body.as_object()
        .map_or(Cost::Unknown, |body| Cost::documented(model, body))
}

/// `--max-cost`: a plain decimal above zero.
pub fn parse_max_cost(text: &str) -> Result<Amount, String> {
    let amount = parse_amount(text)?;
    if amount.is_zero() {
        return Err("must be more than zero (the most the batch may spend)".to_owned());
    }
    Ok(amount)
}

/// A non-negative plain decimal with at most nine decimal places.
pub fn parse_amount(text: &str) -> Result<Amount, String> {
    Amount::parse(text.trim()).ok_or_else(|| {
        format!(
            "`{text}` is not an amount: give a non-negative decimal number such as 20 or 0.05 \
             (in the currency of the provider's prices, at most nine decimal places)"
        )
    })
}

/// Costs added up by source.
#[derive(Debug, Clone, Copy)]
pub struct Totals {
    currency: Currency,
    reported: Amount,
    /// Priced by the provider's pricing endpoint before sending (`--quote`).
    quoted: Amount,
    documented: Amount,
    /// Lines whose cost is unknown.
    unknown: usize,
    /// A cost in another currency, or a sum too large, could not be added.
    uncounted: usize,
}

impl Totals {
    pub fn new(currency: Currency) -> Self {
        Totals {
            currency,
            reported: Amount::ZERO,
            quoted: Amount::ZERO,
            documented: Amount::ZERO,
            unknown: 0,
            uncounted: 0,
        }
    }

    pub fn add(&mut self, cost: Cost) {
        let (total, money) = match cost {
            Cost::Reported(money) => (&mut self.reported, money),
            Cost::Quoted(money) => (&mut self.quoted, money),
            Cost::Documented(money) => (&mut self.documented, money),
            Cost::Unknown => {
                self.unknown += 1;
                return;
            }
        };
        match total
            .checked_add(money.amount)
            .filter(|_| money.currency == self.currency)
        {
            Some(sum) => *total = sum,
            None => self.uncounted += 1,
        }
    }

    /// `$0.07 reported, $0.036 by documented price, 2 of unknown cost`.
    pub fn describe(&self) -> String {
        let money = |amount| Money::new(amount, self.currency);
        let mut text = format!("{} reported, ", money(self.reported));
        if self.quoted != Amount::ZERO {
            text.push_str(&format!("{} quoted by the provider, ", money(self.quoted)));
        }
        text.push_str(&format!(
            "{} estimated by documented price, {} of unknown cost",
            money(self.documented),
            self.unknown
        ));
        if self.uncounted > 0 {
            text.push_str(&format!(
                ", {} not added (another currency)",
                self.uncounted
            ));
        }
        text
    }

    /// Reported and documented together.
    pub fn known(&self) -> Money {
        Money::new(
            self.reported
                .checked_add(self.documented)
                .unwrap_or(self.reported),
            self.currency,
        )
    }

    pub fn as_json(&self) -> serde_json::Value {
        serde_json::json!({
            "currency": self.currency.as_str(),
            "reported": self.reported.to_f64(),
            "quoted": self.quoted.to_f64(),
            "documented_price": self.documented.to_f64(),
            "unknown": self.unknown,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_or_refused_by_name() {
        assert_eq!(parse_max_cost("20.00"), Ok(Amount::new(20, 0)));
        for bad in ["0", "0.00", "-1", "abc", "1e3", ""] {
            assert!(parse_max_cost(bad).is_err(), "{bad}");
        }
        assert!(parse_max_cost("0").unwrap_err().contains("more than zero"));
        assert!(parse_max_cost("-5").unwrap_err().contains("non-negative"));
        assert_eq!(parse_amount("0"), Ok(Amount::ZERO));
    }

    #[test]
    fn totals_keep_sources_apart() {
        let usd = |units, scale| Money::new(Amount::new(units, scale), Currency::USD);
        let mut totals = Totals::new(Currency::USD);
        totals.add(Cost::Reported(usd(7, 2)));
        totals.add(Cost::Documented(usd(12, 3)));
        totals.add(Cost::Documented(usd(12, 3)));
        totals.add(Cost::Unknown);
        assert_eq!(
            totals.describe(),
            "$0.07 reported, $0.024 estimated by documented price, 1 of unknown cost"
        );
        assert_eq!(totals.known(), usd(94, 3));
    }
}
