//! The valid counterparts of the compile-fail cases compile and run.

#[test]
fn valid_literals_compile_and_run() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
}
