import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals
import WardenPKI

/// The composed gateway: mutual TLS listener, authorization, routes, reloads and graceful shutdown.
///
/// `warden serve` builds one from a ``WardenConfiguration`` and runs it; tests build one on port 0 and read the
/// bound port from ``boundPort``.
public final class WardenGateway: Sendable {
    public let configuration: WardenConfiguration
    public let metrics = GatewayMetrics()
    let identities = PeerIdentityRegistry()
    let tlsMaterials: TLSMaterialStore
    public let policy: PolicyService
    let catalog: ModelCatalog
    let backend: (any CompletionBackend)?
    let logger: Logger
    private let port = PortBox()

    public init(
        configuration: WardenConfiguration, backend: (any CompletionBackend)? = nil, catalog: ModelCatalog = ModelCatalog(),
        logger: Logger = Logger(label: "warden")
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.backend = backend
        self.catalog = catalog
        tlsMaterials = try TLSMaterialStore(configuration: configuration.tls, mapping: configuration.identity)
        policy = try PolicyService(configuration: configuration.policy)
    }

    /// The port the listener is bound to once running (useful with port 0).
    public var boundPort: Int? { port.value }

    /// Whether each dependency of serving is ready, as `/readyz` reports it.
    public func readiness() -> [String: Bool] {
        ["policy": policy.isReady, "model": backend != nil && !catalog.entries.isEmpty]
    }

    /// Re-reads TLS material and policy; each keeps its old version if its new files are broken.
    public func reload() {
        let tls = tlsMaterials.reload(logger: logger)
        metrics.tlsReload(succeeded: (try? tls.get()) != nil)
        let report = policy.reload()
        metrics.policyReload(succeeded: report.succeeded)
        if report.succeeded {
            logger.notice("policy reloaded", metadata: ["version": "\(report.version ?? "")"])
        } else {
            logger.error(
                "policy reload refused; keeping the previous policy",
                metadata: ["errors": "\(report.errors.joined(separator: "; "))"])
        }
    }

    func makeRouter() -> Router<WardenRequestContext> {
        let router = Router(context: WardenRequestContext.self)
        router.add(middleware: EdgeMiddleware(metrics: metrics, identities: identities, logger: logger))
        router.add(
            middleware: AuthorizationMiddleware(
                identities: identities, policy: policy, catalog: catalog,
                clearanceAttribute: configuration.clearanceAttribute, maxBodyBytes: configuration.server.maxBodyBytes,
                logger: logger))
        ModelsController(catalog: catalog).register(with: router)
        CompletionsController(catalog: catalog, backend: backend).register(with: router)
        HealthController(readiness: { [self] in readiness() }).register(with: router)
        MetricsController(metrics: metrics).register(with: router)
        return router
    }

    /// Builds the Hummingbird application with Warden's mutual-TLS child channel.
    func makeApplication() -> some ApplicationProtocol {
        let server = configuration.server
        let materials = tlsMaterials
        let identities = identities
        let metrics = metrics
        let builder = HTTPServerBuilder { responder in
            HTTP1Channel(
                responder: responder,
                configuration: .init(idleTimeout: .seconds(Int64(server.idleTimeoutSeconds)))
            ).withMutualTLS(
                materials: materials, identities: identities, metrics: metrics,
                handshakeTimeout: .seconds(Int64(server.handshakeTimeoutSeconds)))
        }
        let portBox = port
        return Application(
            router: makeRouter(),
            server: builder,
            configuration: .init(
                address: .hostname(server.host, port: server.port), serverName: nil,
                availableConnectionsDelegate: MaximumAvailableConnections(server.maxConnections)),
            onServerRunning: { channel in portBox.set(channel.localAddress?.port) },
            logger: logger)
    }

    /// Runs until SIGTERM or SIGINT (graceful: stop accepting, let in-flight requests finish within the grace
    /// period), reloading on SIGHUP.
    public func run() async throws {
        let application = makeApplication()
        let reloader = SignalReloadService(gateway: self)
        var group = ServiceGroupConfiguration(
            services: [
                .init(service: application),
                .init(service: reloader, successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(configuration.server.shutdownGraceSeconds)
        try await ServiceGroup(configuration: group).run()
    }
}

/// The bound port, published by the server once it listens.
final class PortBox: Sendable {
    private let storage = Mutex<Int?>(nil)
    var value: Int? { storage.withLock { $0 } }
    func set(_ port: Int?) { storage.withLock { $0 = port } }
}

import Synchronization
