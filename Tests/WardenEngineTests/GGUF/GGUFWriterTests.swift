import Testing
import WardenEngine

@Suite struct GGUFWriterTests {
    @Test func everyMetadataTypeAndTensorRoundTripsThroughTheReader() throws {
        var writer = try GGUFWriter(alignment: 64)
        let values: [(String, GGUFValue)] = [
            ("t.u8", .uint8(200)), ("t.i8", .int8(-5)), ("t.u16", .uint16(60_000)), ("t.i16", .int16(-30_000)),
            ("t.u32", .uint32(4_000_000_000)), ("t.i32", .int32(-2_000_000_000)), ("t.u64", .uint64(1 << 40)),
            ("t.i64", .int64(-(1 << 40))), ("t.f32", .float32(1.5)), ("t.f64", .float64(-2.25)), ("t.bool", .bool(true)),
            ("t.string", .string("héllo ▁ 日本")),
            ("t.strings", .array(.string(["a", "", "ß"]))),
            ("t.floats", .array(.float32([0.5, -1]))),
            ("t.nested", .array(.array([.int32([1, 2]), .string(["x"]), .array([.bool([true, false])])]))),
        ]
        for (key, value) in values { writer.setValue(value, forKey: key) }
        let q8Block: [UInt8] = (0..<34).map { UInt8($0) }
        try writer.addTensor(named: "a", dimensions: [3], floats: [1, 2, 3])
        try writer.addTensor(named: "b", type: .q8_0, dimensions: [32, 2], data: q8Block + q8Block)
        let file = try GGUFFile(bytes: writer.serialized())
        #expect(file.alignment == 64)
        #expect(file.metadata.keys == ["general.alignment"] + values.map(\.0))
        for (key, value) in values { #expect(file.metadata[key] == value) }
        #expect(file.dataOffset % 64 == 0)
        #expect(Array(try file.bytes(ofTensorNamed: "a").bindMemory(to: Float.self)) == [1, 2, 3])
        let b = try file.tensor(named: "b")
        #expect(b.offsetInDataSection == 64)
        #expect(Array(try file.bytes(of: b)) == q8Block + q8Block)
    }

    @Test func aTensorWhoseDataDoesNotMatchItsShapeIsRefused() throws {
        var writer = try GGUFWriter()
        #expect(throws: GGUFError.self) { try writer.addTensor(named: "x", type: .q4_K, dimensions: [255], data: []) }
        #expect(throws: GGUFError.self) { try writer.addTensor(named: "x", dimensions: [4], floats: [1, 2, 3]) }
        #expect(throws: GGUFError.self) { try GGUFWriter(alignment: 48) }
    }
}
