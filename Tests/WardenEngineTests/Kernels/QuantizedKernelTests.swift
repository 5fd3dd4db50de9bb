import CWardenKernels
import Foundation
import Testing
@testable import WardenEngine

@Suite("Quantized CPU kernels")
struct QuantizedKernelTests {
    static let types: [GGUFTensorType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]
    static let columns = 512

    @Test("dequantization of every type equals a float64 reference", arguments: types)
    func dequantizationMatchesReference(type: GGUFTensorType) {
        var rng = SeededGenerator(seed: 1 + UInt64(type.rawValue))
        let bytes = ReferenceDequantizer.randomBlocks(type, count: Self.columns, using: &rng)
        let expected = ReferenceDequantizer.values(type, bytes)
        var actual = [Float](repeating: 0, count: Self.columns)
        bytes.withUnsafeBytes { wk_dequantize(Int32(type.rawValue), $0.baseAddress, &actual, Int64(Self.columns)) }
        for i in 0..<Self.columns {
            #expect(abs(Double(actual[i]) - expected[i]) <= 1e-6 * max(1, abs(expected[i])), "\(type) value \(i)")
        }
    }

    @Test("dot products on quantized blocks equal the float64 dot product within the activation rounding", arguments: types)
    func dotProductMatchesReference(type: GGUFTensorType) {
        var rng = SeededGenerator(seed: 100 + UInt64(type.rawValue))
        let bytes = ReferenceDequantizer.randomBlocks(type, count: Self.columns, using: &rng)
        let weights = ReferenceDequantizer.values(type, bytes)
        let x = (0..<Self.columns).map { _ in Float.random(in: -2...2, using: &rng) }
        let exact = zip(weights, x).reduce(0.0) { $0 + $1.0 * Double($1.1) }
        let scale = zip(weights, x).reduce(0.0) { $0 + abs($1.0 * Double($1.1)) }
        var quantized = [wk_q8_block](repeating: wk_q8_block(), count: Self.columns / 32)
        let mode = wk_type_q8_mode(Int32(type.rawValue))
        wk_quantize_q8_mode(x, &quantized, Int64(Self.columns), mode)
        let dot = bytes.withUnsafeBytes {
            wk_vec_dot(Int32(type.rawValue), $0.baseAddress, quantized, x, Int64(Self.columns))
        }
        // Against the activations as quantized: only float summation order differs.
        var dequantizedX: [Double] = []
        for block in quantized {
            withUnsafeBytes(of: block.qs) { q in
                for v in q.bindMemory(to: Int8.self) { dequantizedX.append(Double(block.d) * Double(v)) }
            }
        }
        let onQuantized = wk_type_uses_q8(Int32(type.rawValue)) != 0
            ? zip(weights, dequantizedX).reduce(0.0) { $0 + $1.0 * $1.1 } : exact
        #expect(abs(Double(dot) - onQuantized) <= 1e-4 * scale + 1e-6, "\(type): \(dot) vs \(onQuantized)")
        // Against exact activations: 8-bit activations cost at most ~1% of the absolute sum.
        #expect(abs(Double(dot) - exact) <= 0.01 * scale + 1e-6, "\(type): \(dot) vs \(exact)")
    }

