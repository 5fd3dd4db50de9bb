import Foundation
@testable import WardenEngine

/// A deliberately plain float64 dequantizer of the GGUF block layouts (as ggml documents them), written apart from
/// the C kernels so that the two check each other.
enum ReferenceDequantizer {
    static func half(_ bytes: [UInt8], _ offset: Int) -> Double {
        Double(Float(Float16(bitPattern: UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8)))
    }

    /// The 6-bit scale and min of sub-block j of a Q4_K/Q5_K block's 12 packed bytes.
    static func scaleMin(_ j: Int, _ s: ArraySlice<UInt8>) -> (Double, Double) {
        let q = Array(s)
        if j < 4 { return (Double(q[j] & 63), Double(q[j + 4] & 63)) }
        let scale = (q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4)
        let min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4)
        return (Double(scale), Double(min))
    }

    static func values(_ type: GGUFTensorType, _ bytes: [UInt8]) -> [Double] {
        var out: [Double] = []
        let blockBytes = type.bytesPerBlock
        for start in stride(from: 0, to: bytes.count, by: blockBytes) {
            let b = Array(bytes[start..<(start + blockBytes)])
            switch type {
            case .f32:
                out.append(Double(Float(bitPattern: UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24)))
            case .f16: out.append(half(b, 0))
            case .bf16: out.append(Double(Float(bitPattern: (UInt32(b[0]) | UInt32(b[1]) << 8) << 16)))
            case .q8_0:
                let d = half(b, 0)
                for i in 0..<32 { out.append(d * Double(Int8(bitPattern: b[2 + i]))) }
            case .q4_0, .q4_1:
                let d = half(b, 0)
                let m = type == .q4_1 ? half(b, 2) : 0
                let qs = type == .q4_1 ? 4 : 2
                let nibble = { (i: Int) -> Int in i < 16 ? Int(b[qs + i] & 0x0F) : Int(b[qs + i - 16] >> 4) }
                for i in 0..<32 { out.append(type == .q4_0 ? d * Double(nibble(i) - 8) : d * Double(nibble(i)) + m) }
            case .q5_0, .q5_1:
                let d = half(b, 0)
                let m = type == .q5_1 ? half(b, 2) : 0
                let qhOffset = type == .q5_1 ? 4 : 2
                let qh = UInt32(b[qhOffset]) | UInt32(b[qhOffset + 1]) << 8 | UInt32(b[qhOffset + 2]) << 16
                    | UInt32(b[qhOffset + 3]) << 24
                let qs = qhOffset + 4
                for i in 0..<32 {
                    let low = i < 16 ? Int(b[qs + i] & 0x0F) : Int(b[qs + i - 16] >> 4)
                    let q = low | Int((qh >> UInt32(i)) & 1) << 4
                    out.append(type == .q5_0 ? d * Double(q - 16) : d * Double(q) + m)
                }
            case .q4_K, .q5_K:
                let d = half(b, 0), dmin = half(b, 2)
                let scales = b[4..<16]
                let hasHigh = type == .q5_K
                let qs = hasHigh ? 48 : 16
                for i in 0..<256 {
                    let chunk = i / 64, within = i % 64, l = within % 32
                    let sub = 2 * chunk + (within >= 32 ? 1 : 0)
                    let byte = b[qs + 32 * chunk + l]
                    var q = Int(within < 32 ? byte & 0x0F : byte >> 4)
                    if hasHigh { q |= Int((b[16 + l] >> UInt8(sub)) & 1) << 4 }
                    let (sc, mn) = scaleMin(sub, scales)
                    out.append(d * sc * Double(q) - dmin * mn)
                }
            case .q6_K:
                let d = half(b, 208)
                for i in 0..<256 {
                    let half128 = i / 128, within = i % 128, quarter = within / 32, l = within % 32
                    let ql = b[64 * half128 + l + (quarter % 2 == 1 ? 32 : 0)]
                    let low = quarter < 2 ? Int(ql & 0x0F) : Int(ql >> 4)
                    let high = Int((b[128 + 32 * half128 + l] >> UInt8(2 * quarter)) & 3)
                    let scale = Double(Int8(bitPattern: b[192 + 8 * half128 + 2 * quarter + l / 16]))
                    out.append(d * scale * Double((low | high << 4) - 32))
                }
            }
        }
        return out
    }

    /// Random but valid blocks of `type` for `count` values: finite fp16 scales, any quant bits.
    static func randomBlocks(
        _ type: GGUFTensorType, count: Int, magnitude: Float = 1, using rng: inout some RandomNumberGenerator
    ) -> [UInt8] {
        let blocks = count / type.elementsPerBlock
        var bytes = (0..<(blocks * type.bytesPerBlock)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        func putHalf(_ offset: Int, _ value: Float) {
            let bits = Float16(value * magnitude).bitPattern
            bytes[offset] = UInt8(bits & 0xFF)
            bytes[offset + 1] = UInt8(bits >> 8)
        }
        for block in 0..<blocks {
            let o = block * type.bytesPerBlock
            switch type {
            case .f32:
                let v = (Float.random(in: -1...1, using: &rng) * magnitude).bitPattern
                for k in 0..<4 { bytes[o + k] = UInt8((v >> (8 * UInt32(k))) & 0xFF) }
            case .f16: putHalf(o, Float.random(in: -1...1, using: &rng))
            case .bf16:
                let v = (Float.random(in: -1...1, using: &rng) * magnitude).bitPattern >> 16
                bytes[o] = UInt8(v & 0xFF)
                bytes[o + 1] = UInt8(v >> 8)
            case .q8_0, .q4_0, .q5_0: putHalf(o, Float.random(in: -0.05...0.05, using: &rng))
            case .q4_1, .q5_1:
                putHalf(o, Float.random(in: -0.05...0.05, using: &rng))
                putHalf(o + 2, Float.random(in: -0.2...0.2, using: &rng))
            case .q4_K, .q5_K:
                putHalf(o, Float.random(in: 0...0.01, using: &rng))
                putHalf(o + 2, Float.random(in: 0...0.01, using: &rng))
            case .q6_K: putHalf(o + 208, Float.random(in: -0.002...0.002, using: &rng))
            }
        }
        return bytes
    }
}
