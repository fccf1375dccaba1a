//! What WaveSpeed's emulated account answers about money: the price of one
//! request with exactly its inputs (its Pricing API), from the spec's
//! documented price, and the balance its predictions draw down; a client
//! that quotes counts the quote against its budget, and sends nothing it
//! cannot price.

mod emulated;

use imagegen_runtime::budget::Budget;
use imagegen_runtime::cost::{Cost, Currency, Money};
use imagegen_runtime::price::Amount;
use std::time::Duration;

use imagegen_runtime::Error;
use imagegen_vibedream::VibeDream;
use imagegen_wavespeed::WaveSpeed;
use imagegen_wavespeed::wavespeed_ai_flux_dev::{NumImages, Request};

use emulated::{builder, client, refusing_port, start_sim};

fn usd(units: u64, scale: u8) -> Money {
    Money::new(Amount::new(units, scale), Currency::USD)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_follow_the_inputs_and_the_balance_goes_down() {
    let sim = start_sim().await;
    let wavespeed = client::<WaveSpeed>(&sim);
    let one = Request::new("a fox");
    let two = Request::new("a fox").num_images(NumImages::try_new(2).unwrap());
    let price = wavespeed.quote(&one).await.unwrap();
    assert_eq!(price, usd(12, 3), "flux-dev's documented $0.012 an image");
    assert_eq!(
        wavespeed.quote(&two).await.unwrap().amount,
        price.amount.times(2).unwrap()
    );
    let before = wavespeed.balance().await.unwrap();
    assert_eq!(before, usd(100, 0));
    wavespeed.submit(&two).await.unwrap();
    let after = wavespeed.balance().await.unwrap();
    assert_eq!(
        after.amount.checked_add(price.amount.times(2).unwrap()),
        Some(before.amount)
    );
    // A provider without the endpoints says so.
    let vibedream = client::<VibeDream>(&sim);
    assert!(matches!(
        vibedream.balance().await.unwrap_err(),
        Error::InvalidConfig { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quoting_client_counts_the_quote_and_sends_nothing_it_cannot_price() {
    let sim = start_sim().await;
    let budget = Budget::new(usd(1, 0)).unwrap();
    let client = builder::<WaveSpeed>(&sim)
        .budget(budget.clone())
        .quote_costs(true)
        .build()
        .unwrap();
    let prediction = client.submit(&Request::new("a quoted fox")).await.unwrap();
    let Cost::Quoted(quoted) = prediction.cost() else {
        panic!("expected a quoted cost, got {:?}", prediction.cost());
    };
    assert_eq!(budget.committed(), quoted);
    // The pricing endpoint out of reach: the request is not sent, nothing
    // is held.
    let unreachable = builder::<WaveSpeed>(&sim)
        .base_url(format!("http://127.0.0.1:{}", refusing_port()))
        .overall_timeout(Duration::from_millis(500))
        .budget(budget.clone())
        .quote_costs(true)
        .build()
        .unwrap();
    let error = unreachable
        .submit(&Request::new("an unpriced fox"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::NotQuoted { .. }), "{error:?}");
    assert!(error.was_not_sent());
    assert!(error.to_string().contains("nothing was paid"), "{error}");
    assert_eq!(budget.committed(), quoted);
    assert_eq!(sim.log().submissions.len(), 1);
    let refused = builder::<VibeDream>(&sim)
        .quote_costs(true)
        .build()
        .unwrap_err();
    assert!(
        refused.to_string().contains("no pricing endpoint"),
        "{refused}"
    );
}
