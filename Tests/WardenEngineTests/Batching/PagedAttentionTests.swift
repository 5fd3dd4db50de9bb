import Foundation
import Testing
@testable import WardenEngine

@Suite("Paged attention")
struct PagedAttentionTests {
    @Test("attention through shuffled block tables equals contiguous attention bit for bit, windowed or not")
    func pagedEqualsContiguous() throws {
        var rng = SeededGenerator(seed: 7)
        let backend = CPUBackend(threads: 2)
        for (heads, kvHeads, headDim, blockSize) in [(4, 2, 64, 4), (8, 1, 40, 16), (2, 2, 256, 3)] {
            let kvStride = kvHeads * headDim
            let positions = 37
            // Contiguous cache.
            let keys = (0..<(positions * kvStride)).map { _ in f16(Float.random(in: -2...2, using: &rng)) }
            let values = (0..<(positions * kvStride)).map { _ in f16(Float.random(in: -2...2, using: &rng)) }
            // The same rows scattered over a pool through a shuffled block table.
            let blocksNeeded = (positions + blockSize - 1) / blockSize
            let poolBlocks = blocksNeeded + 5
            let table = Array((0..<Int32(poolBlocks)).shuffled(using: &rng).prefix(blocksNeeded))
            var pagedKeys = [UInt16](repeating: 0xFFFF, count: poolBlocks * blockSize * kvStride)  // NaN filler
            var pagedValues = pagedKeys
            for p in 0..<positions {
                let offset = Int(table[p / blockSize]) * blockSize * kvStride + (p % blockSize) * kvStride
                for i in 0..<kvStride {
                    pagedKeys[offset + i] = keys[p * kvStride + i]
                    pagedValues[offset + i] = values[p * kvStride + i]
                }
            }
            let queryCount = 9
            let queries = (0..<(queryCount * heads * headDim)).map { _ in Float.random(in: -1...1, using: &rng) }
            let visible: [(first: Int, count: Int)] = (0..<queryCount).map { i in
                let position = positions - queryCount + i
                return i % 2 == 0 ? (0, position + 1) : (max(0, position - 7), min(position + 1, 8))  // windowed rows
            }
            let shape = AttentionShape(
                heads: heads, kvHeads: kvHeads, headDimension: headDim, kvStride: kvStride, scale: 0.125, softcap: 0)
            var contiguous = [Float](repeating: 0, count: queryCount * heads * headDim)
            var paged = contiguous
            keys.withUnsafeBufferPointer { k in
                values.withUnsafeBufferPointer { v in
                    let rows = visible.map { AttentionRow(keys: k.baseAddress!, values: v.baseAddress!, first: $0.first, count: $0.count) }
                    backend.attention(queries: queries, rows: rows, shape: shape, output: &contiguous)
                }
            }
            table.withUnsafeBufferPointer { t in
                pagedKeys.withUnsafeBufferPointer { k in
                    pagedValues.withUnsafeBufferPointer { v in
                        let rows = visible.map { PagedAttentionRow(blocks: t.baseAddress!, first: $0.first, count: $0.count) }
                        let layer = PagedCacheLayer(
                            keys: k.baseAddress!, values: v.baseAddress!, blockStride: blockSize * kvStride,
                            blockSize: blockSize)
                        backend.pagedAttention(queries: queries, rows: rows, cache: layer, shape: shape, output: &paged)
                    }
                }
            }
            #expect(contiguous.map(\.bitPattern) == paged.map(\.bitPattern), "heads \(heads) kv \(kvHeads) dim \(headDim)")
            #expect(contiguous.allSatisfy { $0.isFinite })
        }
    }

    @Test("a forward pass over paged blocks gives the logits of the contiguous cache bit for bit, chunk by chunk")
    func modelForwardPagedEqualsContiguous() throws {
        let model = try BatchTestSupport.model(architecture: .llama)
        let pool = KVBlockPool(hyperparameters: model.hyperparameters, blockSize: 4, blockCount: 32)
        let transformer = TransformerModel(weights: model.weights, backend: CPUBackend(threads: 1), pool: pool)
        let prompt = BatchTestSupport.prompt(23, seed: 3)
        let slot = KVCacheSlot(hyperparameters: model.hyperparameters, capacity: 64)
        let reference = try transformer.forward([SequenceStep(tokens: prompt, slot: slot)])[0]!
        // Blocks in reverse order, the prompt in uneven chunks.
        let blocks: [Int32] = (0..<6).map { 31 - Int32($0) * 3 }
        var logits: [Float] = []
        var position = 0
        for chunk in [5, 1, 9, 8] {
            let tokens = Array(prompt[position..<(position + chunk)])
            let isLast = position + chunk == prompt.count
            try transformer.forward([ForwardSequence(tokens: tokens, position: position, cache: .paged(blocks: blocks), wantsLogits: isLast)]) {
                _, l in logits = Array(l)
            }
            position += chunk
        }
        #expect(logits.map(\.bitPattern) == reference.map(\.bitPattern))
    }

    @Test("a batch that mixes paged and contiguous caches, or points outside the pool, is refused")
    func badPagedBatchesAreRefused() throws {
        let model = try BatchTestSupport.model()
        let pool = KVBlockPool(hyperparameters: model.hyperparameters, blockSize: 4, blockCount: 4)
        let transformer = TransformerModel(weights: model.weights, backend: CPUBackend(threads: 1), pool: pool)
        let slot = KVCacheSlot(hyperparameters: model.hyperparameters, capacity: 8)
        #expect(throws: EngineError(.invalidRequest, "")) {
            try transformer.forward([
                ForwardSequence(tokens: [1], position: 0, cache: .paged(blocks: [0]), wantsLogits: true),
                ForwardSequence(tokens: [1], position: 0, cache: .contiguous(slot), wantsLogits: true),
            ]) { _, _ in }
        }
        #expect(throws: EngineError(.invalidRequest, "")) {
            try transformer.forward([ForwardSequence(tokens: [1], position: 0, cache: .paged(blocks: [9]), wantsLogits: true)]) { _, _ in }
        }
        #expect(throws: EngineError(.contextFull, "")) {
            try transformer.forward([ForwardSequence(tokens: [1, 2, 3, 4, 5], position: 0, cache: .paged(blocks: [0]), wantsLogits: true)]) { _, _ in }
        }
    }

    private func f16(_ value: Float) -> UInt16 { Float16(value).bitPattern }
}
