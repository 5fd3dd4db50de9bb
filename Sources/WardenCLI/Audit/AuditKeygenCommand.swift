import ArgumentParser
import Foundation
import WardenAudit

/// `warden audit keygen --out DIR`: creates the checkpoint signing key pair and the HMAC key.
struct AuditKeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Create audit-signing.key (0600), audit-signing.pub and audit-hmac.key (0600) in a directory."
    )

    @Option(name: .long, help: "Directory for the key files (created if missing, 0700).")
    var out: String

    func run() throws {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do {
            let paths = try AuditKeys.generate(inDirectory: out)
            print("signing key (keep secret): \(paths.signingKey)")
            print("public key (give to auditors): \(paths.publicKey)")
            print("HMAC key for keyed hashes (keep secret): \(paths.hmacKey)")
        } catch {
            throw AuditCLIError(error)
        }
    }
}
