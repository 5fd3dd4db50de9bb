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
    func clientCertificate(_ name: String) -> String { clients + "/\(name).crt" }
    func clientKey(_ name: String) -> String { clients + "/\(name).key" }
}
