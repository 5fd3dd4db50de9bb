import HTTPTypes
import Hummingbird
import WardenEngine

/// `GET /metrics`: Prometheus text exposition. Behind mutual TLS and the policy like every route.
struct MetricsController {
    let metrics: GatewayMetrics
    let engine: InferenceEngine?

    func register(with router: Router<WardenRequestContext>) {
        router.get("/metrics") { _, _ in
            if let engine { metrics.engine.update(engine.metrics()) }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
    }
}
