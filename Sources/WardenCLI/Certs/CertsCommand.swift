import ArgumentParser
import Foundation
import WardenPKI
import X509

/// `warden certs`: issue and revoke client certificates with the development CA.
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs", abstract: "Issue and revoke client certificates.",
        subcommands: [Issue.self, Revoke.self])

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a client certificate into DIR/clients/NAME.crt and NAME.key (0600).")

        @Option(help: "The development directory made by `warden init`.") var dir: String
        @Option(help: "User or service name.") var name: String
        @Option(help: "Team (the policy domain).") var team: String
        @Option(help: "Role: user, guest, admin or auditor.") var role: String = "user"
        @Option(help: "Days the certificate is valid.") var days: Int = 90
        @Option(help: "SPIFFE trust domain.") var trustDomain: String = "warden.local"
        @Option(name: .customLong("attr"), help: "Extra attribute KEY=VALUE for ABAC rules, e.g. clearance=2 (repeatable).")
        var attributes: [String] = []

        func run() throws {
            let layout = DevelopmentLayout(directory: absolute(dir))
            let authority = try CertificateAuthority.load(certificatePath: layout.caCertificate, keyPath: layout.caKey)
            var parsed: [String: String] = [:]
            for pair in attributes {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--attr expects KEY=VALUE, got '\(pair)'") }
                parsed[parts[0]] = parts[1]
            }
            let request = ClientCertificateRequest(
                name: name, team: team, role: role, trustDomain: trustDomain, attributes: parsed, validityDays: days)
            let issued = try authority.issueClientCertificate(request)
            try issued.write(certificatePath: layout.clientCertificate(name), keyPath: layout.clientKey(name))
            print("Issued \(request.spiffeID) (role \(role)) valid for \(days) days:")
            print("  \(layout.clientCertificate(name))")
            print("  \(layout.clientKey(name)) (0600)")
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a client's certificate to DIR/crl.pem; running servers apply it on SIGHUP.")

        @Option(help: "The development directory made by `warden init`.") var dir: String
        @Option(help: "The name the certificate was issued to (reads DIR/clients/NAME.crt).") var name: String

        func run() throws {
            let layout = DevelopmentLayout(directory: absolute(dir))
            let authority = try CertificateAuthority.load(certificatePath: layout.caCertificate, keyPath: layout.caKey)
            guard let certificate = try PEM.certificates(atPath: layout.clientCertificate(name)).first else {
                throw ValidationError("no certificate in \(layout.clientCertificate(name))")
            }
            var entries: [RevocationList.Entry] = []
            if FileManager.default.fileExists(atPath: layout.revocationList) {
                let existing = try RevocationList.load(path: layout.revocationList)
                guard existing.isSigned(by: authority.certificate) else {
                    throw ValidationError("\(layout.revocationList) is not signed by this CA; refusing to extend it")
                }
                entries = existing.entries
            }
            if !entries.contains(where: { $0.serialNumber == certificate.serialNumber }) {
                entries.append(.init(serialNumber: certificate.serialNumber, revocationDate: Date()))
            }
            let list = try authority.signRevocationList(revoked: entries)
            try SecureFile.write(list.pemString, to: layout.revocationList, permissions: 0o644)
            print("Revoked \(name) (serial \(certificate.serialNumber)); \(entries.count) revoked in \(layout.revocationList).")
            print("Send SIGHUP to running servers to apply it: kill -HUP <pid>")
        }
    }
}
