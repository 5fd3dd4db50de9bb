import HTTPTypes
import Hummingbird

/// `GET /healthz` (the process answers) and `GET /readyz` (it can serve: model, policy and audit log are ready).
struct HealthController {
    let readiness: @Sendable () -> [String: Bool]

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
            }
            return Response.json(json.bytes, status: ready ? .ok : .serviceUnavailable)
        }
    }
}
