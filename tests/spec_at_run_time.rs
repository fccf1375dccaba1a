//! A model spec read at run time (`imagegen generate --spec`): its table,
//! built from the spec while the program runs, says exactly what the
//! generated `MODEL` static says, for every model imagegen ships. (That it
//! accepts and sends the same values is a fuzz target: tests/fuzz.rs.)

use imagegen::info::{ModelInfo, ParamInfo};

fn specs() -> imagegen_spec::ir::SpecSet {
    imagegen_spec::load(&imagegen_tests::workspace_root().join("specs")).unwrap()
}

#[test]
fn tables_built_at_run_time_equal_the_generated_ones() {
    let specs = specs();
    let mut compared = 0;
    for provider in &specs.providers {
        for model in &provider.models {
            let name = format!("{}/{}", provider.name, model.id);
            let (catalog, compiled) = imagegen::find_model(&name).unwrap();
            let built = imagegen_spec::info::leak_model_info(catalog.info, provider, model);
            let without_rows = |info: &ModelInfo| ModelInfo {
                parameters: &[],
                ..*info
            };
            assert_eq!(without_rows(built), without_rows(compiled.info), "{name}");
            assert_eq!(
                built.parameters.len(),
                compiled.info.parameters.len(),
                "{name}"
            );
            for (built, compiled) in built.parameters.iter().zip(compiled.info.parameters) {
                // Models of other providers a lone spec cannot know.
                let compiled = ParamInfo {
                    local_alternatives: &[],
                    ..*compiled
                };
                assert_eq!(*built, compiled, "{name} {}", compiled.name);
            }
            compared += 1;
        }
    }
    assert!(compared >= 30, "{compared} models");
}

#[test]
fn a_model_file_read_alone_names_a_provider_imagegen_knows() {
    let dir = tempfile::tempdir().unwrap();
    let root = imagegen_tests::workspace_root();
    let text = std::fs::read_to_string(root.join("specs/vibedream/z-image-turbo.yaml")).unwrap();

    let without = dir.path().join("without.yaml");
    std::fs::write(&without, &text).unwrap();
    let error = imagegen_spec::load_model_file(&without)
        .unwrap_err()
        .to_string();
    assert!(error.contains("without.yaml:1:1"), "{error}");
    assert!(
        error.contains("provider: <name>") && error.contains("wavespeed"),
        "{error}"
    );

    let unknown = dir.path().join("unknown.yaml");
    std::fs::write(&unknown, text.replacen("id: ", "provider: nobody\nid: ", 1)).unwrap();
    let error = imagegen_spec::load_model_file(&unknown)
        .unwrap_err()
        .to_string();
    let line = text.lines().position(|l| l.starts_with("id: ")).unwrap() + 1;
    assert!(
        error.contains(&format!("unknown.yaml:{line}:11")),
        "{error}"
    );
    assert!(
        error.contains("`nobody` is not a provider imagegen knows"),
        "{error}"
    );

    let named = dir.path().join("named.yaml");
    std::fs::write(
        &named,
        text.replacen("id: ", "provider: vibedream\nid: ", 1),
    )
    .unwrap();
    let provider = imagegen_spec::load_model_file(&named).unwrap();
    assert_eq!(provider.name, "vibedream");
    assert_eq!(provider.models.len(), 1);
    assert_eq!(provider.models[0].id, "z-image-turbo");
}

#[test]
fn in_a_provider_directory_a_model_naming_another_provider_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = imagegen_tests::workspace_root();
    let text = std::fs::read_to_string(root.join("specs/vibedream/z-image-turbo.yaml")).unwrap();
    let own = dir.path().join("vibedream");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(
        own.join("z-image-turbo.yaml"),
        text.replacen("id: ", "provider: wavespeed\nid: ", 1),
    )
    .unwrap();
    let error = imagegen_spec::load_own(dir.path()).unwrap_err().to_string();
    assert!(
        error.contains("names provider `wavespeed`, but it is read as a model of `vibedream`"),
        "{error}"
    );
}
