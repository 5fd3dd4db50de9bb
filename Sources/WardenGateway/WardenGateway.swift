import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization
import UnixSignals
import WardenAudit
import WardenEngine
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
    public let recorder: RequestRecorder
    let catalog: ModelCatalog
    let backend: (any CompletionBackend)?
    /// The embedded engine, when a model is loaded: its load feeds `/readyz` and `/metrics`.
    let engine: EngineService?
    let logger: Logger
    private let port = PortBox()

    /// Builds the gateway around an open audit log and sealed store (`recorder`) and, when a model is configured,
    /// its engine. Without an engine the completion routes answer 503.
    public init(
        configuration: WardenConfiguration, recorder: RequestRecorder, engine: EngineService? = nil,
        logger: Logger = Logger(label: "warden")
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.recorder = recorder
        self.engine = engine
        if let engine {
            catalog = ModelCatalog(entries: [engine.entry])
            backend = EngineCompletionBackend(service: engine, recorder: recorder, logger: logger, metrics: metrics)
        } else {
            catalog = ModelCatalog()
            backend = nil
        }
        tlsMaterials = try TLSMaterialStore(configuration: configuration.tls, mapping: configuration.identity)
        policy = try PolicyService(configuration: configuration.policy)
    }

    /// A gateway with a given backend and catalog, for tests of the HTTP layer.
    init(
        configuration: WardenConfiguration, recorder: RequestRecorder, backend: (any CompletionBackend)?,
        catalog: ModelCatalog, logger: Logger, engine: EngineService? = nil
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.recorder = recorder
        self.backend = backend
        self.engine = engine
        self.catalog = catalog
        tlsMaterials = try TLSMaterialStore(configuration: configuration.tls, mapping: configuration.identity)
        policy = try PolicyService(configuration: configuration.policy)
    }

    /// The actor recorded for the gateway's own events.
    var serverActor: String { "warden:" + configuration.audit.logID }

    /// The port the listener is bound to once running (useful with port 0).
    public var boundPort: Int? { port.value }

    /// Whether each dependency of serving is ready, as `/readyz` reports it.
    /// `engine` is false while the engine's waiting queue is full, so a load balancer steers new work elsewhere.
    public func readiness() -> [String: Bool] {
        var checks = [
            "policy": policy.isReady, "model": backend != nil && !catalog.entries.isEmpty, "audit": recorder.isHealthy,
        ]
        if let engine { checks["engine"] = engine.acceptsWork }
        return checks
    }

    /// Re-reads TLS material and policy; each keeps its old version if its new files are broken.
    public func reload() async {
        let tls = tlsMaterials.reload(logger: logger)
        metrics.tlsReload(succeeded: (try? tls.get()) != nil)
        await reloadPolicy()
    }

    /// Re-reads the policy files; the candidate serves only if it compiles and passes its cases.
    public func reloadPolicy() async {
        let report = policy.reload()
        metrics.policyReload(succeeded: report.succeeded)
        await recorder.recordPolicyReload(report, actor: serverActor)
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
                identities: identities, policy: policy, recorder: recorder, catalog: catalog,
                clearanceAttribute: configuration.clearanceAttribute, maxBodyBytes: configuration.server.maxBodyBytes,
                metrics: metrics, logger: logger))
        ModelsController(catalog: catalog).register(with: router)
        CompletionsController(catalog: catalog, backend: backend).register(with: router)
        HealthController(readiness: { [self] in readiness() }, engineLoad: { [engine] in engine?.engine.metrics() })
            .register(with: router)
        MetricsController(metrics: metrics, engine: engine?.engine).register(with: router)
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
        let retention = RetentionService(store: recorder.store, configuration: configuration.seal, logger: logger)
        let watcher = PolicyWatchService(gateway: self)
        try await recorder.recordServer(
            .serverStarted, actor: serverActor,
            fields: ["address": .string("\(configuration.server.host):\(configuration.server.port)"),
                     "policy_version": .string(policy.version ?? ""),
                     "model": .string(catalog.entries.first?.id ?? "")])
        var group = ServiceGroupConfiguration(
            services: [
                .init(service: application),
                .init(service: reloader, successTerminationBehavior: .ignore),
                .init(service: retention, successTerminationBehavior: .ignore),
                .init(service: watcher, successTerminationBehavior: .ignore),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        group.maximumGracefulShutdownDuration = .seconds(configuration.server.shutdownGraceSeconds)
        let outcome: Result<Void, any Error>
        do {
            try await ServiceGroup(configuration: group).run()
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try? await recorder.recordServer(.serverStopped, actor: serverActor, fields: [:])
        try? await recorder.audit.close()
        try outcome.get()
    }
}

/// The bound port, published by the server once it listens.
final class PortBox: Sendable {
    private let storage = Mutex<Int?>(nil)
    var value: Int? { storage.withLock { $0 } }
    func set(_ port: Int?) { storage.withLock { $0 = port } }
}
