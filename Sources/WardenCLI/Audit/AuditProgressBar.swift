import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal and at
/// most ten times a second.
final class AuditProgressBar {
    private let enabled = isatty(2) == 1
    private var lastDraw = Date.distantPast
    private var drawn = false
    private let label: String

    init(label: String) { self.label = label }

    func update(done: UInt64, total: UInt64) {
        guard enabled else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(done)/\(total)".utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