    @Test("a multi-threaded batched matrix product equals row-by-row dot products", arguments: [GGUFTensorType.q8_0, .q4_K, .q6_K, .f32])
    func batchedMatmulMatchesDots(type: GGUFTensorType) {
        var rng = SeededGenerator(seed: 7)
        let rows = 300, cols = 256, tokens = 5
        let rowBytes = type.rowByteCount(elementCount: cols)!
        let bytes = ReferenceDequantizer.randomBlocks(type, count: rows * cols, using: &rng)
        let x = (0..<(tokens * cols)).map { _ in Float.random(in: -1...1, using: &rng) }
        var y = [Float](repeating: .nan, count: tokens * rows)
        let bias = (0..<rows).map { Float($0) * 0.01 }
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: wk_matmul_scratch_bytes(Int64(cols), Int64(tokens)), alignment: 64)
        defer { scratch.deallocate() }
        let pool = wk_pool_create(2)
        defer { wk_pool_destroy(pool) }
        bytes.withUnsafeBytes { w in
            wk_matmul(pool, Int32(type.rawValue), w.baseAddress, rowBytes, Int64(rows), Int64(cols), x, Int64(cols),
                      Int64(tokens), &y, Int64(rows), bias, scratch)
        }
        var q = [wk_q8_block](repeating: wk_q8_block(), count: cols / 32)
        for t in 0..<tokens {
            let xt = Array(x[(t * cols)..<((t + 1) * cols)])
            wk_quantize_q8_mode(xt, &q, Int64(cols), wk_type_q8_mode(Int32(type.rawValue)))
            for r in 0..<rows {
                let d = bytes.withUnsafeBytes {
                    wk_vec_dot(Int32(type.rawValue), $0.baseAddress! + r * rowBytes, q, xt, Int64(cols))
                }
                #expect(y[t * rows + r] == d + bias[r], "row \(r) token \(t)")
            }
        }
    }

    @Test("the worker pool runs every task exactly once, many times over")
    func poolRunsEveryTaskOnce() {
        let pool = wk_pool_create(3)
        defer { wk_pool_destroy(pool) }
        let counts = UnsafeMutablePointer<Int32>.allocate(capacity: 1000)
        defer { counts.deallocate() }
        for round in 0..<200 {
            let n = 1 + (round * 37) % 1000
            counts.initialize(repeating: 0, count: 1000)
            wk_pool_run(pool, { context, task, _ in
                let c = context!.assumingMemoryBound(to: Int32.self)
                // Each task index is claimed by exactly one thread, so this plain increment does not race.
                c[Int(task)] += 1
            }, counts, Int64(n), 1)
            #expect((0..<n).allSatisfy { counts[$0] == 1 }, "round \(round)")
            #expect((n..<1000).allSatisfy { counts[$0] == 0 }, "round \(round)")
        }
    }
}

@Suite("Batched matrix products")
struct BatchedMatmulTests {
    @Test("a token's results are bit-identical alone and in a batch of any size", arguments: [GGUFTensorType.q8_0, .q5_0, .q4_0, .q4_K, .q5_K, .q6_K, .q4_1, .f16])
    func batchSizeDoesNotChangeResults(type: GGUFTensorType) {
        var rng = SeededGenerator(seed: 99)
        let rows = 64, cols = 512, tokens = 9
        let rowBytes = type.rowByteCount(elementCount: cols)!
        let bytes = ReferenceDequantizer.randomBlocks(type, count: rows * cols, using: &rng)
        let x = (0..<(tokens * cols)).map { _ in Float.random(in: -1...1, using: &rng) }
        let pool = wk_pool_create(2)
        defer { wk_pool_destroy(pool) }
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: wk_matmul_scratch_bytes(Int64(cols), Int64(tokens)), alignment: 64)
        defer { scratch.deallocate() }
        var batched = [Float](repeating: .nan, count: tokens * rows)
        bytes.withUnsafeBytes { w in
            wk_matmul(pool, Int32(type.rawValue), w.baseAddress, rowBytes, Int64(rows), Int64(cols), x, Int64(cols),
                      Int64(tokens), &batched, Int64(rows), nil, scratch)
        }
        for t in 0..<tokens {
            var alone = [Float](repeating: .nan, count: rows)
            bytes.withUnsafeBytes { w in
                x.withUnsafeBufferPointer { xs in
                    wk_matmul(pool, Int32(type.rawValue), w.baseAddress, rowBytes, Int64(rows), Int64(cols),
                              xs.baseAddress! + t * cols, Int64(cols), 1, &alone, Int64(rows), nil, scratch)
                }
            }
            #expect(Array(batched[(t * rows)..<((t + 1) * rows)]) == alone, "\(type) token \(t)")
        }
    }
}
