import Foundation
@testable import WardenEngine

/// A small random llama or qwen2 model written as GGUF with `GGUFWriter`, its matrices in a chosen tensor type, and
/// the same weights dequantized in float64 for `ReferenceTransformer`.
struct SyntheticModel {
    let architecture: ModelArchitecture
    let dim = 256, layers = 2, heads = 4, kvHeads = 2, ff = 512, vocab = 300
    var headDim: Int { dim / heads }
    let ropeBase = 10_000.0, epsilon = 1e-5
    /// Float64 weights by tensor name, row-major `[rows][columns]` flattened.
    private(set) var weights: [String: [Double]] = [:]
    private(set) var bytes: [UInt8] = []

    init(architecture: ModelArchitecture, matrixType: GGUFTensorType, seed: UInt64) throws {
        self.architecture = architecture
        var rng = SeededGenerator(seed: seed)
        var writer = try GGUFWriter()
        let a = architecture.rawValue
        writer.setValue(.string(a), forKey: "general.architecture")
        writer.setValue(.uint32(64), forKey: "\(a).context_length")
        writer.setValue(.uint32(UInt32(dim)), forKey: "\(a).embedding_length")
        writer.setValue(.uint32(UInt32(layers)), forKey: "\(a).block_count")
        writer.setValue(.uint32(UInt32(ff)), forKey: "\(a).feed_forward_length")
        writer.setValue(.uint32(UInt32(heads)), forKey: "\(a).attention.head_count")
        writer.setValue(.uint32(UInt32(kvHeads)), forKey: "\(a).attention.head_count_kv")
        writer.setValue(.float32(Float(ropeBase)), forKey: "\(a).rope.freq_base")
        writer.setValue(.float32(Float(epsilon)), forKey: "\(a).attention.layer_norm_rms_epsilon")

        func matrix(_ name: String, rows: Int, columns: Int) throws {
            // Scales chosen so that values are about ±1/sqrt(columns) × a few, as in trained models.
            let magnitude: Float = matrixType.elementsPerBlock == 256 ? 0.15 : (matrixType.elementsPerBlock == 32 ? 1.5 : 0.12)
            let data = ReferenceDequantizer.randomBlocks(matrixType, count: rows * columns, magnitude: magnitude, using: &rng)
            try writer.addTensor(named: name, type: matrixType, dimensions: [columns, rows], data: data)
            weights[name] = ReferenceDequantizer.values(matrixType, data)
        }
        func vector(_ name: String, count: Int, around center: Float, spread: Float) throws {
            let values = (0..<count).map { _ in center + Float.random(in: -spread...spread, using: &rng) }
            try writer.addTensor(named: name, dimensions: [count], floats: values)
            weights[name] = values.map(Double.init)
        }
        try matrix("token_embd.weight", rows: vocab, columns: dim)
        try vector("output_norm.weight", count: dim, around: 1, spread: 0.2)
        if architecture == .llama { try matrix("output.weight", rows: vocab, columns: dim) }
        for l in 0..<layers {
            let p = "blk.\(l)."
            try vector(p + "attn_norm.weight", count: dim, around: 1, spread: 0.2)
            try matrix(p + "attn_q.weight", rows: dim, columns: dim)
            try matrix(p + "attn_k.weight", rows: kvHeads * headDim, columns: dim)
            try matrix(p + "attn_v.weight", rows: kvHeads * headDim, columns: dim)
            if architecture == .qwen2 {
                try vector(p + "attn_q.bias", count: dim, around: 0, spread: 0.1)
                try vector(p + "attn_k.bias", count: kvHeads * headDim, around: 0, spread: 0.1)
                try vector(p + "attn_v.bias", count: kvHeads * headDim, around: 0, spread: 0.1)
            }
            try matrix(p + "attn_output.weight", rows: dim, columns: dim)
            try vector(p + "ffn_norm.weight", count: dim, around: 1, spread: 0.2)
            try matrix(p + "ffn_gate.weight", rows: ff, columns: dim)
            try matrix(p + "ffn_up.weight", rows: ff, columns: dim)
            try matrix(p + "ffn_down.weight", rows: dim, columns: ff)
        }
        bytes = writer.serialized()
    }

    func w(_ name: String) -> [Double] { weights[name]! }
}
