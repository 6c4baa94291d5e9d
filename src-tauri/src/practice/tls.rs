//! The practice site's optional https: a certificate and key in PEM, turned into a rustls
//! acceptor (ring, as reqwest uses) that wraps each accepted connection before hyper reads it.
//! Tests use it to stand in for a site behind a company's TLS-inspecting proxy.

use super::PracticeError;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// A TLS acceptor serving `cert_pem` (the leaf first, then any intermediates) with `key_pem`.
pub(super) fn acceptor(cert_pem: &[u8], key_pem: &[u8]) -> Result<TlsAcceptor, PracticeError> {
    let bad =
        |setting: &'static str, reason: String| PracticeError::InvalidSetting { setting, reason };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| {
            bad(
                "--tls-cert",
                format!("the certificate file is not PEM ({e})"),
            )
        })?;
    if certs.is_empty() {
        return Err(bad(
            "--tls-cert",
            "the file holds no certificate (expected -----BEGIN CERTIFICATE-----)".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| {
        bad(
            "--tls-key",
            format!("the file holds no usable private key ({e})"),
        )
    })?;
    // An explicit provider: the process-wide default is not set, and need not be.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| bad("--tls-cert", e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            bad(
                "--tls-key",
                format!("the key does not fit the certificate ({e})"),
            )
        })?;
    // The server speaks HTTP/1.1 only: say so, so a client never tries HTTP/2 on it.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
