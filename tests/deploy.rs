//! The deployment recipes hold together: the Kubernetes manifests in
//! `deploy/k8s/` are Kubernetes objects (an Indexed Job of N shards, a merge
//! Job, their ConfigMap and volume), the CI example runs N shards and merges
//! them, and every vigil flag they use exists. Parsed with a YAML parser;
//! nothing is sent to a cluster.

mod common;

use common::*;
use serde_yaml_ng::Value;
use std::collections::BTreeSet;

fn docs(rel: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap_or_else(|e| panic!("{rel}: {e}")))
        .collect()
}

fn find<'a>(all: &'a [Value], kind: &str, name: &str) -> &'a Value {
    all.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v:?}"))
}

/// Every `--flag` of the `vigil <command>` line of `script` (with its
/// continuation lines) is a flag of that command.
fn check_flags(script: &str, command: &str) {
    let help = text(&vigil(&[command, "--help"]));
    let mut line = String::new();
    for l in script
        .lines()
        .skip_while(|l| !l.contains(&format!("vigil {command} ")))
    {
        line.push_str(l);
        line.push(' ');
        if !l.trim_end().ends_with('\\') {
            break;
        }
    }
    let used: BTreeSet<&str> = line
        .split(|c: char| c.is_whitespace() || c == '=')
        .filter(|w| w.starts_with("--"))
        .collect();
    assert!(!used.is_empty(), "{script}");
    for f in used {
        assert!(help.contains(f), "vigil {command} has no {f}:\n{help}");
    }
}

#[test]
fn the_kubernetes_manifests_are_an_indexed_job_of_shards_and_a_merge_job() {
    let mut all = docs("deploy/k8s/config.yaml");
    all.extend(docs("deploy/k8s/shards-job.yaml"));
    all.extend(docs("deploy/k8s/merge-job.yaml"));
    for d in &all {
        assert!(
            d["apiVersion"].is_string() && d["kind"].is_string(),
            "{d:?}"
        );
        assert!(d["metadata"]["name"].is_string(), "{d:?}");
    }
    let config = &find(&all, "ConfigMap", "vigil-config")["data"];
    let shards: u64 = s(&config["VIGIL_SHARDS"]).parse().unwrap();
    find(&all, "PersistentVolumeClaim", "vigil-results");

    let job = find(&all, "Job", "vigil-shards");
    assert_eq!(job["apiVersion"], "batch/v1");
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    assert_eq!(spec["completions"].as_u64(), Some(shards));
    assert_eq!(spec["parallelism"].as_u64(), Some(shards));
    let merge = find(&all, "Job", "vigil-merge");
    assert_eq!(merge["spec"]["backoffLimit"], 0);

    for (job, command) in [(job, "gate"), (merge, "merge")] {
        let pod = &job["spec"]["template"]["spec"];
        assert_eq!(pod["restartPolicy"], "Never");
        assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
        assert_eq!(
            pod["volumes"][0]["persistentVolumeClaim"]["claimName"],
            "vigil-results"
        );
        let c = &pod["containers"][0];
        assert_eq!(c["envFrom"][0]["configMapRef"]["name"], "vigil-config");
        let script = s(&c["args"][0]);
        assert!(script.contains(&format!("vigil {command} ")), "{script}");
        check_flags(script, command);
        // Every variable the script reads is in the ConfigMap or set by
        // Kubernetes (or by the Secret, as a header template).
        for var in script.split("$").skip(1) {
            let name: String = var
                .trim_start_matches('{')
                .trim_start_matches('"')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let assigned = script.contains(&format!("{name}=$"));
            let known = ["JOB_COMPLETION_INDEX", "API_TOKEN", ""].contains(&name.as_str())
                || assigned
                || config[name.as_str()].is_string();
            assert!(known, "{command}: ${name} is set nowhere");
        }
    }
    let shard_script = s(&job["spec"]["template"]["spec"]["containers"][0]["args"][0]);
    assert!(shard_script.contains("--shards \"$VIGIL_SHARDS\""));
    assert!(shard_script.contains("--run-id \"$VIGIL_RUN_ID\""));
    let env = &job["spec"]["template"]["spec"]["containers"][0]["env"][0];
    assert_eq!(env["valueFrom"]["secretKeyRef"]["name"], "vigil-headers");
}

