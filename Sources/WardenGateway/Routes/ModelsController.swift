import HTTPTypes
import Hummingbird

/// `GET /v1/models` and `GET /v1/models/{id}` in OpenAI's shapes, plus the context length clients need.
struct ModelsController {
    let catalog: ModelCatalog

    func register(with router: Router<WardenRequestContext>) {
        router.get("/v1/models") { _, _ in
            var json = JSONWriter()
            json.object {
                $0.field("object", "list")
                $0.field("data") { writer in
                    writer.array(catalog.entries) { writer, entry in Self.write(entry, into: &writer) }
                }
            }
            return Response.json(json.bytes)
        }
        router.get("/v1/models/:id") { _, context in
            let id = try context.parameters.require("id")
            guard let entry = catalog.model(id: id) else { throw OpenAIError.modelNotFound(id) }
            var json = JSONWriter()
            Self.write(entry, into: &json)
            return Response.json(json.bytes)
        }
    }

    static func write(_ entry: ModelCatalog.Entry, into json: inout JSONWriter) {
        json.object {
            $0.field("id", entry.id)
            $0.field("object", "model")
            $0.field("created", entry.created)
            $0.field("owned_by", entry.ownedBy)
            $0.field("context_length", entry.contextLength)
        }
    }
}

extension Response {
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
