//! vigil over HTTPS: a TLS front with a certificate made in the test, in
//! front of the reference service, reached by both clients (the
//! appropriateness phase and the load phase).

mod common;
use common::*;
use std::path::Path;
use vigil::reference::Mode;

/// A short gate: a small corpus, two variants per case, a one-second load.
fn short_gate(
    out: &Path,
    corpus: &Path,
    extra: &[&str],
) -> (i32, String, serde_json::Value, serde_json::Value) {
    let mut args = vec![
        "--corpus",
        corpus.to_str().unwrap(),
        "--variants",
        "2",
        "--rate",
        "20",
        "--duration-s",
        "1",
        "--warmup-s",
        "0",
        "--p99-budget-ms",
        "1000",
        "--format",
        "json",
        "-q",
    ];
    args.extend_from_slice(extra);
    gate_files(out, &args)
}

/// The load phase went through: answers came back, none was an error.
/// (Its latency verdict depends on the machine, so it is not asserted.)
fn load_went_through(summary: &serde_json::Value) {
    for e in ["sentinel", "medical"] {
        let l = &summary["latency"][e];
        assert_eq!(l["errors"], 0, "{e}: {l}");
        assert!(l["samples"].as_u64().unwrap() > 0, "{e}: {l}");
    }
}

fn write(dir: &Path, name: &str, s: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, s).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn https_gives_the_same_verdict_as_http_and_needs_the_ca() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let corpus = small_corpus(tmp.path(), &["medical-emergency.toml", "en-gb.toml"]);
    let upstream = reference(Mode::Reference);
    let pki = Pki::new(&["127.0.0.1"], false);
    let front = tls_front(upstream, pki.server.clone());
    let ca = write(tmp.path(), "ca.pem", &pki.ca_pem);

    let http = format!("http://{upstream}");
    let (c1, t1, g1, _) = short_gate(&tmp.path().join("http"), &corpus, &["--target", &http]);
    let https = format!("https://127.0.0.1:{}", front.port());
    let (_, t2, g2, s2) = short_gate(
        &tmp.path().join("https"),
        &corpus,
        &["--target", &https, "--ca-cert", &ca],
    );
    assert_ne!(c1, 1, "{t1}");
    assert_eq!(g1["inappropriate_total"], 0, "{t1}");
    assert_eq!(g2["inappropriate_total"], 0, "{t2}");
    assert_eq!(g2["responses_total"], g1["responses_total"]);
    assert!(g1["responses_total"].as_u64().unwrap() > 10, "{g1}");
    load_went_through(&s2);

    // Without the private CA: exit 3, one line naming the host and why.
    let corpus = corpus.to_str().unwrap();
    let out = tmp.path().join("no-ca");
    let o = vigil(&[
        "gate",
        "--target",
        &https,
        "--corpus",
        corpus,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 3, "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("127.0.0.1") && err.contains("does not trust"),
        "{err}"
    );

    // A certificate for another name.
    let other = Pki::new(&["sentinel.staging.example.org"], false);
    let front = tls_front(upstream, other.server.clone());
    let ca = write(tmp.path(), "other.pem", &other.ca_pem);
    let url = format!("https://127.0.0.1:{}", front.port());
    let out = tmp.path().join("name");
    let o = vigil(&[
        "gate",
        "--target",
        &url,
        "--ca-cert",
        &ca,
        "--corpus",
        corpus,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 3, "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("certificate is not valid for 127.0.0.1"),
        "{err}"
    );
}

#[test]
fn mutual_tls_sends_the_client_certificate() {
    let _serial = serial();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let corpus = small_corpus(dir, &["en-gb.toml"]);
    let pki = Pki::new(&["127.0.0.1"], true);
    let front = tls_front(reference(Mode::Reference), pki.server.clone());
    let https = format!("https://127.0.0.1:{}", front.port());
    let ca = write(dir, "ca.pem", &pki.ca_pem);
    let (cert, key) = pki.client();
    let (cert, key) = (
        write(dir, "client.pem", &cert),
        write(dir, "client.key", &key),
    );
    let (_, t, g, s) = short_gate(
        &dir.join("mtls"),
        &corpus,
        &[
            "--target",
            &https,
            "--ca-cert",
            &ca,
            "--client-cert",
            &cert,
            "--client-key",
            &key,
        ],
    );
    assert_eq!(g["inappropriate_total"], 0, "{t}");
    load_went_through(&s);
    // Without the client certificate the service refuses the connection.
    let (c, t, _, _) = short_gate(
        &dir.join("no-cert"),
        &corpus,
        &["--target", &https, "--ca-cert", &ca],
    );
    assert_eq!(c, 3, "{t}");
    // A key file that holds no key is invalid input, named.
    let (c, t, _, _) = short_gate(
        &dir.join("bad-key"),
        &corpus,
        &[
            "--target",
            &https,
            "--ca-cert",
            &ca,
            "--client-cert",
            &cert,
            "--client-key",
            &ca,
        ],
    );
    assert_eq!(c, 2, "{t}");
    assert!(t.contains("ca.pem"), "{t}");
}
