//! A client's budget, for every model the specs hold: a budget of exactly
//! one request's documented cost lets that request through and refuses the
//! next, unsent (the emulator's log shows one submission); a model whose
//! price the docs do not state is refused unless an assumed cost is given;
//! and at 200 submissions racing for a budget of 50, exactly 50 are sent.

mod emulated;

use std::sync::Arc;

use imagegen::args::Args;
use imagegen::runtime::ClientBuilder;
use imagegen_chaos::spec_values;
use imagegen_runtime::Error;
use imagegen_runtime::budget::Budget;
use imagegen_runtime::cost::{Cost, Currency, Money};
use imagegen_runtime::price::Amount;
use imagegen_sim::{Sim, SubmitOutcome};

fn accepted(sim: &Sim, provider: &str, model: &str) -> usize {
    sim.log()
        .submissions
        .iter()
        .filter(|s| {
            s.provider == provider
                && s.model.as_deref() == Some(model)
                && matches!(s.outcome, SubmitOutcome::Accepted { .. })
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_model_is_held_to_its_budget() {
    let specs = imagegen_spec::load(&imagegen_tests::workspace_root().join("specs")).unwrap();
    let sim = emulated::start_sim().await;
    let mut checked = 0;
    for provider in &specs.providers {
        for model in &provider.models {
            let name = format!("{}/{}", provider.name, model.id);
            let (entry, model_entry) = imagegen::find_model(&name).unwrap();
            let mut args = Args::new();
            for (key, value) in spec_values::request_values(model) {
                args = args.with(&key, &value);
            }
            let request = model_entry
                .parse(args)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let body = request.to_json().unwrap();
            let documented = Cost::documented(model_entry.info, body.as_object().unwrap());
            let connect = |budget: Budget, assumed: Option<Money>| {
                let mut builder = ClientBuilder::new()
                    .api_key(sim.api_key())
                    .base_url(sim.base_url(&provider.name))
                    .poll_policy(emulated::fast_polls())
                    .budget(budget);
                if let Some(assumed) = assumed {
                    builder = builder.unknown_cost_as(assumed);
                }
                entry.connect(builder).unwrap()
            };
            let before = accepted(&sim, &provider.name, &model.id);
            match documented.money() {
                Some(cost) => {
                    let client = connect(Budget::new(cost).unwrap(), None);
                    client
                        .submit(&request)
                        .await
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                    let refused = client.submit(&request).await.unwrap_err();
                    assert!(
                        matches!(refused, Error::OverBudget { .. }) && refused.was_not_sent(),
                        "{name}: {refused}"
                    );
                }
                None => {
                    let assumed = Money::new(Amount::new(1, 2), Currency::USD);
                    let client = connect(Budget::new(assumed).unwrap(), None);
                    let refused = client.submit(&request).await.unwrap_err();
                    assert!(
                        matches!(refused, Error::UnknownCost { .. }) && refused.was_not_sent(),
                        "{name}: {refused}"
                    );
                    assert!(refused.to_string().contains("unknown_cost_as"), "{refused}");
                    let client = connect(Budget::new(assumed).unwrap(), Some(assumed));
                    client
                        .submit(&request)
                        .await
                        .unwrap_or_else(|e| panic!("{name}: {e}"));
                }
            }
            assert_eq!(
                accepted(&sim, &provider.name, &model.id) - before,
                1,
                "{name}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, imagegen::models().count());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_submissions_never_spend_past_the_budget() {
    let specs = imagegen_spec::load(&imagegen_tests::workspace_root().join("specs")).unwrap();
    // The first model with a flat documented price, from the specs.
    let (provider, model, request, cost) = specs
        .providers
        .iter()
        .flat_map(|p| p.models.iter().map(move |m| (p, m)))
        .find_map(|(provider, model)| {
            let name = format!("{}/{}", provider.name, model.id);
            let (_, entry) = imagegen::find_model(&name)?;
            let mut args = Args::new();
            for (key, value) in spec_values::request_values(model) {
                args = args.with(&key, &value);
            }
            let request = entry.parse(args).ok()?;
            let body = request.to_json().ok()?;
            let cost = Cost::documented(entry.info, body.as_object()?).money()?;
            Some((provider, model, request, cost))
        })
        .expect("a model with a documented price");
    let sim = emulated::start_sim().await;
    let (amount, scale) = cost.amount.parts();
    let limit = Money::new(Amount::new(amount * 50, scale), cost.currency);
    let name = format!("{}/{}", provider.name, model.id);
    let (entry, _) = imagegen::find_model(&name).unwrap();
    let client = entry
        .connect(
            ClientBuilder::new()
                .api_key(sim.api_key())
                .base_url(sim.base_url(&provider.name))
                .budget(Budget::new(limit).unwrap()),
        )
        .unwrap();
    let request = Arc::new(request);
    let results = futures_util::future::join_all((0..200).map(|_| {
        let client = client.clone();
        let request = Arc::clone(&request);
        async move { client.submit(&request).await }
    }))
    .await;
    let sent = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(Error::OverBudget { .. })))
        .count();
    assert_eq!((sent, refused), (50, 150), "{name}");
    assert_eq!(accepted(&sim, &provider.name, &model.id), 50, "{name}");
}
