#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a GGUF file, mapped read-only from disk, read into private (huge-page) memory, or copied from an
/// array, released on deinit.
///
/// `@unchecked Sendable` is sound because the bytes are never written after init: the mapping is `PROT_READ` and the
/// owned buffer is filled once. A mapped file that another process truncates while mapped can still fault on access
/// (SIGBUS); deployments must not rewrite model files in place.
final class GGUFMappedBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    private enum Ownership { case fileMapping, anonymousMapping(length: Int), allocation }
    private let ownership: Ownership
    private var isMapped: Bool { if case .fileMapping = ownership { true } else { false } }

    /// Maps the file at `path` read-only.
    init(mappingFileAt path: String) throws(GGUFError) {
        let (descriptor, size) = try Self.openRegularFile(path)
        defer { close(descriptor) }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw GGUFError(.io, "cannot map the model file (errno \(errno))", subject: path)
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        ownership = .fileMapping
    }

    /// Reads the file at `path` into private memory that the kernel is asked to back with 2 MiB pages, calling
    /// `progress(read, total)` as it goes.
    ///
    /// Why: generating a token streams every weight once, and with 4 KiB pages of a file mapping that is a TLB miss
    /// and a cold hardware prefetcher every 4 KiB; huge pages made the output layer's product 15-20% faster here.
    /// The copy also means a model file rewritten on disk can no longer fault the process (SIGBUS). The cost: the
    /// weights are no longer shared with other processes through the page cache.
    init(readingFileAt path: String, progress: ((Int, Int) -> Void)? = nil) throws(GGUFError) {
        let (descriptor, size) = try Self.openRegularFile(path)
        defer { close(descriptor) }
        let hugePage = 2 << 20
        let length = (size + hugePage - 1) / hugePage * hugePage
        guard let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              address != MAP_FAILED
        else {
            throw GGUFError(.io, "cannot allocate \(size) bytes for the model (errno \(errno))", subject: path)
        }
        #if canImport(Glibc)
        _ = madvise(address, length, MADV_HUGEPAGE)  // a hint: without transparent huge pages, 4 KiB pages serve
        #endif
        var done = 0
        let chunk = 16 << 20
        while done < size {
            let count = pread(descriptor, address + done, min(chunk, size - done), off_t(done))
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                munmap(address, length)
                throw count == 0
                    ? GGUFError(.truncated, "the model file ended while being read", offset: done, subject: path)
                    : GGUFError(.io, "cannot read the model file (errno \(errno))", subject: path)
            }
            done += count
            progress?(done, size)
        }
        mprotect(address, length, PROT_READ)
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        ownership = .anonymousMapping(length: length)
    }

    private static func openRegularFile(_ path: String) throws(GGUFError) -> (descriptor: Int32, size: Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw GGUFError(.io, "cannot open the model file (errno \(errno))", subject: path)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            close(descriptor)
            throw GGUFError(.io, "cannot read the model file's size (errno \(errno))", subject: path)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw GGUFError(.io, "the model path is not a regular file", subject: path)
        }
        let size = Int(status.st_size)
        guard size > 0 else {
            close(descriptor)
            throw GGUFError(.truncated, "the model file is empty", offset: 0, subject: path)
        }
        return (descriptor, size)
    }

    /// Copies `source` into an owned buffer (16-byte aligned, like a mapping's start).
    init(copying source: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 16)
        source.withUnsafeBytes { buffer.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: source.count)
        ownership = .allocation
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
        switch ownership {
        case .fileMapping: munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        case .anonymousMapping(let length): munmap(UnsafeMutableRawPointer(mutating: base), length)
        case .allocation: base.deallocate()
        }
    }
}
