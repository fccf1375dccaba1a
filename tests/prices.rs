//! Every model's documented price, as its spec states it, reaches the
//! generated table unchanged, and a request's cost follows it: the amount
//! per image times the images asked for (the `means: count` parameter as
//! sent, else its default, else one), or per request, by the value of the
//! parameter a table prices by. Models come from the specs.

use imagegen_runtime::info::{Meaning, ModelInfo};
use imagegen_runtime::price::{PricePer, PriceTable};
use imagegen_spec::ir::{self, Model};
use serde_json::{Map, Value, json};

fn specs() -> ir::SpecSet {
    imagegen_spec::load(&imagegen_tests::workspace_root().join("specs"))
        .unwrap_or_else(|d| panic!("{d}"))
}

fn info_of(provider: &str, model: &Model) -> &'static ModelInfo {
    let id = format!("{provider}/{}", model.id);
    imagegen::find_model(&id)
        .unwrap_or_else(|| panic!("{id} is not in the catalog"))
        .1
        .info
}

fn body(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

#[test]
fn generated_prices_are_the_specs() {
    for provider in specs().providers {
        for model in &provider.models {
            let info = info_of(&provider.name, model);
            assert_eq!(info.source, model.source, "{}", model.id);
            match (&model.price, info.price) {
                (None, None) => {}
                (Some(spec), Some(generated)) => {
                    assert_eq!(generated.currency, spec.currency, "{}", model.id);
                    assert_eq!(generated.per, spec.per, "{}", model.id);
                    assert_eq!(generated.source, spec.source, "{}", model.id);
                    assert_eq!(generated.describe(), spec.describe(), "{}", model.id);
                }
                (spec, generated) => panic!("{}: spec {spec:?}, generated {generated:?}", model.id),
            }
        }
    }
}

#[test]
fn a_requests_cost_follows_the_documented_price() {
    for provider in specs().providers {
        for model in &provider.models {
            let info = info_of(&provider.name, model);
            let Some(price) = info.price else {
                continue;
            };
            let count = info.parameter_meaning(Meaning::Count);
            // The counts to try: the default (nothing sent), and where the
            // model takes a count, its bounds.
            let mut bodies = vec![Map::new()];
            if let Some(param) = count {
                let spec = model.parameter(param.name).expect("the count parameter");
                if let ir::ParamKind::Integer {
                    minimum, maximum, ..
                } = spec.kind
                {
                    for n in [minimum, maximum].into_iter().flatten() {
                        bodies.push(body(&[(param.name, json!(n))]));
                    }
                }
            }
            let images = |body: &Map<String, Value>| -> Option<u64> {
                let Some(param) = count else { return Some(1) };
                match body.get(param.name) {
                    Some(n) => n.as_u64(),
                    None => param.default.and_then(|d| d.parse().ok()),
                }
            };
            let rows: Vec<(Option<(&str, &str)>, _)> = match price.table {
                PriceTable::Flat(amount) => vec![(None, amount)],
                PriceTable::By { parameter, amounts } => amounts
                    .iter()
                    .map(|(value, amount)| (Some((parameter, *value)), *amount))
                    .collect(),
            };
            for base in &bodies {
                for (by, amount) in &rows {
                    let mut sent = base.clone();
                    if let Some((parameter, value)) = by {
                        sent.insert((*parameter).to_owned(), json!(value));
                    }
                    let cost = price.cost_of(info, &sent);
                    let expected = match price.per {
                        PricePer::Request => Some(*amount),
                        PricePer::Image => images(&sent).and_then(|n| amount.times(n)),
                    };
                    assert_eq!(cost.map(|c| c.amount), expected, "{} {sent:?}", model.id);
                    if let Some(cost) = cost {
                        assert_eq!(cost.currency, price.currency);
                    }
                }
            }
        }
    }
}
