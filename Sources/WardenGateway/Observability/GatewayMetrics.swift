import Prometheus

/// The gateway's Prometheus metrics, on a registry of its own (not the process-wide MetricsSystem), so several
/// gateways in one test process never share counters.
///
/// Labels are fixed sets (route templates, status codes, rejection reasons): never a path, user or model string
/// from a request, which would let clients grow the metric set without bound.
public final class GatewayMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    /// The engine's series, on the same registry.
    let engine: EngineMetricsExporter

    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
        .seconds(10), .seconds(30), .seconds(60),
    ]

    public init() {
        engine = EngineMetricsExporter(registry: registry)
        // Pre-create the handshake failure series so dashboards see zeros rather than missing series.
        for reason in HandshakeFailureReason.allCases {
            _ = handshakeCounter(reason)
        }
    }

    func requestCompleted(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: .init(namespace: "warden", metricName: "http_requests", unitName: "total",
                              helpText: "HTTP requests by route template, method and status"),
            labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "warden", metricName: "http_request_duration", unitName: "seconds",
                              helpText: "HTTP request latency by route template"),
            labels: [("route", route)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    func handshakeFailed(_ reason: HandshakeFailureReason) {
        handshakeCounter(reason).increment()
    }

    private func handshakeCounter(_ reason: HandshakeFailureReason) -> Counter {
        registry.makeCounter(
            descriptor: .init(namespace: "warden", metricName: "tls_handshake_failures", unitName: "total",
                              helpText: "Refused TLS handshakes by reason"),
            labels: [("reason", reason.rawValue)])
    }

    func tlsReload(succeeded: Bool) {
        reloadCounter("tls_reloads", what: "TLS material", succeeded: succeeded).increment()
    }

    func policyReload(succeeded: Bool) {
        reloadCounter("policy_reloads", what: "Policy", succeeded: succeeded).increment()
    }

    private func reloadCounter(_ name: String, what: String, succeeded: Bool) -> Counter {
        registry.makeCounter(
            descriptor: .init(namespace: "warden", metricName: name, unitName: "total",
                              helpText: "\(what) reload attempts by result"),
            labels: [("result", succeeded ? "success" : "failure")])
    }

    func policyDecision(allowed: Bool) {
        registry.makeCounter(
            descriptor: .init(namespace: "warden", metricName: "policy_decisions", unitName: "total",
                              helpText: "Authorization decisions by effect"),
            labels: [("effect", allowed ? "allow" : "deny")]
        ).increment()
    }

    /// The exposition text for `GET /metrics`.
    public func exposition() -> String {
        registry.emitToString()
    }
}
