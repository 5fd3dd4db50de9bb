import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import WardenAudit
@testable import WardenGateway
import WardenSeal
import WardenTesting

/// A gateway listening on a free loopback port with a fresh test PKI and the repository's default policy.
final class RunningGateway: Sendable {
    let pki: TestPKI
    let gateway: WardenGateway
    let port: Int
    private let task: Task<Void, any Error>

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static func defaultConfiguration(pki: TestPKI) -> WardenConfiguration {
        var configuration = WardenConfiguration()
        configuration.server.port = 0
        configuration.tls.certificatePath = pki.serverCertificatePath
        configuration.tls.privateKeyPath = pki.serverKeyPath
        configuration.tls.clientCAPath = pki.caPath
        configuration.policy.modelPath = repositoryRoot + "/Policies/model.conf"
        configuration.policy.policyPath = repositoryRoot + "/Policies/policy.csv"
        configuration.policy.casesPath = repositoryRoot + "/Policies/policy.cases"
        configuration.audit.databasePath = pki.directory.file("data/audit.db")
        configuration.audit.signingKeyPath = pki.directory.file("audit/audit-signing.key")
        configuration.audit.hmacKeyPath = pki.directory.file("audit/audit-hmac.key")
        configuration.audit.witnessPath = pki.directory.file("witness/audit.witness")
        configuration.seal.databasePath = pki.directory.file("data/prompts.db")
        configuration.seal.keyRingPath = pki.directory.file("keys/keyring")
        return configuration
    }

    init(
        pki: TestPKI? = nil, catalog: ModelCatalog = ModelCatalog(), backend: (any CompletionBackend)? = nil,
        recorder recorderOverride: RequestRecorder? = nil, engine: EngineService? = nil,
        configure: (inout WardenConfiguration) -> Void = { _ in }
    ) async throws {
        let pki = try pki ?? TestPKI()
        var configuration = Self.defaultConfiguration(pki: pki)
        configure(&configuration)
        var logger = Logger(label: "warden-test")
        logger.logLevel = .critical
        let recorder: RequestRecorder
        if let given = recorderOverride {
            recorder = given
        } else {
            recorder = try await Self.makeRecorder(configuration: configuration, logger: logger)
        }
        // With an engine, the gateway composes its own backend, catalog and engine metrics, as `warden serve` does.
        let gateway = try engine.map { try WardenGateway(configuration: configuration, recorder: recorder, engine: $0, logger: logger) }
            ?? WardenGateway(configuration: configuration, recorder: recorder, backend: backend, catalog: catalog, logger: logger)
        let application = gateway.makeApplication()
        self.pki = pki
        self.gateway = gateway
        task = Task { try await application.runService() }
        var waited = 0
        while gateway.boundPort == nil {
            try await Task.sleep(for: .milliseconds(20))
            waited += 1
            if waited > 500 { throw CancellationError() }
        }
        port = gateway.boundPort!
    }

    /// Real audit keys, key ring, audit log and sealed store in the test directory, made as `warden init` makes them.
    static func makeRecorder(configuration: WardenConfiguration, logger: Logger) async throws -> RequestRecorder {
        let keyDirectory = (configuration.audit.signingKeyPath as NSString).deletingLastPathComponent
        for path in [configuration.audit.signingKeyPath, configuration.audit.databasePath, configuration.audit.witnessPath,
                     configuration.seal.keyRingPath] {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        }
        if !FileManager.default.fileExists(atPath: configuration.audit.signingKeyPath) {
            _ = try AuditKeys.generate(inDirectory: keyDirectory)
        }
        let audit = try AuditLog(configuration: configuration.audit.logConfiguration)
        let sink = AuditSealEventSink(log: audit)
        if !FileManager.default.fileExists(atPath: configuration.seal.keyRingPath) {
            try await KeyRingAdministration.createKeyRing(at: configuration.seal.keyRingPath, actor: "test", sink: sink)
        }
        let store = try await SealedStore.open(configuration.seal.storeConfiguration, sink: sink)
        return RequestRecorder(audit: audit, store: store, logger: logger)
    }

    var baseURL: String { "https://localhost:\(port)" }

    /// curl with the given client's certificate (or none).
    func curl(_ client: TestPKI.ClientFiles?) -> Curl {
        Curl(caPath: pki.caPath, certificatePath: client?.certificatePath, keyPath: client?.keyPath)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
        try? await gateway.recorder.audit.close()
    }
}
