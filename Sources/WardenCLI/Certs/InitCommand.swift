import ArgumentParser
import Foundation
import WardenAudit
import WardenGateway
import WardenPKI
import WardenSeal

/// `warden init`: a complete development setup in one directory that `warden serve --config DIR/warden.yaml` runs.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a development CA, server certificate, CRL, audit keys, key ring and a ready warden.yaml.")

    @Option(help: "Directory to create the development setup in.")
    var dir: String

    @Option(help: "HTTPS port written into the configuration.")
    var port: Int = 8443

    @Option(name: .customLong("san"), help: "Extra DNS name or IP address for the server certificate (repeatable).")
    var extraNames: [String] = []

    @Option(help: "SPIFFE trust domain of issued client certificates.")
    var trustDomain: String = "warden.local"

    @Option(help: "Directory holding model.conf, policy.csv and policy.cases (default: ./Policies).")
    var policies: String = "Policies"

    @Option(help: "GGUF model to serve (default: the Gemma 3 270M model assembled by its PyPI package, if present).")
    var model: String?

    @Flag(help: "Replace an existing setup in DIR (its CA and keys are lost).")
    var force = false

    func run() async throws {
        let layout = DevelopmentLayout(directory: absolute(dir))
        if FileManager.default.fileExists(atPath: layout.caKey), !force {
            throw ValidationError("\(layout.caKey) already exists; pass --force to replace the whole setup")
        }
        guard (1...65535).contains(port) else { throw ValidationError("--port must be between 1 and 65535") }
        let policyDirectory = absolute(policies)
        for file in ["model.conf", "policy.csv"] where !FileManager.default.fileExists(atPath: policyDirectory + "/" + file) {
            throw ValidationError("\(policyDirectory)/\(file) not found; run from the repository root or pass --policies DIR")
        }
        if force {
            for path in layout.generatedDirectories { try? FileManager.default.removeItem(atPath: path) }
        }
        let authority = try CertificateAuthority.create()
        try authority.write(certificatePath: layout.caCertificate, keyPath: layout.caKey)
        var dnsNames = ["localhost"]
        var addresses = ["127.0.0.1", "::1"]
        for name in extraNames {
            if name.contains(":") || name.allSatisfy({ $0.isNumber || $0 == "." }) {
                addresses.append(name)
            } else {
                dnsNames.append(name)
            }
        }
        let server = try authority.issueServerCertificate(dnsNames: dnsNames, ipAddresses: addresses)
        try server.write(certificatePath: layout.serverCertificate, keyPath: layout.serverKey)
        let list = try authority.signRevocationList(revoked: [])
        try SecureFile.write(list.pemString, to: layout.revocationList, permissions: 0o644)
        let modelPath = model.map(absolute) ?? DefaultModel.installedPath
        let modelID = modelPath.map { $0.hasSuffix(DefaultModel.fileName) ? DefaultModel.modelID : nil } ?? nil
        let yaml = DevelopmentConfigurationFile(
            port: port, trustDomain: trustDomain, policyDirectory: policyDirectory, modelPath: modelPath,
            modelID: modelID
        ).text
        try SecureFile.write(yaml, to: layout.configuration, permissions: 0o644)
        // The audit keys, then the key ring, whose creation is the audit log's first event.
        let configuration = try WardenConfiguration.load(path: layout.configuration, environment: [:])
        for directory in [layout.auditKeys, layout.data, layout.witness, layout.directory + "/keys"] {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let auditPaths = try AuditKeys.generate(inDirectory: layout.auditKeys)
        let audit = try AuditLog(configuration: configuration.audit.logConfiguration)
        try await KeyRingAdministration.createKeyRing(
            at: layout.keyRing, actor: "warden-init", sink: AuditSealEventSink(log: audit))
        try await audit.close()
        print("Created a development setup in \(layout.directory):")
        print("  CA            \(layout.caCertificate) (key \(layout.caKey), 0600)")
        print("  server        \(layout.serverCertificate) for \((dnsNames + addresses).joined(separator: ", "))")
        print("  CRL           \(layout.revocationList)")
        print("  audit         \(configuration.audit.databasePath), public key \(auditPaths.publicKey)")
        print("  key ring      \(layout.keyRing) (0600)")
        print("  configuration \(layout.configuration)")
        if modelPath == nil {
            print("  model         none found: completions will answer 503 until engine.model is set")
        }
        print("Next: warden certs issue --dir \(dir) --name alice --team research")
        print("      warden serve --config \(layout.configuration)")
    }
}

/// Makes a path absolute against the current directory.
func absolute(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    return FileManager.default.currentDirectoryPath + "/" + path
}
