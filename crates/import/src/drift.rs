//! What changed between a committed spec and what its source says now,
//! each change classed by README's Versioning rules: breaking where a
//! value that was accepted would be refused, or something users name (a
//! model, a parameter, an enumerated value) goes away.

use imagegen_spec::Scalar;
use imagegen_spec::decimal::Decimal;
use imagegen_spec::file::model::{ModelFile, ParamTypeName, ParameterFile, PriceFile};

use crate::report::Change;

/// The changes from `committed` to `imported` for model `id`.
pub fn drift(id: &str, committed: Option<&ModelFile>, imported: Option<&ModelFile>) -> Vec<Change> {
    let mut changes = Changes {
        model: id,
        out: Vec::new(),
    };
    match (committed, imported) {
        (None, None) => {}
        (None, Some(_)) => changes.push(None, "model added".to_owned(), false),
        (Some(_), None) => changes.push(None, "model removed from the source".to_owned(), true),
        (Some(old), Some(new)) => model(&mut changes, old, new),
    }
    changes.out
}

struct Changes<'a> {
    model: &'a str,
    out: Vec<Change>,
}

impl Changes<'_> {
    fn push(&mut self, parameter: Option<&str>, what: String, breaking: bool) {
        self.out.push(Change {
            model: self.model.to_owned(),
            parameter: parameter.map(str::to_owned),
            what,
            breaking,
        });
    }
}

fn model(changes: &mut Changes<'_>, old: &ModelFile, new: &ModelFile) {
    for (key, before, after) in [
        (
            "display_name",
            Some(&old.display_name),
            Some(&new.display_name),
        ),
        ("summary", old.summary.as_ref(), new.summary.as_ref()),
    ] {
        if before != after {
            changes.push(None, format!("{key}: {before:?} → {after:?}"), false);
        }
    }
    if old.task != new.task {
        changes.push(
            None,
            format!("task: {:?} → {:?}", old.task, new.task),
            false,
        );
    }
    if price_text(&old.price) != price_text(&new.price) {
        changes.push(
            None,
            format!(
                "price: {} → {}",
                price_text(&old.price),
                price_text(&new.price)
            ),
            false,
        );
    }
    params(changes, "", &old.parameters, &new.parameters);
}

