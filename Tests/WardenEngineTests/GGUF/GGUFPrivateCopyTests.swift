import Foundation
import Testing
import WardenEngine

/// The engine reads model files into private (huge-page) memory instead of mapping them. What it reads must be what
/// a mapping shows, its progress must reach the file size, and a file that cannot be read whole must be a named error.
@Suite struct GGUFPrivateCopyTests {
    @Test func aReadFileHasTheSameMetadataTensorsAndBytesAsAMappedOne() throws {
        var reports: [(Int, Int)] = []
        let read = try GGUFFile(readingPath: GGUFFixtures.tinyLlamaPath) { reports.append(($0, $1)) }
        let mapped = try GGUFFile(path: GGUFFixtures.tinyLlamaPath)
        #expect(read.fileByteCount == mapped.fileByteCount)
        #expect(read.metadata.count == mapped.metadata.count)
        #expect(read.tensors.map(\.name) == mapped.tensors.map(\.name))
        for tensor in mapped.tensors {
            #expect(Array(try read.bytes(ofTensorNamed: tensor.name)) == Array(try mapped.bytes(of: tensor)), "\(tensor.name)")
        }
        #expect(reports.last.map { $0.0 == $0.1 && $0.1 == mapped.fileByteCount } == true)
        #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.0 < $1.0 }, "progress only moves forward")
    }

    @Test func anEmptyMissingOrNonRegularPathIsANamedError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let empty = directory.appendingPathComponent("empty.gguf").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        for (path, expected) in [(empty, "empty"), (directory.path, "not a regular file"),
                                 (directory.appendingPathComponent("missing.gguf").path, "cannot open")] {
            #expect {
                _ = try GGUFFile(readingPath: path)
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
    }

    @Test func aTruncatedFileReadsIntoTheSameErrorAsWhenMapped() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gguf-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try Data(contentsOf: URL(fileURLWithPath: GGUFFixtures.tinyLlamaPath))
        let cut = directory.appendingPathComponent("cut.gguf").path
        FileManager.default.createFile(atPath: cut, contents: whole.prefix(whole.count / 2))
        var readError = ""
        var mappedError = ""
        do { _ = try GGUFFile(readingPath: cut) } catch { readError = "\(error)" }
        do { _ = try GGUFFile(path: cut) } catch { mappedError = "\(error)" }
        #expect(!readError.isEmpty)
        #expect(readError == mappedError)
    }
}
