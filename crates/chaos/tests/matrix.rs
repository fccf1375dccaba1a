//! The fault matrix at CI size: every class, every model twice, against the
//! targets. The full run (`cargo xtask chaos`) is in RELIABILITY.md.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_class_meets_its_targets_on_every_model() {
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
    let models = imagegen_chaos::models(&specs).unwrap();
    let config = imagegen_chaos::Config::new(2 * models.len());
    let rows = imagegen_chaos::run(&models, &config).await.unwrap();
    let table = imagegen_chaos::report::table(&rows);
    assert_eq!(rows.len(), imagegen_chaos::classes::CLASSES.len());
    for row in &rows {
        assert!(row.generations > 0, "{table}");
        assert!(row.meets_targets(), "{}:\n{table}", row.class);
    }
}
