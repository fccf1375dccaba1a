//! Literals that break their spec do not compile, under `cargo check` too:
//! this run has no passing cases, so trybuild only runs `cargo check`.
//! Each case's expected compiler output is in `ui/fail/*.stderr`.

#[test]
fn invalid_literals_and_misuse_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/fail/*.rs");
}
