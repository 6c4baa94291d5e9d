//! Throwaway certificates, made fresh for each test: a CA standing in for a company's
//! TLS-inspecting proxy root, and a site certificate it signed.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};

/// A CA and a leaf certificate it signed, all in PEM.
pub struct Pki {
    /// The CA's certificate: what IT would install in the computer's store.
    pub ca_pem: String,
    /// The site's certificate (leaf only: the CA is the root the client must already trust).
    pub leaf_pem: String,
    /// The leaf's private key.
    pub leaf_key_pem: String,
}

/// A fresh CA named `ca_name`, and a leaf for `names` signed by it.
pub fn make(ca_name: &str, names: &[&str]) -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, ca_name);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();

    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut leaf = CertificateParams::new(names).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "Offboard practice site");
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = leaf.signed_by(&leaf_key, &ca).unwrap();
    Pki {
        ca_pem: ca.pem(),
        leaf_pem: leaf.pem(),
        leaf_key_pem: leaf_key.serialize_pem(),
    }
}
