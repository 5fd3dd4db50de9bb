import Testing
import WardenEngine

/// Malformed and hostile files: each must give the named error, never a crash or a huge allocation.
@Suite struct GGUFHostileInputTests {
    private func expectError(_ code: GGUFError.Code, _ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try GGUFFile(bytes: bytes)
            Issue.record("expected \(code), but the file was accepted", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func aFileThatIsNotGGUFIsRejectedByItsMagic() {
        expectError(.badMagic, Array("GGML\u{3}\0\0\0".utf8) + [UInt8](repeating: 0, count: 16))
        expectError(.truncated, [])
        expectError(.truncated, Array("GG".utf8))
    }

    @Test func versionsOtherThanTwoAndThreeAreRejected() {
        expectError(.unsupportedVersion, HandMadeGGUF(version: 1, tensorCount: 0, metadataCount: 0).bytes)
        expectError(.unsupportedVersion, HandMadeGGUF(version: 4, tensorCount: 0, metadataCount: 0).bytes)
        expectError(.unsupportedVersion, HandMadeGGUF(version: 0x0300_0000, tensorCount: 0, metadataCount: 0).bytes)
        #expect(throws: Never.self) { try GGUFFile(bytes: HandMadeGGUF(version: 2, tensorCount: 0, metadataCount: 0).bytes) }
    }

    @Test func countsAboveTheLimitsOrBeyondTheFileAreRejectedBeforeAllocating() {
        expectError(.limitExceeded, HandMadeGGUF(tensorCount: UInt64.max, metadataCount: 0).bytes)
        expectError(.limitExceeded, HandMadeGGUF(tensorCount: 0, metadataCount: 1 << 62).bytes)
        expectError(.truncated, HandMadeGGUF(tensorCount: 1000, metadataCount: 0).bytes)
        expectError(.truncated, HandMadeGGUF(tensorCount: 0, metadataCount: 60_000).bytes)
    }

    @Test func hugeStringAndArrayLengthsAreRejected() {
        var longKey = HandMadeGGUF(tensorCount: 0, metadataCount: 1)
        longKey.u64(UInt64.max)
        longKey.bytes += [UInt8](repeating: 0x41, count: 64)
        expectError(.limitExceeded, longKey.bytes)

        var keyPastEnd = HandMadeGGUF(tensorCount: 0, metadataCount: 1)
        keyPastEnd.u64(1000)
        keyPastEnd.bytes += Array("short".utf8)
        expectError(.truncated, keyPastEnd.bytes)

        var hugeArray = HandMadeGGUF(tensorCount: 0, metadataCount: 1)
        hugeArray.string("tokenizer.ggml.tokens")
        hugeArray.u32(9)  // array
        hugeArray.u32(8)  // of strings
        hugeArray.u64(1 << 23)  // under the count limit, but 8 bytes each cannot fit
        expectError(.truncated, hugeArray.bytes)

        var overLimit = HandMadeGGUF(tensorCount: 0, metadataCount: 1)
        overLimit.string("k")
        overLimit.u32(9)
        overLimit.u32(0)
        overLimit.u64(1 << 40)
        expectError(.limitExceeded, overLimit.bytes)
    }

    @Test func aHeaderLargerThanTheHeaderLimitIsRejectedAsSuch() throws {
        var limits = GGUFLimits()
        limits.maxHeaderByteCount = 4096
        var file = HandMadeGGUF(tensorCount: 0, metadataCount: 1)
        file.string("big")
        file.u32(8)
        file.string(String(repeating: "x", count: 10_000))
        do {
            _ = try GGUFFile(bytes: file.bytes, limits: limits)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .limitExceeded)
        }
        #expect(throws: Never.self) { try GGUFFile(bytes: file.bytes) }
    }

    @Test func arraysNestedTooDeeplyAreRejected() {
        var nested = HandMadeGGUF(tensorCount: 0, metadataCount: 1)
        nested.string("k")
        nested.u32(9)
        for _ in 0..<10 {
            nested.u32(9)  // element type: array
            nested.u64(1)
        }
        nested.u32(0)
        nested.u64(0)
        expectError(.limitExceeded, nested.bytes)
    }

    @Test func unknownValueTypesInvalidBoolsAndDuplicateKeysAreRejected() {
        var unknownType = HandMadeGGUF(tensorCount: 0, metadataCount: 1)
        unknownType.string("k")
        unknownType.u32(13)
        unknownType.u64(0)
        expectError(.invalidValue, unknownType.bytes)

        var badBool = HandMadeGGUF(tensorCount: 0, metadataCount: 1)
        badBool.string("k")
        badBool.u32(7)
        badBool.u8(2)
        expectError(.invalidValue, badBool.bytes)

        var duplicate = HandMadeGGUF(tensorCount: 0, metadataCount: 2)
        duplicate.keyUInt32("k", 1)
        duplicate.keyUInt32("k", 2)
        expectError(.duplicateKey, duplicate.bytes)
    }

    @Test func anAlignmentThatIsNotAPowerOfTwoIsRejected() {
        for value: UInt32 in [0, 3, 48] {
            var file = HandMadeGGUF(tensorCount: 0, metadataCount: 1)
            file.keyUInt32("general.alignment", value)
            expectError(.invalidAlignment, file.bytes)
        }
        var wrongType = HandMadeGGUF(tensorCount: 0, metadataCount: 1)
        wrongType.string("general.alignment")
        wrongType.u32(10)
        wrongType.u64(32)
        expectError(.invalidAlignment, wrongType.bytes)
    }

    @Test func invalidTensorShapesAreRejected() {
        func oneTensor(_ dimensions: [UInt64], name: String = "t", type: UInt32 = 0, offset: UInt64 = 0) -> [UInt8] {
            var file = HandMadeGGUF(tensorCount: 1, metadataCount: 0)
            file.tensor(name, dimensions: dimensions, type: type, offset: offset)
            file.data(count: 64)
            return file.bytes
        }
        expectError(.invalidTensor, oneTensor([1, 1, 1, 1, 1]))
        expectError(.invalidTensor, oneTensor([]))
        expectError(.arithmeticOverflow, oneTensor([1 << 32, 1 << 32]))
        expectError(.arithmeticOverflow, oneTensor([0, 1 << 40, 1 << 40]))
        expectError(.invalidTensor, oneTensor([UInt64.max]))
        expectError(.invalidTensor, oneTensor([100], type: 12))  // Q4_K needs multiples of 256
        expectError(.invalidTensor, oneTensor([4], name: String(repeating: "n", count: 64)))
        expectError(.invalidTensor, oneTensor([4], name: ""))
        #expect(throws: Never.self) { try GGUFFile(bytes: oneTensor([4], name: String(repeating: "n", count: 63))) }
    }

    @Test func anUnsupportedTensorTypeIsNamedInTheError() {
        var file = HandMadeGGUF(tensorCount: 1, metadataCount: 0)
        file.tensor("blk.0.ffn_up.weight", dimensions: [256], type: 10, offset: 0)  // Q2_K
        file.data(count: 256)
        do {
            _ = try GGUFFile(bytes: file.bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unsupportedTensorType)
            #expect(error.subject == "blk.0.ffn_up.weight")
            #expect(error.description.contains("Q2_K"))
        }
    }

    @Test func tensorDataOutsideTheFileOrMisalignedIsRejected() {
        var pastEnd = HandMadeGGUF(tensorCount: 1, metadataCount: 0)
        pastEnd.tensor("t", dimensions: [16], type: 0, offset: 32)
        pastEnd.data(count: 64)  // needs 32 + 64 bytes
        expectError(.tensorOutOfBounds, pastEnd.bytes)

        var hugeOffset = HandMadeGGUF(tensorCount: 1, metadataCount: 0)
        hugeOffset.tensor("t", dimensions: [16], type: 0, offset: UInt64(Int64.max) - 31)
        hugeOffset.data(count: 64)
        expectError(.tensorOutOfBounds, hugeOffset.bytes)

        var misaligned = HandMadeGGUF(tensorCount: 1, metadataCount: 0)
        misaligned.tensor("t", dimensions: [4], type: 0, offset: 4)
        misaligned.data(count: 64)
        expectError(.tensorOutOfBounds, misaligned.bytes)

        var duplicate = HandMadeGGUF(tensorCount: 2, metadataCount: 0)
        duplicate.tensor("t", dimensions: [4], type: 0, offset: 0)
        duplicate.tensor("t", dimensions: [4], type: 0, offset: 32)
        duplicate.data(count: 64)
        expectError(.duplicateTensor, duplicate.bytes)
    }

    @Test func namesInErrorsAreShortenedAndCannotForgeLogLines() {
        var duplicate = HandMadeGGUF(tensorCount: 0, metadataCount: 2)
        duplicate.keyUInt32("evil\nkey", 1)
        duplicate.keyUInt32("evil\nkey", 2)
        do {
            _ = try GGUFFile(bytes: duplicate.bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.subject == "evil\\u{a}key")
            #expect(!error.description.contains("\n"))
        }
        let longName = String(repeating: "k", count: 60_000)
        var long = HandMadeGGUF(tensorCount: 0, metadataCount: 2)
        long.keyUInt32(longName, 1)
        long.keyUInt32(longName, 2)
        do {
            _ = try GGUFFile(bytes: long.bytes)
            Issue.record("expected an error")
        } catch {
            #expect(error.subject == String(repeating: "k", count: 96) + "…")
        }
    }

    @Test func everyTruncationOfARealFileIsAnError() throws {
        let bytes = try GGUFFixtures.bytes(atPath: GGUFFixtures.tinyQwen2Path)
        let file = try GGUFFile(bytes: bytes)
        let headerEnd = file.dataOffset
        for length in stride(from: 0, to: headerEnd, by: 7) {
            #expect(throws: GGUFError.self) { try GGUFFile(bytes: Array(bytes[..<length])) }
        }
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: Array(bytes.dropLast())) }
    }
}
