//! TLS for both of vigil's clients (reqwest for the appropriateness phase,
//! the hyper-based load client): one rustls configuration built from the
//! machine's trusted roots, any private CA given with `--ca-cert`, and an
//! optional client certificate for services behind mutual TLS. A certificate
//! the service presents and vigil cannot trust is described in one line
//! naming the host and the reason.

use super::TargetError;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{CertificateError, ClientConfig, RootCertStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where vigil's TLS trust and identity come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// PEM file of extra trusted CA certificates (for private CAs).
    pub ca_cert: Option<PathBuf>,
    /// PEM client certificate chain for mutual TLS…
    pub client_cert: Option<PathBuf>,
    /// …and its PEM private key.
    pub client_key: Option<PathBuf>,
}

fn bad(path: &Path, reason: impl Into<String>) -> TargetError {
    TargetError::Tls {
        path: path.display().to_string(),
        reason: reason.into(),
    }
}

fn certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TargetError> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| bad(path, e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(path, e.to_string()))?;
    if certs.is_empty() {
        return Err(bad(path, "no PEM certificate in the file"));
    }
    Ok(certs)
}

impl TlsSettings {
    /// The rustls client configuration: system roots, plus the CA file,
    /// plus the client identity. Errors name the file at fault (exit 2).
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, TargetError> {
        let mut roots = RootCertStore::empty();
        // Unreadable system roots are not fatal: a private CA may be all
        // that is needed, and an untrusted service certificate still fails
        // with its own clear reason.
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if let Some(path) = &self.ca_cert {
            for c in certs(path)? {
                roots
                    .add(c)
                    .map_err(|e| bad(path, format!("not a usable CA certificate ({e})")))?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TargetError::Tls {
                path: String::new(),
                reason: e.to_string(),
            })?
            .with_root_certificates(roots);
        let mut config = match (&self.client_cert, &self.client_key) {
            (None, None) => builder.with_no_client_auth(),
            (Some(cert), Some(key)) => {
                let chain = certs(cert)?;
                let key = PrivateKeyDer::from_pem_file(key)
                    .map_err(|e| bad(key, format!("no usable PEM private key ({e})")))?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| bad(cert, e.to_string()))?
            }
            (Some(p), None) | (None, Some(p)) => {
                return Err(bad(p, "--client-cert and --client-key go together"))
            }
        };
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// The reason a TLS handshake with `host` failed, in one line, when `e` (or
/// one of its causes) is a TLS error.
pub fn certificate_problem(e: &(dyn std::error::Error + 'static), host: &str) -> Option<String> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        // io::Error hides the error it wraps from `source`.
        let inner = err
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|i| i as &(dyn std::error::Error + 'static));
        for candidate in [Some(err), inner].into_iter().flatten() {
            if let Some(t) = candidate.downcast_ref::<rustls::Error>() {
                return Some(describe(t, host));
            }
        }
        // Some layers box the error again, which hides its type: read
        // rustls's own words then.
        if let Some(rest) = err.to_string().split("invalid peer certificate: ").nth(1) {
            return Some(describe_named(rest, host));
        }
        cur = err.source();
    }
    None
}

/// The same, from rustls's description of a certificate error.
fn describe_named(name: &str, host: &str) -> String {
    let known = [
        ("NotValidForName", CertificateError::NotValidForName),
        (
            "certificate not valid for name",
            CertificateError::NotValidForName,
        ),
        ("certificate expired", CertificateError::Expired),
        ("certificate not valid yet", CertificateError::NotValidYet),
        ("UnknownIssuer", CertificateError::UnknownIssuer),
        ("Expired", CertificateError::Expired),
        ("NotValidYet", CertificateError::NotValidYet),
    ];
    match known.into_iter().find(|(n, _)| name.starts_with(n)) {
        Some((_, e)) => describe(&rustls::Error::InvalidCertificate(e), host),
        None => format!("certificate of {host} was refused ({})", name.trim()),
    }
}

fn describe(e: &rustls::Error, host: &str) -> String {
    let cert = match e {
        rustls::Error::InvalidCertificate(c) => c,
        other => return format!("TLS with {host} failed: {other}"),
    };
    match cert {
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            format!("certificate is not valid for {host}")
        }
        CertificateError::UnknownIssuer => format!(
            "certificate of {host} is signed by an authority vigil does not trust (give a private CA with --ca-cert)"
        ),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            format!("certificate of {host} has expired")
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            format!("certificate of {host} is not valid yet")
        }
        other => format!("certificate of {host} was refused ({other:?})"),
    }
}
