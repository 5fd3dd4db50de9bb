import HTTPTypes
import Hummingbird
import WardenEngine

/// `GET /healthz` (the process answers) and `GET /readyz` (it can serve: model, policy and audit log are ready).
struct HealthController {
    let readiness: @Sendable () -> [String: Bool]
    /// The engine's current load, reported beside the checks (nil without a model).
    let engineLoad: @Sendable () -> EngineMetrics?

    func register(with router: Router<WardenRequestContext>) {
        router.get("/healthz") { _, _ in
            Response.json(Array(#"{"status":"ok"}"#.utf8))
        }
        router.get("/readyz") { _, _ in
            let checks = readiness()
            let ready = checks.values.allSatisfy { $0 }
            var json = JSONWriter()
            json.object {
                $0.field("status", ready ? "ready" : "not_ready")
                $0.field("checks") { writer in
                    writer.object { object in
                        for (name, ok) in checks.sorted(by: { $0.key < $1.key }) { object.field(name, ok) }
                    }
                }
                if let load = engineLoad() {
                    $0.field("engine") { writer in
                        writer.object {
                            $0.field("queued_requests", load.queuedRequests)
                            $0.field("running_sequences", load.runningSequences)
                            $0.field("kv_blocks_used", load.kvBlocksUsed)
                            $0.field("kv_blocks_total", load.kvBlocksTotal)
                            $0.field("generated_tokens_per_second", load.recentGeneratedTokensPerSecond)
                            $0.field("mean_time_to_first_token_seconds", load.meanTimeToFirstToken)
                        }
                    }
                }
            }
            return Response.json(json.bytes, status: ready ? .ok : .serviceUnavailable)
        }
    }
}
