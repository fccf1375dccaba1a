//! `GET /api/v3/models`: WaveSpeed's model listing, served from the specs
//! in the shape WaveSpeed answers, and read back by `imagegen import` into
//! the very specs it was built from.

mod common;

use common::{http, read, start};
use imagegen_import::{Coverage, Json, apply, wavespeed};

async fn listing(sim: &imagegen_sim::Sim, key: &str) -> common::Answer {
    read(
        http()
            .get(format!("{}/api/v3/models", sim.base_url("wavespeed")))
            .bearer_auth(key)
            .send()
            .await
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_listing_has_the_documented_shape_and_needs_the_key() {
    let sim = start().await;
    let refused = listing(&sim, "wrong-key").await;
    assert_eq!(refused.status, 401);
    let answer = listing(&sim, sim.api_key()).await;
    assert_eq!(answer.status, 200);
    let json = answer.json();
    assert_eq!(json["code"], 200);
    assert_eq!(json["message"], "success");
    let models = json["data"].as_array().unwrap();
    let specs = sim.providers().find(|p| p.name == "wavespeed").unwrap();
    assert_eq!(models.len(), specs.models.len());
    for (model, spec) in models.iter().zip(&specs.models) {
        assert_eq!(model["model_id"], spec.id.as_str());
        let run = &model["api_schema"]["api_schemas"][0];
        assert_eq!(run["type"], "model_run");
        assert_eq!(run["method"], "POST");
        assert_eq!(run["api_path"], spec.submit_path.as_str());
        // Clients take the endpoint from `server`: this emulator's.
        assert_eq!(run["server"], sim.base_url("wavespeed").as_str());
        let schema = &run["request_schema"];
        for param in spec.parameters.iter().filter(|p| p.fixed.is_none()) {
            assert!(
                schema["properties"].get(&param.name).is_some(),
                "{} {}",
                spec.id,
                param.name
            );
        }
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let expected: Vec<&str> = spec
            .required_parameters()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(required, expected, "{}", spec.id);
    }
    sim.shutdown().await;
}

#[tokio::test]
async fn every_wavespeed_spec_survives_the_listing_and_an_import_unchanged() {
    let sim = start().await;
    let answer = listing(&sim, sim.api_key()).await;
    let document = Json::parse(std::str::from_utf8(&answer.body).unwrap()).unwrap();
    let import = wavespeed::import(&document, "GET /api/v3/models", &[]).unwrap();
    let provider = sim
        .providers()
        .find(|p| p.name == "wavespeed")
        .unwrap()
        .clone();
    assert_eq!(import.models.len(), provider.models.len());

    // The specs imagegen ships, as committed, in a directory of their own.
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in imagegen_spec::bundled::files() {
        if let Some(rest) = path.strip_prefix("wavespeed/") {
            let target = dir.path().join(rest);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, text).unwrap();
        }
    }
    let check = apply(&import, dir.path(), &provider, Coverage::Complete, true).unwrap();
    assert!(check.refused.is_empty(), "{:#?}", check.refused);
    assert!(check.changes.is_empty(), "{:#?}", check.changes);
    sim.shutdown().await;
}