fn price_text(price: &PriceFile) -> String {
    match price {
        PriceFile::Unknown(_) => "unknown".to_owned(),
        PriceFile::Documented(price) => {
            let amounts = match (&price.amount, &price.amounts) {
                (Some(amount), _) => amount.to_string(),
                (None, Some(rows)) => rows
                    .0
                    .iter()
                    .map(|(value, amount)| format!("{value}: {amount}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                (None, None) => String::new(),
            };
            format!("{} {amounts} per {:?}", price.currency, price.per).to_lowercase()
        }
    }
}

/// Parameters (or an item's fields, `prefix` `loras[].`) by name.
fn params(changes: &mut Changes<'_>, prefix: &str, old: &[ParameterFile], new: &[ParameterFile]) {
    for before in old {
        let name = format!("{prefix}{}", before.name);
        match new.iter().find(|p| p.name == before.name) {
            None => changes.push(Some(&name), "removed".to_owned(), true),
            Some(after) => param(changes, &name, before, after),
        }
    }
    for after in new.iter().filter(|p| !old.iter().any(|o| o.name == p.name)) {
        let name = format!("{prefix}{}", after.name);
        let (what, breaking) = if after.required {
            ("added, required", true)
        } else {
            ("added", false)
        };
        changes.push(Some(&name), what.to_owned(), breaking);
    }
}

fn param(changes: &mut Changes<'_>, name: &str, old: &ParameterFile, new: &ParameterFile) {
    let mut push = |what: String, breaking: bool| changes.push(Some(name), what, breaking);
    if old.ty != new.ty || old.items != new.items || old.shape != new.shape {
        push(
            format!("type {} → {}", type_text(old), type_text(new)),
            true,
        );
        return;
    }
    if old.required != new.required {
        push(
            format!("required: {} → {}", old.required, new.required),
            new.required,
        );
    }
    if old.fixed != new.fixed {
        push(
            format!("fixed: {:?} → {:?}", text(&old.fixed), text(&new.fixed)),
            true,
        );
    }
    if old.default != new.default {
        push(
            format!("default: {} → {}", text(&old.default), text(&new.default)),
            false,
        );
    }
    if old.description != new.description {
        push("description changed".to_owned(), false);
    }
    // A lower bound raised or an upper bound lowered refuses values.
    bound(
        &mut push,
        "minimum",
        old.minimum,
        new.minimum,
        Direction::Lower,
    );
    bound(
        &mut push,
        "maximum",
        old.maximum,
        new.maximum,
        Direction::Upper,
    );
    // A step counts from the minimum (or 0): every value on the old grid
    // stays on the new one only if the new step divides the old and the
    // new grid's origin is a whole number of new steps from the old one.
    let origin = |minimum: Option<Decimal>| minimum.unwrap_or(Decimal::from_i64(0));
    let grid_kept = match (old.step, new.step) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(old_step), Some(new_step)) => {
            old_step.is_multiple_of(new_step)
                && origin(old.minimum)
                    .checked_sub(origin(new.minimum))
                    .is_some_and(|shift| shift.is_multiple_of(new_step))
        }
    };
    if old.step != new.step {
        push(
            format!(
                "step: {} → {}",
                decimal_text(old.step),
                decimal_text(new.step)
            ),
            !grid_kept,
        );
    } else if !grid_kept {
        push(
            format!(
                "the steps of {} now count from {} instead of {}",
                decimal_text(new.step),
                decimal_text(Some(origin(new.minimum))),
                decimal_text(Some(origin(old.minimum)))
            ),
            true,
        );
    }
    count(
        &mut push,
        "min_length",
        old.min_length,
        new.min_length,
        Direction::Lower,
    );
    count(
        &mut push,
        "max_length",
        old.max_length,
        new.max_length,
        Direction::Upper,
    );
    count(
        &mut push,
        "min_items",
        old.min_items,
        new.min_items,
        Direction::Lower,
    );
    count(
        &mut push,
        "max_items",
        old.max_items,
        new.max_items,
        Direction::Upper,
    );
    let values = |p: &ParameterFile| -> Vec<String> {
        p.values
            .iter()
            .flatten()
            .map(|v| v.as_str().to_owned())
            .collect()
    };
    let (before, after) = (values(old), values(new));
    if old.values.is_some() != new.values.is_some() {
        push(
            format!(
                "{} → {}",
                if before.is_empty() {
                    "any value".to_owned()
                } else {
                    format!("one of {}", before.join(", "))
                },
                if after.is_empty() {
                    "any value".to_owned()
                } else {
                    format!("one of {}", after.join(", "))
                },
            ),
            new.values.is_some(),
        );
    } else {
        for value in before.iter().filter(|v| !after.contains(v)) {
            push(format!("value `{value}` removed"), true);
        }
        for value in after.iter().filter(|v| !before.contains(v)) {
            push(format!("value `{value}` added"), false);
        }
    }
    let edges = |p: &ParameterFile| {
        p.custom
            .as_ref()
            .map(|c| (c.min_edge.map(u64::from), c.max_edge.map(u64::from)))
    };
    match (edges(old), edges(new)) {
        (Some((old_min, old_max)), Some((new_min, new_max))) => {
            count(
                &mut push,
                "custom min_edge",
                old_min,
                new_min,
                Direction::Lower,
            );
            count(
                &mut push,
                "custom max_edge",
                old_max,
                new_max,
                Direction::Upper,
            );
        }
        (None, Some(_)) => push("custom sizes now taken".to_owned(), false),
        (Some(_), None) => push("custom sizes no longer taken".to_owned(), true),
        (None, None) => {}
    }
    if let (Some(old_fields), Some(new_fields)) = (&old.properties, &new.properties) {
        params(changes, &format!("{name}[]."), old_fields, new_fields);
    }
}

#[derive(Clone, Copy)]
enum Direction {
    /// A lower bound: raising it refuses values.
    Lower,
    /// An upper bound: lowering it refuses values.
    Upper,
}

fn bound(
    push: &mut impl FnMut(String, bool),
    key: &str,
    old: Option<Decimal>,
    new: Option<Decimal>,
    direction: Direction,
) {
    if old == new {
        return;
    }
    let narrower = match (old, new) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(old), Some(new)) => match direction {
            Direction::Lower => new > old,
            Direction::Upper => new < old,
        },
    };
    push(
        format!("{key}: {} → {}", decimal_text(old), decimal_text(new)),
        narrower,
    );
}

fn count(
    push: &mut impl FnMut(String, bool),
    key: &str,
    old: Option<u64>,
    new: Option<u64>,
    direction: Direction,
) {
    bound(
        push,
        key,
        old.and_then(|n| i64::try_from(n).ok())
            .map(Decimal::from_i64),
        new.and_then(|n| i64::try_from(n).ok())
            .map(Decimal::from_i64),
        direction,
    );
}

fn decimal_text(value: Option<Decimal>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| v.to_string())
}

fn text(value: &Option<Scalar>) -> String {
    value
        .as_ref()
        .map_or_else(|| "none".to_owned(), |v| format!("`{}`", v.as_str()))
}

fn type_text(param: &ParameterFile) -> String {
    let base = format!("{:?}", param.ty).to_lowercase();
    match (param.ty, param.items, param.shape) {
        (ParamTypeName::Array, Some(items), _) => format!("array of {items:?}").to_lowercase(),
        (_, _, Some(shape)) => format!("{base} ({shape:?})").to_lowercase(),
        _ => base,
    }
}
