import Foundation
import Logging
import Synchronization

/// One JSON object per line on standard error: `{"ts","level","label","msg",...metadata}`.
///
/// Each line is written with a single `write(2)`, so lines from concurrent requests never interleave. Metadata
/// values are whatever callers put there; the gateway never puts prompt text, keys or secrets into metadata.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var json = JSONWriter()
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        json.object { object in
            object.field("ts", Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)))
            object.field("level", event.level.rawValue)
            object.field("label", label)
            object.field("msg", event.message.description)
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) where !["ts", "level", "label", "msg"].contains(key) {
                object.field(key, value.description)
            }
        }
        var bytes = json.bytes
        bytes.append(0x0A)
        bytes.withUnsafeBytes { buffer in
            _ = Foundation.write(STDERR_FILENO, buffer.baseAddress, buffer.count)
        }
    }
}

extension WardenConfiguration.Logging {
    /// Installs the configured handler for the whole process (swift-log allows this once).
    public func bootstrap() {
        let level = Logger.Level(rawValue: self.level) ?? .info
        let json = format == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