#[test]
fn the_ci_example_runs_every_shard_and_merges_them() {
    let w = &docs("examples/ci/sharded.yml")[0];
    let shards: u64 = w["env"]["SHARDS"].as_u64().unwrap();
    let matrix = w["jobs"]["shard"]["strategy"]["matrix"]["shard"]
        .as_sequence()
        .unwrap();
    let indices: Vec<u64> = matrix.iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(indices, (0..shards).collect::<Vec<_>>());
    let merge = &w["jobs"]["merge"];
    assert_eq!(merge["needs"], "shard");
    assert_eq!(merge["if"], "always()");
    let steps = |job: &str| -> String {
        w["jobs"][job]["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|st| st["run"].as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let shard = steps("shard");
    assert!(shard.contains("vigil gate --shard"), "{shard}");
    check_flags(&shard, "gate");
    let merged = steps("merge");
    assert!(
        merged.contains("vigil merge shards/vigil-shard-*"),
        "{merged}"
    );
}

#[test]
fn the_image_runs_as_an_unprivileged_user_with_the_corpus() {
    let d = std::fs::read_to_string(repo().join("Dockerfile")).unwrap();
    let stages = d.lines().filter(|l| l.starts_with("FROM ")).count();
    assert_eq!(stages, 2, "build, then runtime");
    let last_user = d.lines().rfind(|l| l.starts_with("USER ")).unwrap();
    assert!(
        !last_user.contains("root") && !last_user.contains(" 0"),
        "{last_user}"
    );
    for path in ["corpora", "profiles", "/usr/local/bin/vigil"] {
        assert!(d.contains(path), "the image holds {path}");
    }
}

#[test]
fn the_nightly_example_has_its_permissions_baseline_secrets_cache_and_regression_gate() {
    let w = &docs("examples/ci/nightly.yml")[0];
    let perms = &w["permissions"];
    for (scope, level) in [
        ("contents", "read"),
        ("actions", "read"),
        ("checks", "write"),
    ] {
        assert_eq!(perms[scope], level, "permission {scope}");
    }
    let steps = w["jobs"]["gate"]["steps"].as_sequence().unwrap();
    let step = |name: &str| -> &Value {
        steps
            .iter()
            .find(|st| st["name"].as_str().is_some_and(|n| n.starts_with(name)))
            .unwrap_or_else(|| panic!("no step {name}"))
    };
    let run = |name: &str| s(&step(name)["run"]).to_string();
    // The baseline: the last completed night, whatever its conclusion.
    let fetch = run("Fetch the last completed night");
    assert!(
        fetch.contains("gh run list") && fetch.contains("--status completed"),
        "{fetch}"
    );
    assert!(!fetch.contains("success"), "{fetch}");
    assert!(fetch.contains("gh run download"), "{fetch}");
    // Target and header secret from repository secrets, the header as a
    // template vigil resolves (single quotes: the shell leaves it alone).
    let gate = step("Run the gate");
    assert_eq!(
        gate["env"]["VIGIL_TARGET_URL"],
        "${{ secrets.VIGIL_TARGET_URL }}"
    );
    assert_eq!(gate["env"]["VIGIL_TOKEN"], "${{ secrets.VIGIL_TOKEN }}");
    let g = run("Run the gate");
    assert!(
        g.contains("--header 'Authorization: Bearer ${VIGIL_TOKEN}'"),
        "{g}"
    );
    assert!(g.contains("report.md\" >> \"$GITHUB_STEP_SUMMARY\""), "{g}");
    check_flags(&g, "gate");
    // vigil built once per commit and cached.
    let cache = step("Restore vigil");
    assert!(s(&cache["uses"]).starts_with("actions/cache@"));
    assert!(s(&cache["with"]["key"]).contains("steps.rev.outputs.sha"));
    assert_eq!(
        step("Install vigil")["if"],
        "steps.cache.outputs.cache-hit != 'true'"
    );
    // `vigil diff` decides, and the reports of every night are kept.
    let d = run("Compare with the last completed night");
    assert!(d.contains("vigil diff last-night tonight"), "{d}");
    assert!(run("Verdict").contains("$DIFF"));
    assert!(s(&step("Publish the reports")["if"]).starts_with("always()"));
    assert!(
        s(&step("Publish the JUnit check")["uses"]).starts_with("mikepenz/action-junit-report@")
    );
}
