import CWardenKernels
import Foundation
import Testing
@testable import WardenEngine

/// A layer's query/key/value (and gate/up) products run as one call (`wk_matmul_multi`): one job when few tokens,
/// separate jobs sharing one quantized input for a prompt. Each product must still equal `wk_matmul` of it alone,
/// bit for bit, whatever mix of types it comes in.
@Suite("Several products of one input")
struct MultiMatmulTests {
    static let mixes: [[GGUFTensorType]] = [
        [.q5_0, .q5_0, .q8_0],  // the default model's query, key, value
        [.q4_K, .q6_K],         // same activation quantization, different kernels
        [.q8_0, .q4_K, .f32],   // different quantizations: run one by one
    ]

    @Test("each product equals the same product computed alone", arguments: 0..<3)
    func productsEqualSingleProducts(mix: Int) {
        var rng = SeededGenerator(seed: 77 + UInt64(mix))
        let types = Self.mixes[mix]
        let cols = 512
        let rowCounts = [40, 7, 129]
        let pool = wk_pool_create(2)
        defer { wk_pool_destroy(pool) }
        for tokens in [1, 5, 17] {
            let weights = types.enumerated().map { (i, type) in
                ReferenceDequantizer.randomBlocks(type, count: rowCounts[i] * cols, using: &rng)
            }
            let biases = types.indices.map { i in (0..<rowCounts[i]).map { _ in Float.random(in: -1...1, using: &rng) } }
            let x = (0..<(tokens * cols)).map { _ in Float.random(in: -2...2, using: &rng) }
            var outputs = types.indices.map { i in [Float](repeating: .nan, count: tokens * rowCounts[i]) }
            let scratch = UnsafeMutableRawPointer.allocate(
                byteCount: wk_matmul_multi_scratch_bytes(Int64(cols), Int64(tokens), Int32(types.count)), alignment: 64)
            defer { scratch.deallocate() }
            // Pin every buffer for the call: weights, biases and outputs.
            let weightBuffers = weights.map { UnsafeMutableRawBufferPointer.allocate(byteCount: $0.count, alignment: 64) }
            defer { weightBuffers.forEach { $0.deallocate() } }
            for (buffer, bytes) in zip(weightBuffers, weights) { buffer.copyBytes(from: bytes) }
            let biasBuffers = biases.map { UnsafeMutableBufferPointer<Float>.allocate(capacity: $0.count) }
            defer { biasBuffers.forEach { $0.deallocate() } }
            for (buffer, values) in zip(biasBuffers, biases) { _ = buffer.initialize(from: values) }
            let outputBuffers = outputs.map { UnsafeMutableBufferPointer<Float>.allocate(capacity: $0.count) }
            defer { outputBuffers.forEach { $0.deallocate() } }
            let parts = types.indices.map { i in
                wk_matmul_part(
                    type: Int32(types[i].rawValue), w: weightBuffers[i].baseAddress,
                    row_bytes: types[i].rowByteCount(elementCount: cols)!, rows: Int64(rowCounts[i]),
                    y: outputBuffers[i].baseAddress, y_stride: Int64(rowCounts[i]),
                    bias: UnsafePointer(biasBuffers[i].baseAddress))
            }
            wk_matmul_multi(pool, parts, Int32(parts.count), Int64(cols), x, Int64(cols), Int64(tokens), scratch)
            for i in types.indices { outputs[i] = Array(outputBuffers[i]) }
            for (i, type) in types.enumerated() {
                var alone = [Float](repeating: .nan, count: tokens * rowCounts[i])
                weights[i].withUnsafeBytes { w in
                    wk_matmul(pool, Int32(type.rawValue), w.baseAddress, type.rowByteCount(elementCount: cols)!,
                              Int64(rowCounts[i]), Int64(cols), x, Int64(cols), Int64(tokens), &alone,
                              Int64(rowCounts[i]), biases[i], scratch)
                }
                #expect(outputs[i].map(\.bitPattern) == alone.map(\.bitPattern), "\(type) in \(types), \(tokens) tokens")
                #expect(!alone.contains { $0.isNaN }, "\(type) left rows unwritten")
            }
        }
    }
}
