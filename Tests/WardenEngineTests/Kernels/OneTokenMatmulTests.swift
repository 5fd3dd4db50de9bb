import CWardenKernels
import Foundation
import Testing
@testable import WardenEngine

/// Generating one token runs Q8_0/Q5_0/Q4_0 rows four at a time through a separate kernel (gemv.c) on CPUs with
/// AVX-512 VNNI, and Q4_K/Q6_K rows through the batched tile kernels. Their results must equal the row kernels'
/// (`wk_vec_dot`, the ones that follow llama.cpp), bit for bit: for every row of a partial last tile, rows split
/// across tasks, every byte value (-128 included) and a bias.
@Suite("One-token matrix products")
struct OneTokenMatmulTests {
    @Test("every row equals the row kernel's dot product bit for bit",
          arguments: [GGUFTensorType.q8_0, .q5_0, .q4_0, .q4_K, .q6_K])
    func rowsEqualTheRowKernel(type: GGUFTensorType) {
        forEachKernelSet { label in checkRows(type: type, label: label) }
    }

    private func checkRows(type: GGUFTensorType, label: String) {
        var rng = SeededGenerator(seed: 4242)
        let pool = wk_pool_create(2)
        defer { wk_pool_destroy(pool) }
        let shapes = type.elementsPerBlock == 256
            ? [(1, 256), (3, 512), (37, 1024), (130, 256), (1031, 2048)]
            : [(1, 32), (3, 640), (5, 96), (37, 640), (130, 256), (1031, 640)]
        for (rows, cols) in shapes {
            let rowBytes = type.rowByteCount(elementCount: cols)!
            let bytes = ReferenceDequantizer.randomBlocks(type, count: rows * cols, using: &rng)
            let x = (0..<cols).map { _ in Float.random(in: -3...3, using: &rng) }
            let bias = (0..<rows).map { _ in Float.random(in: -1...1, using: &rng) }
            let scratch = UnsafeMutableRawPointer.allocate(
                byteCount: wk_matmul_scratch_bytes(Int64(cols), 1), alignment: 64)
            defer { scratch.deallocate() }
            var product = [Float](repeating: .nan, count: rows)
            bytes.withUnsafeBytes { w in
                wk_matmul(pool, Int32(type.rawValue), w.baseAddress, rowBytes, Int64(rows), Int64(cols), x,
                          Int64(cols), 1, &product, Int64(rows), bias, scratch)
            }
            var activation = [wk_q8_block](repeating: wk_q8_block(), count: cols / 32)
            wk_quantize_q8_mode(x, &activation, Int64(cols), wk_type_q8_mode(Int32(type.rawValue)))
            let expected = bytes.withUnsafeBytes { w in
                (0..<rows).map { r in
                    wk_vec_dot(Int32(type.rawValue), w.baseAddress! + r * rowBytes, activation, nil, Int64(cols))
                        + bias[r]
                }
            }
            #expect(product.map(\.bitPattern) == expected.map(\.bitPattern), "\(type) \(label) \(rows) x \(cols)")
        }
    }
}
