import Foundation
/// Finds OpenAI `stop` strings in generated text as it streams, holding back only what could still become one.
///
/// Text is released once no stop string can start inside it, so a client never sees the beginning of a stop
/// string that later completes, and never waits longer than the longest stop string.
struct StopStringScanner {
    let stops: [String]
    private var pending = ""
    private(set) var stopped = false

    init(stops: [String]) {
        self.stops = stops.filter { !$0.isEmpty }
    }

    /// Adds generated text; returns the text that is safe to release now.
    mutating func append(_ text: String) -> String {
        guard !stopped else { return "" }
        pending += text
        guard !stops.isEmpty else {
            defer { pending = "" }
            return pending
        }
        if let range = stops.compactMap({ pending.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            stopped = true
            let released = String(pending[..<range.lowerBound])
            pending = ""
            return released
        }
        // Hold back the longest suffix that is a prefix of some stop string.
        var keep = 0
        for stop in stops {
            let limit = min(stop.count, pending.count)
            for length in stride(from: limit, to: 0, by: -1) where length > keep {
                if pending.hasSuffix(String(stop.prefix(length))) {
                    keep = length
                    break
                }
            }
        }
        let cut = pending.index(pending.endIndex, offsetBy: -keep)
        let released = String(pending[..<cut])
        pending = String(pending[cut...])
        return released
    }

    /// Releases whatever was held back once generation has ended without a stop string.
    mutating func finish() -> String {
        defer { pending = "" }
        return stopped ? "" : pending
    }
}
