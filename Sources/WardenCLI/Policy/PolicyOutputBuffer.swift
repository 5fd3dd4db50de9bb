import Foundation

/// Collects output and writes it in large blocks, so streaming millions of decisions is not bound by
/// one write system call per line.
struct PolicyOutputBuffer {
    private var buffer: [UInt8] = []
    private let handle: FileHandle
    private let limit = 1 << 16

    init(handle: FileHandle = .standardOutput) {
        self.handle = handle
        buffer.reserveCapacity(limit + 1024)
    }

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Prints a message on standard error.
func printPolicyError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
