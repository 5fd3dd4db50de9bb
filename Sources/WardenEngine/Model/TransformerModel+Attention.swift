import CWardenKernels

/// Which sequence and position each activation row belongs to in a forward pass.
struct RowLayout {
    let positions: [Int32]
    let sequenceOfRow: [Int]
}

/// A sequence's cache as the layer code addresses it during one pass.
enum RowCache {
    case contiguous(KVCacheSlot)
    /// The sequence's block table, inside the pass's table buffer.
    case paged(UnsafePointer<Int32>)
}

extension TransformerModel {
    /// Stores this pass's keys and values (fp16) at each row's position, then lets each row attend over its own
    /// sequence's cache: positions `0...position`, or only the last `slidingWindow` of them on a sliding-window layer.
    /// Paged and contiguous caches run the same arithmetic, so a row's result does not depend on where its cache lives.
    func storeAndAttend(layer: Int, tokens: Int, rows: RowLayout, caches: [RowCache], isLocal: Bool) {
        let hp = self.hp
        let s = scratch
        let kvDim = hp.kvHeadCount * hp.headDimension
        let shape = AttentionShape(
            heads: hp.headCount, kvHeads: hp.kvHeadCount, headDimension: hp.headDimension, kvStride: kvDim,
            scale: scalesQueries ? 1 : hp.attentionScale, softcap: hp.attentionLogitSoftcap)
        func visible(_ position: Int) -> (first: Int, count: Int) {
            let first = isLocal ? max(0, position - hp.slidingWindow + 1) : 0
            return (first, position - first + 1)
        }
        if let pool, case .paged = caches.first {
            let keyBase = pool.keyBase(layer: layer), valueBase = pool.valueBase(layer: layer)
            var attentionRows: [PagedAttentionRow] = []
            attentionRows.reserveCapacity(tokens)
            for r in 0..<tokens {
                guard case .paged(let table) = caches[rows.sequenceOfRow[r]] else { continue }
                let position = Int(rows.positions[r])
                let offset = Int(table[position / pool.blockSize]) * pool.blockStride + (position % pool.blockSize) * kvDim
                wk_f32_to_f16(s.key + r * kvDim, keyBase + offset, Int64(kvDim))
                wk_f32_to_f16(s.value + r * kvDim, valueBase + offset, Int64(kvDim))
                let view = visible(position)
                attentionRows.append(PagedAttentionRow(blocks: table, first: view.first, count: view.count))
            }
            let layout = PagedCacheLayer(
                keys: keyBase, values: valueBase, blockStride: pool.blockStride, blockSize: pool.blockSize)
            backend.pagedAttention(queries: s.query, rows: attentionRows, cache: layout, shape: shape, output: s.attention)
            return
        }
        var attentionRows: [AttentionRow] = []
        attentionRows.reserveCapacity(tokens)
        for r in 0..<tokens {
            guard case .contiguous(let slot) = caches[rows.sequenceOfRow[r]] else { continue }
            let position = Int(rows.positions[r])
            let keys = slot.keyRows(layer: layer), values = slot.valueRows(layer: layer)
            wk_f32_to_f16(s.key + r * kvDim, keys + position * kvDim, Int64(kvDim))
            wk_f32_to_f16(s.value + r * kvDim, values + position * kvDim, Int64(kvDim))
            let view = visible(position)
            attentionRows.append(AttentionRow(keys: keys, values: values, first: view.first, count: view.count))
        }
        backend.attention(queries: s.query, rows: attentionRows, shape: shape, output: s.attention)
    }
}
