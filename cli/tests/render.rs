
/// helm 3 (`PLIMSOLL_HELM3`, installed by the test command) renders the example chart to output
/// whose findings land where helm 4's do.
#[test]
fn helm_3_output_is_placed_as_helm_4_output_is() {
    let Some(helm3) = std::env::var_os("PLIMSOLL_HELM3") else {
        return skip_or_fail("PLIMSOLL_HELM3 names no helm 3 binary");
    };
    if !helm_available() {
        return skip_or_fail("helm is not installed");
    }
    let dir = root().join("testdata/examples/platform-repo");
    let helm3 = helm3.to_string_lossy().into_owned();
    let places = |extra: &[&str]| -> Vec<Expected> {
        let mut args = vec!["lint", "--format", "json", "--fail-on", "never"];
        args.extend(extra);
        args.push("charts");
        let run = plimsoll_in(&dir, &args);
        placed(&run.json())
    };
    let helm4 = places(&[]);
    assert!(!helm4.is_empty(), "the example chart has findings");
    assert_eq!(places(&["--helm", &helm3]), helm4);
}
