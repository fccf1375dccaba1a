//! A model's `price`: the page's pricing table as data the runtime can
//! compute a request's cost from.

use super::values::{admit, interpret};
use super::{Reporter, at};
use crate::decimal::Decimal;
use crate::file::model::{PriceFile, PricePerName};
use crate::ir::{Amount, Model, ParamKind, Price, PricePer, PriceTable};

/// Checks `raw` against the model's (already checked) parameters; `None`
/// for `unknown` or a price with errors (reported).
pub(super) fn check_price(r: &mut Reporter<'_>, raw: &PriceFile, model: &Model) -> Option<Price> {
    let PriceFile::Documented(raw) = raw else {
        return None;
    };
    let errors_before = r.error_count();
    if raw.currency.len() != 3 || !raw.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        r.error(
            "price.currency",
            format!(
                "`{}` is not a currency code: expected three capital letters (ISO 4217, `USD`)",
                raw.currency
            ),
        );
    }
    if raw.source.trim().is_empty() {
        r.error(
            "price.source",
            "`source` is empty: quote the page's words for the price",
        );
    }
    let table = match (&raw.amount, &raw.by, &raw.amounts) {
        (Some(amount), None, None) => amount_of(r, "price.amount", *amount).map(PriceTable::Flat),
        (None, Some(parameter), Some(rows)) => by_parameter(r, parameter, &rows.0, model),
        (None, Some(_), None) => {
            r.error("price.by", "`by` needs `amounts`: an amount for each value");
            None
        }
        (None, None, Some(_)) => {
            r.error(
                "price.amounts",
                "`amounts` needs `by`: the parameter whose value picks the amount",
            );
            None
        }
        (Some(_), _, _) => {
            r.error(
                "price.amount",
                "give either one `amount` or `by` with `amounts`, not both",
            );
            None
        }
        (None, None, None) => {
            r.error(
                "price",
                "a documented price needs `amount` (one price) or `by` and `amounts` (a price per value); \
                 write `price: unknown` where the page states none",
            );
            None
        }
    };
    let per = match raw.per {
        PricePerName::Image => PricePer::Image,
        PricePerName::Request => PricePer::Request,
    };
    let table = table.filter(|_| r.error_count() == errors_before)?;
    Some(Price {
        currency: raw.currency.clone(),
        per,
        table,
        source: raw.source.trim().to_owned(),
    })
}

/// An amount the runtime keeps exactly: not negative, at most nine decimal
/// places.
fn amount_of(r: &mut Reporter<'_>, path: &str, amount: Decimal) -> Option<Amount> {
    let parsed = Amount::parse(&amount.to_string());
    if parsed.is_none() {
        r.error(
            path,
            format!(
                "`{amount}` is not a price: expected an amount of at least 0 with at most nine decimal places"
            ),
        );
    }
    parsed
}

/// `by: size` with `amounts: {1024*1024: 0.03, ...}`: the parameter picks
/// from a closed list (a `string` enum or an `image_size`), and each row
/// names a value it takes.
fn by_parameter(
    r: &mut Reporter<'_>,
    parameter: &str,
    rows: &[(String, Decimal)],
    model: &Model,
) -> Option<PriceTable> {
    let Some(param) = model.parameter(parameter) else {
        let names: Vec<&str> = model.parameters.iter().map(|p| p.name.as_str()).collect();
        r.error(
            "price.by",
            format!(
                "there is no parameter `{parameter}`; the model's parameters: {}",
                names.join(", ")
            ),
        );
        return None;
    };
    if !matches!(
        param.kind,
        ParamKind::Choice { .. } | ParamKind::ImageSize { .. }
    ) {
        r.error(
            "price.by",
            format!(
                "`{parameter}` is not a `string` with an `enum` or an `image_size`: a price can only \
                 depend on a parameter whose values can be listed"
            ),
        );
        return None;
    }
    if rows.is_empty() {
        r.error("price.amounts", "`amounts` is empty");
        return None;
    }
    let mut amounts = Vec::new();
    for (value, amount) in rows {
        let path = at("price.amounts", value);
        let allowed = interpret(&param.kind, value).and_then(|v| admit(param, &v));
        if let Err(message) = allowed {
            r.key_error(
                &path,
                format!("a priced value must be one `{parameter}` takes: {message}"),
            );
            continue;
        }
        if amounts.iter().any(|(seen, _)| seen == value) {
            r.key_error(&path, format!("`{value}` is priced twice"));
            continue;
        }
        if let Some(amount) = amount_of(r, &path, *amount) {
            amounts.push((value.clone(), amount));
        }
    }
    Some(PriceTable::By {
        parameter: parameter.to_owned(),
        amounts,
    })
}
