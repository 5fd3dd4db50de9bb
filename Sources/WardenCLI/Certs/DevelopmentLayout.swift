/// Where `warden init` and `warden certs` put things inside a development directory. These paths are a public
/// interface (Certs/README.md documents them): keep them stable.
struct DevelopmentLayout {
    let directory: String

    var caCertificate: String { directory + "/ca.crt" }
    var caKey: String { directory + "/ca.key" }
    var serverCertificate: String { directory + "/server.crt" }
    var serverKey: String { directory + "/server.key" }
    var revocationList: String { directory + "/crl.pem" }
    var configuration: String { directory + "/warden.yaml" }
    var clients: String { directory + "/clients" }
    /// Audit signing and HMAC keys; the public key `audit/audit-signing.pub` is what auditors get.
    var auditKeys: String { directory + "/audit" }
    /// Databases: the audit log and the sealed prompt store.
    var data: String { directory + "/data" }
    /// The audit witness, deliberately outside `data/`.
    var witness: String { directory + "/witness" }
    var keyRing: String { directory + "/keys/keyring" }
    /// Everything `init --force` replaces besides the files above.
    var generatedDirectories: [String] { [auditKeys, data, witness, directory + "/keys", clients] }
    func clientCertificate(_ name: String) -> String { clients + "/\(name).crt" }
    func clientKey(_ name: String) -> String { clients + "/\(name).key" }
}
