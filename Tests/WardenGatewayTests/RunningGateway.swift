import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
@testable import WardenGateway
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
        return configuration
    }

    init(
        pki: TestPKI? = nil, catalog: ModelCatalog = ModelCatalog(), backend: (any CompletionBackend)? = nil,
        configure: (inout WardenConfiguration) -> Void = { _ in }
    ) async throws {
        let pki = try pki ?? TestPKI()
        var configuration = Self.defaultConfiguration(pki: pki)
        configure(&configuration)
        var logger = Logger(label: "warden-test")
        logger.logLevel = .critical
        let gateway = try WardenGateway(configuration: configuration, backend: backend, catalog: catalog, logger: logger)
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

    var baseURL: String { "https://localhost:\(port)" }

    /// curl with the given client's certificate (or none).
    func curl(_ client: TestPKI.ClientFiles?) -> Curl {
        Curl(caPath: pki.caPath, certificatePath: client?.certificatePath, keyPath: client?.keyPath)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
