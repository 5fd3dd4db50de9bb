import Foundation
@testable import WardenEngine

/// A straightforward float64 llama/qwen2 forward pass over a whole token sequence, written from the papers
/// (RMSNorm, RoPE, grouped-query causal attention, SwiGLU) with no caching or batching, to check the engine against.
struct ReferenceTransformer {
    let model: SyntheticModel

    /// `rows × columns` matrix times vector.
    private func matvec(_ m: [Double], _ x: [Double], rows: Int) -> [Double] {
        let columns = x.count
        return (0..<rows).map { r in
            var s = 0.0
            for c in 0..<columns { s += m[r * columns + c] * x[c] }
            return s
        }
    }

    private func rmsNorm(_ x: [Double], _ w: [Double]) -> [Double] {
        let mean = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
        let scale = 1 / (mean + model.epsilon).squareRoot()
        return zip(x, w).map { $0 * scale * $1 }
    }

    private func rope(_ v: inout [Double], head: Int, position: Int) {
        let hd = model.headDim, half = hd / 2
        for i in 0..<half {
            let theta = Double(position) * pow(model.ropeBase, -2 * Double(i) / Double(hd))
            let (a, b) = model.architecture == .llama ? (2 * i, 2 * i + 1) : (i, i + half)
            let x0 = v[head * hd + a], x1 = v[head * hd + b]
            v[head * hd + a] = x0 * cos(theta) - x1 * sin(theta)
            v[head * hd + b] = x0 * sin(theta) + x1 * cos(theta)
        }
    }

    /// Logits after each token of `tokens`.
    func logits(_ tokens: [Int32]) -> [[Double]] {
        let m = model, dim = m.dim, hd = m.headDim
        let embedding = m.w("token_embd.weight")
        var hidden = tokens.map { Array(embedding[(Int($0) * dim)..<(Int($0) * dim + dim)]) }
        for l in 0..<m.layers {
            let p = "blk.\(l)."
            var keys: [[Double]] = [], values: [[Double]] = [], queries: [[Double]] = []
            for (t, x) in hidden.enumerated() {
                let h = rmsNorm(x, m.w(p + "attn_norm.weight"))
                var q = matvec(m.w(p + "attn_q.weight"), h, rows: dim)
                var k = matvec(m.w(p + "attn_k.weight"), h, rows: m.kvHeads * hd)
                var v = matvec(m.w(p + "attn_v.weight"), h, rows: m.kvHeads * hd)
                if m.architecture == .qwen2 {
                    q = zip(q, m.w(p + "attn_q.bias")).map(+)
                    k = zip(k, m.w(p + "attn_k.bias")).map(+)
                    v = zip(v, m.w(p + "attn_v.bias")).map(+)
                }
                for head in 0..<m.heads { rope(&q, head: head, position: t) }
                for head in 0..<m.kvHeads { rope(&k, head: head, position: t) }
                queries.append(q)
                keys.append(k)
                values.append(v)
            }
            for t in 0..<hidden.count {
                var attended = [Double](repeating: 0, count: dim)
                for head in 0..<m.heads {
                    let kvHead = head / (m.heads / m.kvHeads)
                    let scores = (0...t).map { j in
                        (0..<hd).reduce(0.0) { $0 + queries[t][head * hd + $1] * keys[j][kvHead * hd + $1] }
                            / Double(hd).squareRoot()
                    }
                    let top = scores.max()!
                    let weights = scores.map { exp($0 - top) }
                    let total = weights.reduce(0, +)
                    for j in 0...t {
                        for i in 0..<hd { attended[head * hd + i] += weights[j] / total * values[j][kvHead * hd + i] }
                    }
                }
                let projected = matvec(m.w(p + "attn_output.weight"), attended, rows: dim)
                hidden[t] = zip(hidden[t], projected).map(+)
                let h = rmsNorm(hidden[t], m.w(p + "ffn_norm.weight"))
                let gate = matvec(m.w(p + "ffn_gate.weight"), h, rows: m.ff)
                let up = matvec(m.w(p + "ffn_up.weight"), h, rows: m.ff)
                let activated = zip(gate, up).map { g, u in g / (1 + exp(-g)) * u }
                hidden[t] = zip(hidden[t], matvec(m.w(p + "ffn_down.weight"), activated, rows: dim)).map(+)
            }
        }
        let output = m.architecture == .llama ? m.w("output.weight") : embedding
        return hidden.map { matvec(output, rmsNorm($0, m.w("output_norm.weight")), rows: m.vocab) }
    }
}
