import Foundation
import CWardenKernels

/// The CPU backend: AVX2/FMA/F16C kernels (AVX-512 VNNI ones where the CPU has them, chosen at run time),
/// multi-threaded on a pool of worker threads that sleep when idle.
///
/// Not reentrant: the engine calls it from its single compute thread. `@unchecked Sendable` is sound under that rule,
/// which `InferenceEngine` enforces by owning the only compute thread.
public final class CPUBackend: ComputeBackend, @unchecked Sendable {
    private let pool: OpaquePointer
    private var scratch: UnsafeMutableRawPointer
    private var scratchBytes: Int
    public let threads: Int

    /// Creates a backend using `threads` threads in all (the caller included); `nil` picks the number of cores.
    public init(threads: Int? = nil) {
        let count = max(1, min(threads ?? CPUBackend.defaultThreadCount, 256))
        pool = wk_pool_create(Int32(count))
        self.threads = Int(wk_pool_threads(pool))
        scratchBytes = 1 << 16
        scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchBytes, alignment: 64)
    }

    deinit {
        wk_pool_destroy(pool)
        scratch.deallocate()
    }

    /// The number of processors this process may run on.
    public static var defaultThreadCount: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Names the widest kernel set in use, so benchmark figures say which code produced them.
    public var name: String { "\(wk_vnni_in_use() != 0 ? "cpu-avx512-vnni" : "cpu-avx2") (\(threads) threads)" }

    private func ensureScratch(_ bytes: Int) {
        guard bytes > scratchBytes else { return }
        scratch.deallocate()
        scratchBytes = max(bytes, scratchBytes * 2)
        scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchBytes, alignment: 64)
    }

    public func matmul(
        _ weight: WeightMatrix, input: UnsafePointer<Float>, inputStride: Int, tokens: Int,
        output: UnsafeMutablePointer<Float>, outputStride: Int, bias: UnsafePointer<Float>?
    ) {
        ensureScratch(wk_matmul_scratch_bytes(Int64(weight.columns), Int64(tokens)))
        wk_matmul(
            pool, Int32(weight.type.rawValue), weight.base, weight.rowByteCount, Int64(weight.rows),
            Int64(weight.columns), input, Int64(inputStride), Int64(tokens), output, Int64(outputStride), bias, scratch)
    }

    public func matmul(_ products: [MatmulProduct], input: UnsafePointer<Float>, inputStride: Int, tokens: Int) {
        guard let first = products.first else { return }
        let columns = first.weight.columns
        guard products.allSatisfy({ $0.weight.columns == columns }) else {
            return matmulEach(products, input: input, inputStride: inputStride, tokens: tokens)
        }
        ensureScratch(wk_matmul_multi_scratch_bytes(Int64(columns), Int64(tokens), Int32(products.count)))
        let parts = products.map {
            wk_matmul_part(
                type: Int32($0.weight.type.rawValue), w: $0.weight.base, row_bytes: $0.weight.rowByteCount,
                rows: Int64($0.weight.rows), y: $0.output, y_stride: Int64($0.outputStride), bias: $0.bias)
        }
        wk_matmul_multi(pool, parts, Int32(parts.count), Int64(columns), input, Int64(inputStride), Int64(tokens), scratch)
    }

    public func embeddingRow(_ table: WeightMatrix, row: Int, scale: Float, into output: UnsafeMutablePointer<Float>) {
        table.dequantizeRow(row, into: output)
        if scale != 1 {
            for i in 0..<table.columns { output[i] *= scale }
        }
    }

    public func rmsNorm(
        _ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, rows: Int,
        dimension: Int, epsilon: Float
    ) {
        wk_rms_norm_to(input, output, weight, Int64(rows), Int64(dimension), epsilon)
    }

    public func rope(
        _ values: UnsafeMutablePointer<Float>, tokens: Int, rowStride: Int, heads: Int, positions: UnsafePointer<Int32>,
        parameters: RopeParameters
    ) {
        func rotate(_ factors: UnsafePointer<Float>?) {
            wk_rope(
                values, Int64(tokens), Int64(rowStride), Int32(heads), Int32(parameters.headDimension),
                Int32(parameters.ropeDimension), parameters.neox ? 1 : 0, positions, parameters.thetaScale,
                parameters.frequencyScale, factors)
        }
        if let factors = parameters.frequencyFactors {
            factors.withUnsafeBufferPointer { rotate($0.baseAddress) }
        } else {
            rotate(nil)
        }
    }

    public func gatedActivation(
        _ activation: GatedActivation, gate: UnsafePointer<Float>, up: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, tokens: Int, count: Int, rowStride: Int
    ) {
        wk_glu(
            pool, activation == .silu ? 0 : 1, gate, up, output, Int64(tokens), Int64(count), Int64(rowStride),
            Int64(rowStride), Int64(rowStride))
    }

    public func attention(
        queries: UnsafePointer<Float>, rows: [AttentionRow], shape: AttentionShape, output: UnsafeMutablePointer<Float>
    ) {
        let maxCount = rows.reduce(0) { max($0, $1.count) }
        ensureScratch(threads * max(maxCount, 1) * MemoryLayout<Float>.stride)
        let descriptors = rows.map { wk_attn_row(k: $0.keys, v: $0.values, first: Int32($0.first), count: Int32($0.count)) }
        let stride = shape.heads * shape.headDimension
        descriptors.withUnsafeBufferPointer { buffer in
            wk_attention(
                pool, queries, Int64(stride), buffer.baseAddress, Int64(rows.count), Int32(shape.heads),
                Int32(shape.kvHeads), Int32(shape.headDimension), Int64(shape.kvStride), shape.scale, shape.softcap,
                output, Int64(stride), scratch.assumingMemoryBound(to: Float.self), Int64(max(maxCount, 1)))
        }
    }

    public func pagedAttention(
        queries: UnsafePointer<Float>, rows: [PagedAttentionRow], cache: PagedCacheLayer, shape: AttentionShape,
        output: UnsafeMutablePointer<Float>
    ) {
        let maxCount = rows.reduce(0) { max($0, $1.count) }
        ensureScratch(threads * max(maxCount, 1) * MemoryLayout<Float>.stride)
        let descriptors = rows.map { wk_paged_attn_row(blocks: $0.blocks, first: Int32($0.first), count: Int32($0.count)) }
        let stride = shape.heads * shape.headDimension
        descriptors.withUnsafeBufferPointer { buffer in
            wk_paged_attention(
                pool, queries, Int64(stride), buffer.baseAddress, Int64(rows.count), cache.keys, cache.values,
                Int64(cache.blockStride), Int32(cache.blockSize), Int32(shape.heads), Int32(shape.kvHeads),
                Int32(shape.headDimension), Int64(shape.kvStride), shape.scale, shape.softcap, output, Int64(stride),
                scratch.assumingMemoryBound(to: Float.self), Int64(max(maxCount, 1)))
        }
    }
}
