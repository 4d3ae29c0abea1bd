//! Helpers shared by the end-to-end tests: the `vigil` binary run as a user
//! would, `vigil serve` children on ports the OS picks, small corpora, and
//! for tests that run services in the test process: a runtime for them,
//! axum mocks, the reference service, certificates made on the spot and a
//! TLS front.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, OnceLock};

pub const VIGIL: &str = env!("CARGO_BIN_EXE_vigil");

/// The tests run one at a time: load phases measure latency, and two
/// runs sharing two cores would measure each other.
pub static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `vigil serve` child process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Server {
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(VIGIL)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("vigil serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout piped"))
            .read_line(&mut line)
            .expect("vigil serve prints its address");
        let url = line.trim().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "first line is the URL: {url:?}"
        );
        Server { child, url }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn vigil(args: &[&str]) -> Output {
    Command::new(VIGIL)
        .args(args)
        .current_dir(repo())
        .output()
        .expect("vigil runs")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally, not by a signal")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file written")).expect("valid JSON")
}

/// A small corpus: the shipped resources, rules and taxonomy plus the given
/// files.
pub fn small_corpus(dir: &Path, files: &[&str]) -> PathBuf {
    let c = dir.join("corpus");
    std::fs::create_dir_all(&c).unwrap();
    for f in ["resources.toml", "rules.toml", "taxonomy.toml"]
        .iter()
        .chain(files)
    {
        std::fs::copy(repo().join("corpora").join(f), c.join(f)).unwrap();
    }
    c
}

pub fn gate(out: &Path, extra: &[&str]) -> (i32, String, serde_json::Value) {
    let mut args = vec!["gate", "--out", out.to_str().unwrap()];
    // A generous deadline, unless the test sets its own.
    if !extra.contains(&"--deadline-s") {
        args.extend_from_slice(&["--deadline-s", "300"]);
    }
    args.extend_from_slice(extra);
    let o = vigil(&args);
    let summary = if out.join("summary.json").exists() {
        json(&out.join("summary.json"))
    } else {
        serde_json::Value::Null
    };
    (code(&o), text(&o), summary)
}

/// The checklist item `id` of a `gate.json`.
pub fn item<'a>(gate: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    gate["checklist"]
        .as_array()
        .expect("checklist is a list")
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no checklist item {id} in {gate}"))
}

/// Asserts the status of checklist item `id`.
pub fn check_status(gate: &serde_json::Value, id: &str, expected: &str) {
    assert_eq!(
        item(gate, id)["status"],
        expected,
        "{id}: {}",
        item(gate, id)
    );
}

/// A gate of one small corpus file (no variants, no load) with `extra`.
pub fn small_gate(
    tmp: &Path,
    file: &str,
    out: &str,
    extra: &[&str],
) -> (i32, String, serde_json::Value) {
    let corpus = small_corpus(tmp, &[file]);
    let args = [
        &[
            "--corpus",
            corpus.to_str().unwrap(),
            "--variants",
            "0",
            "--no-load",
        ],
        extra,
    ]
    .concat();
    gate(&tmp.join(out), &args)
}

/// The runtime the in-process servers live on, for the whole test binary.
pub fn rt() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// The embedded reference service (or its naive mode) on 127.0.0.1:0,
/// running until the test binary ends.
pub fn reference(mode: vigil::reference::Mode) -> SocketAddr {
    rt().block_on(async {
        let cfg = vigil::reference::ServiceConfig::new(mode, Default::default());
        let running = vigil::reference::spawn(cfg, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let addr = running.addr;
        std::mem::forget(running);
        addr
    })
}

/// Serves `router` on 127.0.0.1:0 until the test binary ends.
pub fn serve(router: axum::Router) -> String {
    rt().block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        format!("http://{addr}")
    })
}

/// A gate run: exit code, output, gate.json and summary.json (or null).
pub fn gate_files(
    out: &Path,
    args: &[&str],
) -> (i32, String, serde_json::Value, serde_json::Value) {
    let mut all = vec![
        "gate",
        "--out",
        out.to_str().unwrap(),
        "--deadline-s",
        "240",
    ];
    all.extend_from_slice(args);
    let o = vigil(&all);
    let read = |f: &str| {
        let p = out.join(f);
        if p.exists() {
            json(&p)
        } else {
            serde_json::Value::Null
        }
    };
    (code(&o), text(&o), read("gate.json"), read("summary.json"))
}

/// A certificate authority and a server certificate it signed for
/// 127.0.0.1, as PEM, with the server's rustls configuration.
pub struct Pki {
    pub ca_pem: String,
    pub server: Arc<rustls::ServerConfig>,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl Pki {
    /// `client_ca`: the server asks for a client certificate signed by
    /// this CA (mutual TLS).
    pub fn new(names: &[&str], mutual: bool) -> Pki {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca_cert = params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(params, ca_key);
        let (cert, key) = Self::leaf(&issuer, names);
        let builder = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap();
        let builder = if mutual {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(ca_cert.der().clone()).unwrap();
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                roots.into(),
                provider(),
            )
            .build()
            .unwrap();
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        let server = builder
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .unwrap();
        Pki {
            ca_pem: ca_cert.pem(),
            server: Arc::new(server),
            issuer,
        }
    }

    fn leaf(
        issuer: &rcgen::Issuer<'static, rcgen::KeyPair>,
        names: &[&str],
    ) -> (rcgen::Certificate, rcgen::KeyPair) {
        let key = rcgen::KeyPair::generate().unwrap();
        let params =
            rcgen::CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        (params.signed_by(&key, issuer).unwrap(), key)
    }

    /// A client certificate and key (PEM) signed by this CA.
    pub fn client(&self) -> (String, String) {
        let (cert, key) = Self::leaf(&self.issuer, &["vigil-client"]);
        (cert.pem(), key.serialize_pem())
    }
}

/// A TLS front on 127.0.0.1:0 that passes every connection on to
/// `upstream` in plain TCP, until the test binary ends.
pub fn tls_front(upstream: SocketAddr, config: Arc<rustls::ServerConfig>) -> SocketAddr {
    rt().block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(config);
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(sock).await else {
                        return;
                    };
                    let Ok(mut up) = tokio::net::TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                });
            }
        });
        addr
    })
}
