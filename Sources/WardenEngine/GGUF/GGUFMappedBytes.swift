#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a GGUF file, either mapped read-only from disk or owned in memory, released on deinit.
///
/// `@unchecked Sendable` is sound because the bytes are never written after init: the mapping is `PROT_READ` and the
/// owned buffer is filled once. A mapped file that another process truncates while mapped can still fault on access
/// (SIGBUS); deployments must not rewrite model files in place.
final class GGUFMappedBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private let isMapped: Bool

    /// Maps the file at `path` read-only.
    init(mappingFileAt path: String) throws(GGUFError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw GGUFError(.io, "cannot open the model file (errno \(errno))", subject: path)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw GGUFError(.io, "cannot read the model file's size (errno \(errno))", subject: path)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw GGUFError(.io, "the model path is not a regular file", subject: path)
        }
        let size = Int(status.st_size)
        guard size > 0 else {
            throw GGUFError(.truncated, "the model file is empty", offset: 0, subject: path)
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw GGUFError(.io, "cannot map the model file (errno \(errno))", subject: path)
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        isMapped = true
    }

    /// Copies `source` into an owned buffer (16-byte aligned, like a mapping's start).
    init(copying source: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 16)
        source.withUnsafeBytes { buffer.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: source.count)
        isMapped = false
    }

    /// Asks the kernel to start reading the whole mapping in (a hint; errors are ignored).
    func adviseWillNeed() {
        #if canImport(Glibc)
        guard isMapped, let base = bytes.baseAddress else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, MADV_WILLNEED)
        #endif
    }

    deinit {
        guard let base = bytes.baseAddress else { return }
        if isMapped {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        } else {
            base.deallocate()
        }
    }
}
