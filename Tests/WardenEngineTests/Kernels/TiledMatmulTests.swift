import CWardenKernels
import Foundation
import Testing
@testable import WardenEngine

/// The batched products run weight rows in tiles (two or four rows by four tokens for Q8_0/Q5_0/Q4_0 with AVX-512
/// VNNI, one row by four tokens for Q4_K/Q6_K), so the edges matter: an odd last row, a last group of one to three tokens,
/// rows split across tasks. Each token's results must still equal what the one-token kernel gives it, bit for bit.
@Suite("Tiled batched matrix products")
struct TiledMatmulTests {
    /// Two-row tiles below 8 tokens, four-row tiles from 8 on; tasks of 16 rows leave 1-3 rows in a last tile.
    /// K types take chunks of up to 64 tokens from 8 tokens on (70 = a full chunk and a partial one).
    static let shapes: [(rows: Int, tokens: Int)] = [
        (37, 2), (37, 3), (1, 5), (45, 4), (33, 7), (38, 8), (23, 12), (129, 16), (35, 17), (18, 20), (7, 33), (5, 70),
    ]

    @Test("every token of every tile shape gets bit-identical results to the one-token kernel",
          arguments: [GGUFTensorType.q8_0, .q5_0, .q4_0, .q4_K, .q6_K])
    func tileEdgesKeepResultsBitIdentical(type: GGUFTensorType) {
        forEachKernelSet { label in checkTiles(type: type, label: label) }
    }

    private func checkTiles(type: GGUFTensorType, label: String) {
        var rng = SeededGenerator(seed: 2026)
        let cols = 768
        let pool = wk_pool_create(2)
        defer { wk_pool_destroy(pool) }
        for shape in Self.shapes {
            let rowBytes = type.rowByteCount(elementCount: cols)!
            let bytes = ReferenceDequantizer.randomBlocks(type, count: shape.rows * cols, using: &rng)
            let x = (0..<(shape.tokens * cols)).map { _ in Float.random(in: -2...2, using: &rng) }
            let bias = (0..<shape.rows).map { _ in Float.random(in: -1...1, using: &rng) }
            let scratch = UnsafeMutableRawPointer.allocate(
                byteCount: wk_matmul_scratch_bytes(Int64(cols), Int64(shape.tokens)), alignment: 64)
            defer { scratch.deallocate() }
            var batched = [Float](repeating: .nan, count: shape.tokens * shape.rows)
            bytes.withUnsafeBytes { w in
                wk_matmul(pool, Int32(type.rawValue), w.baseAddress, rowBytes, Int64(shape.rows), Int64(cols), x,
                          Int64(cols), Int64(shape.tokens), &batched, Int64(shape.rows), bias, scratch)
            }
            for t in 0..<shape.tokens {
                var alone = [Float](repeating: .nan, count: shape.rows)
                bytes.withUnsafeBytes { w in
                    x.withUnsafeBufferPointer { xs in
                        wk_matmul(pool, Int32(type.rawValue), w.baseAddress, rowBytes, Int64(shape.rows), Int64(cols),
                                  xs.baseAddress! + t * cols, Int64(cols), 1, &alone, Int64(shape.rows), bias, scratch)
                    }
                }
                let got = Array(batched[(t * shape.rows)..<((t + 1) * shape.rows)])
                #expect(got.map(\.bitPattern) == alone.map(\.bitPattern),
                        "\(type) \(label) rows \(shape.rows) tokens \(shape.tokens) token \(t)")
                #expect(!alone.contains { $0.isNaN }, "\(type) rows \(shape.rows) token \(t) left unwritten")
            }
        }
    }
}
