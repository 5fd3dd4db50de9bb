// Dot products of one quantized weight row with one activation row, computed on the blocks without dequantizing.
#include "wk_internal.h"
#include <math.h>

// The quantized kernels reproduce the float arithmetic of llama.cpp's x86 CPU kernels for the same types (integer
// parts are exact, so only where floats are rounded and in which order matters): one 8-lane accumulator in block
// order and ggml's horizontal sum for Q4_0/Q5_0/Q8_0 (ggml_vec_dot_q8_0_q8_0 and llamafile's tinyBLAS agree on it),
// per-super-block integer sums for the K types (ggml's repacked Q4_K GEMV/GEMM, ggml_vec_dot_q5_K/q6_K_q8_K). The
// model amplifies a last-bit difference into visibly different log-probabilities, so this is what keeps Warden on
// llama.cpp's tokens.

/// Sum over 32 lanes of signed x * signed y, as 8 int32 lanes (lane l sums bytes 4l..4l+3).
static inline __m256i dot_i8_lanes(__m256i x, __m256i y) {
    const __m256i pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
    return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
}

/// Q4_0/Q5_0/Q8_0 blocks expanded to 32 signed bytes.
static inline __m256i q8_0_values(const wk_block_q8_0 *b) { return wk_load32(b->qs); }
static inline __m256i q4_0_values(const wk_block_q4_0 *b) {
    return _mm256_sub_epi8(wk_unpack_nibbles(b->qs), _mm256_set1_epi8(8));
}
static inline __m256i q5_0_values(const wk_block_q5_0 *b) {
    const __m256i sixteen = _mm256_set1_epi8(16);
    const __m256i high = _mm256_and_si256(wk_bits_to_bytes(b->qh), sixteen);
    return _mm256_sub_epi8(_mm256_or_si256(wk_unpack_nibbles(b->qs), high), sixteen);
}

#define WK_DOT_Q0(name, block_type, values, prefetch)                                                          \
    static float name(const block_type *w, const wk_q8_block *a, int64_t nb) {                                 \
        __m256 acc = _mm256_setzero_ps();                                                                      \
        for (int64_t i = 0; i < nb; i++) {                                                                     \
            if (prefetch) _mm_prefetch((const char *)(w + i) + 512, _MM_HINT_T0);                              \
            const __m256 d = _mm256_set1_ps(wk_f16(w[i].d) * a[i].d);                                          \
            acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_i8_lanes(values(w + i), wk_load32(a[i].qs))), acc); \
        }                                                                                                      \
        return wk_hsum(acc);                                                                                   \
    }

WK_DOT_Q0(dot_q8_0, wk_block_q8_0, q8_0_values, 1)
WK_DOT_Q0(dot_q4_0, wk_block_q4_0, q4_0_values, 0)
WK_DOT_Q0(dot_q5_0, wk_block_q5_0, q5_0_values, 1)

static float dot_q4_1(const wk_block_q4_1 *w, const wk_q8_block *a, int64_t nb) {
    __m256 acc = _mm256_setzero_ps();
    float offset = 0.0f;
    for (int64_t i = 0; i < nb; i++) {
        const __m256 d = _mm256_set1_ps(wk_f16(w[i].d) * a[i].d);
        offset += wk_f16(w[i].m) * a[i].s;
        acc = _mm256_fmadd_ps(d, wk_dot_u8(wk_unpack_nibbles(w[i].qs), wk_load32(a[i].qs)), acc);
    }
    return wk_hsum(acc) + offset;
}

static float dot_q5_1(const wk_block_q5_1 *w, const wk_q8_block *a, int64_t nb) {
    __m256 acc = _mm256_setzero_ps();
    float offset = 0.0f;
    const __m256i sixteen = _mm256_set1_epi8(16);
    for (int64_t i = 0; i < nb; i++) {
        const __m256 d = _mm256_set1_ps(wk_f16(w[i].d) * a[i].d);
        offset += wk_f16(w[i].m) * a[i].s;
        const __m256i high = _mm256_and_si256(wk_bits_to_bytes(w[i].qh), sixteen);
        const __m256i q = _mm256_or_si256(wk_unpack_nibbles(w[i].qs), high);
        acc = _mm256_fmadd_ps(d, wk_dot_u8(q, wk_load32(a[i].qs)), acc);
    }
    return wk_hsum(acc) + offset;
}

/// Sum of the 32 int32 lanes' worth of one unsigned-by-signed 32-byte product, as a scalar.
static inline int32_t hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

float wk_dot_q4_k_row(const void *row, const wk_q8_block *a, int64_t nb) {
    // As ggml's repacked Q4_K kernels: per super-block the exact integers I = sum_j sc_j * (q4 . q8)_j and
    // M = sum_j m_j * sum(q8)_j, then acc += I * (d * d8) and acc_min += M * (dmin * d8), each one fused multiply-add.
    const wk_block_q4_k *w = row;
    float acc = 0.0f, acc_min = 0.0f;
    const __m256i low_mask = _mm256_set1_epi8(0x0F);
    const __m256i ones = _mm256_set1_epi16(1);
    for (int64_t i = 0; i < nb; i++, a += 8) {
        const uint8_t *q = w[i].qs;
        __m256i isum = _mm256_setzero_si256();
        int32_t msum = 0;
        for (int chunk = 0; chunk < 4; chunk++, q += 32) {
            int sc0, m0, sc1, m1;
            wk_k_scale_min(2 * chunk, w[i].scales, &sc0, &m0);
            wk_k_scale_min(2 * chunk + 1, w[i].scales, &sc1, &m1);
            const __m256i bytes = _mm256_loadu_si256((const __m256i *)q);
            const __m256i lo = _mm256_and_si256(bytes, low_mask);
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), low_mask);
            const __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(lo, wk_load32(a[2 * chunk].qs)), ones);
            const __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(hi, wk_load32(a[2 * chunk + 1].qs)), ones);
            isum = _mm256_add_epi32(isum, _mm256_add_epi32(_mm256_mullo_epi32(p0, _mm256_set1_epi32(sc0)),
                                                           _mm256_mullo_epi32(p1, _mm256_set1_epi32(sc1))));
            msum += m0 * (a[2 * chunk].bsums[0] + a[2 * chunk].bsums[1]) +
                    m1 * (a[2 * chunk + 1].bsums[0] + a[2 * chunk + 1].bsums[1]);
        }
        const float d8 = a[0].d;
        acc = fmaf((float)hsum_i32(isum), wk_f16(w[i].d) * d8, acc);
        acc_min = fmaf((float)msum, wk_f16(w[i].dmin) * d8, acc_min);
    }
    return acc - acc_min;
}

/// The 16 per-16-value sums of a super-block's activations (llama.cpp's Q8_K `bsums`), as int16 lanes.
static inline __m256i superblock_bsums(const wk_q8_block *a) {
    int16_t b[16];
    for (int k = 0; k < 8; k++) {
        b[2 * k] = a[k].bsums[0];
        b[2 * k + 1] = a[k].bsums[1];
    }
    return _mm256_loadu_si256((const __m256i *)b);
}

static float dot_q5_k(const wk_block_q5_k *w, const wk_q8_block *a, int64_t nb) {
    // As ggml_vec_dot_q5_K_q8_K (AVX2): 8 int32 lanes per super-block, one 8-lane fused multiply-add by d * d8, and
    // the mins folded into a scalar as dmin * M.
    __m256 acc = _mm256_setzero_ps();
    float mins = 0.0f;
    const __m256i low_mask = _mm256_set1_epi8(0x0F);
    const __m256i one = _mm256_set1_epi8(1);
    for (int64_t i = 0; i < nb; i++, a += 8) {
        const float d8 = a[0].d;
        const float d = d8 * wk_f16(w[i].d);
        const float dmin = -d8 * wk_f16(w[i].dmin);
        const uint8_t *q = w[i].qs;
        const __m256i qh = _mm256_loadu_si256((const __m256i *)w[i].qh);
        __m256i isum = _mm256_setzero_si256();
        int32_t msum = 0;
        for (int chunk = 0; chunk < 4; chunk++, q += 32) {
            int sc0, m0, sc1, m1;
            wk_k_scale_min(2 * chunk, w[i].scales, &sc0, &m0);
            wk_k_scale_min(2 * chunk + 1, w[i].scales, &sc1, &m1);
            const __m256i bytes = _mm256_loadu_si256((const __m256i *)q);
            const __m256i h0 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * chunk), one);
            const __m256i h1 = _mm256_and_si256(_mm256_srli_epi16(qh, 2 * chunk + 1), one);
            const __m256i lo = _mm256_or_si256(_mm256_and_si256(bytes, low_mask), _mm256_slli_epi16(h0, 4));
            const __m256i hi =
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bytes, 4), low_mask), _mm256_slli_epi16(h1, 4));
            const __m256i p0 = _mm256_madd_epi16(_mm256_set1_epi16((int16_t)sc0),
                                                 _mm256_maddubs_epi16(lo, wk_load32(a[2 * chunk].qs)));
            const __m256i p1 = _mm256_madd_epi16(_mm256_set1_epi16((int16_t)sc1),
                                                 _mm256_maddubs_epi16(hi, wk_load32(a[2 * chunk + 1].qs)));
            isum = _mm256_add_epi32(isum, _mm256_add_epi32(p0, p1));
            msum += m0 * (a[2 * chunk].bsums[0] + a[2 * chunk].bsums[1]) +
                    m1 * (a[2 * chunk + 1].bsums[0] + a[2 * chunk + 1].bsums[1]);
        }
        mins = fmaf(dmin, (float)msum, mins);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(isum), acc);
    }
    return wk_hsum(acc) + mins;
}

/// A Q6_K super-block's 256 unsigned 6-bit values as eight vectors of 32 (value order), and for each vector the
/// int16 scales of its two halves (lanes 0-7 of a `maddubs` product cover values 0-15, lanes 8-15 values 16-31).
static inline void q6_k_unpack(const wk_block_q6_k *b, __m256i q[8], __m256i sv[8]) {
    const __m256i low_mask = _mm256_set1_epi8(0x0F);
    const __m256i two_bits = _mm256_set1_epi8(3);
    for (int half = 0; half < 2; half++) {
        const uint8_t *ql = b->ql + 64 * half;
        const int8_t *sc = b->scales + 8 * half;
        const __m256i qh = _mm256_loadu_si256((const __m256i *)(b->qh + 32 * half));
        const __m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
        const __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
        __m256i *qq = q + 4 * half;
        qq[0] = _mm256_or_si256(_mm256_and_si256(l0, low_mask), _mm256_slli_epi16(_mm256_and_si256(qh, two_bits), 4));
        qq[1] = _mm256_or_si256(_mm256_and_si256(l1, low_mask),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), two_bits), 4));
        qq[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low_mask),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), two_bits), 4));
        qq[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low_mask),
                                _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), two_bits), 4));
        for (int c = 0; c < 4; c++) {
            sv[4 * half + c] = _mm256_setr_m128i(_mm_set1_epi16(sc[2 * c]), _mm_set1_epi16(sc[2 * c + 1]));
        }
    }
}

/// A Q4_K super-block's nibbles (`lo[c]`, `hi[c]`: values 64c..64c+31 and 64c+32..64c+63), its eight sub-block
/// scales and its mins as int16 pairs (`mins16`, to `madd` with the activations' 16 super-block sums).
static inline void q4_k_unpack(const wk_block_q4_k *b, __m256i lo[4], __m256i hi[4], int sc[8], __m256i *mins16) {
    const __m256i low_mask = _mm256_set1_epi8(0x0F);
    int16_t mins[16];
    for (int j = 0; j < 8; j++) {
        int m;
        wk_k_scale_min(j, b->scales, &sc[j], &m);
        mins[2 * j] = mins[2 * j + 1] = (int16_t)m;
    }
    *mins16 = _mm256_loadu_si256((const __m256i *)mins);
    for (int c = 0; c < 4; c++) {
        const __m256i bytes = _mm256_loadu_si256((const __m256i *)(b->qs + 32 * c));
        lo[c] = _mm256_and_si256(bytes, low_mask);
        hi[c] = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), low_mask);
    }
}

float wk_dot_q6_k_row(const void *row, const wk_q8_block *a, int64_t nb) {
    // As ggml_vec_dot_q6_K_q8_K (AVX2): unsigned 6-bit values times activations with the 16 scales in 8 int32
    // lanes, minus 32 * sum(scale * bsum) folded in by lane pairs, then one 8-lane fused multiply-add by d8 * d.
    const wk_block_q6_k *w = row;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++, a += 8) {
        const float d = a[0].d * wk_f16(w[i].d);
        const __m256i scales16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)w[i].scales));
        const __m256i offset = _mm256_slli_epi32(_mm256_madd_epi16(superblock_bsums(a), scales16), 5);
        __m256i q[8], sv[8];
        q6_k_unpack(&w[i], q, sv);
        __m256i isum = _mm256_setzero_si256();
        for (int k = 0; k < 8; k++) {
            isum = _mm256_add_epi32(isum, _mm256_madd_epi16(sv[k], _mm256_maddubs_epi16(q[k], wk_load32(a[k].qs))));
        }
        isum = _mm256_sub_epi32(isum, offset);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(isum), acc);
    }
    return wk_hsum(acc);
}

// MARK: K-type tiles: one weight row against up to four tokens (the batched matrix products, matmul.c)

void wk_q8_superblock_bsums(const wk_q8_block *a, int64_t supers, int16_t *out) {
    for (int64_t s = 0; s < supers; s++) _mm256_storeu_si256((__m256i *)(out + 16 * s), superblock_bsums(a + 8 * s));
}

/// The sums of the eight int32 lanes of each of four vectors, as the four lanes of one vector.
static inline __m128i sum4_i32(const __m256i v[4]) {
    const __m256i h01 = _mm256_hadd_epi32(v[0], v[1]), h23 = _mm256_hadd_epi32(v[2], v[3]);
    const __m256i h = _mm256_hadd_epi32(h01, h23);  // per 128-bit half: partial sums of tokens 0, 1, 2, 3
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

#define WK_KT(name) name##_avx2
#define WK_KT_MADD(acc, products, scales) _mm256_add_epi32((acc), _mm256_madd_epi16((products), (scales)))
#include "k_tile_body.h"
#undef WK_KT
#undef WK_KT_MADD

#pragma clang attribute push(__attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni"))), \
                             apply_to = function)
#define WK_KT(name) name##_vnni
#define WK_KT_MADD(acc, products, scales) _mm256_dpwssd_epi32((acc), (products), (scales))
#include "k_tile_body.h"
#undef WK_KT
#undef WK_KT_MADD

#pragma clang attribute pop

void wk_dot_k_chunk(int type, const void *row, int64_t nb, const wk_q8_block *x, int64_t blocks, const int16_t *bsums,
                    int nt, float *out) {
    if (wk_cpu_has_vnni()) k_chunk_any_vnni(type, row, nb, x, blocks, bsums, nt, out);
    else k_chunk_any_avx2(type, row, nb, x, blocks, bsums, nt, out);
}

void wk_dot_k_tile(int type, int nt, const void *row, const wk_q8_block *const a[4], const int16_t *const bsums[4],
                   int64_t nb, float out[4]) {
    if (wk_cpu_has_vnni()) k_tile_any_vnni(type, nt, row, a, bsums, nb, out);
    else k_tile_any_avx2(type, nt, row, a, bsums, nb, out);
}

static float dot_f32(const float *w, const float *x, int64_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i), _mm256_loadu_ps(x + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(w + i + 8), _mm256_loadu_ps(x + i + 8), acc1);
    }
    float sum = wk_hsum(_mm256_add_ps(acc0, acc1));
    for (; i < n; i++) sum += w[i] * x[i];
    return sum;
}

static float dot_f16(const uint16_t *w, const float *x, int64_t n) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 wf = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(w + i)));
        acc = _mm256_fmadd_ps(wf, _mm256_loadu_ps(x + i), acc);
    }
    float sum = wk_hsum(acc);
    for (; i < n; i++) sum += wk_f16(w[i]) * x[i];
    return sum;
}

static float dot_bf16(const uint16_t *w, const float *x, int64_t n) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(w + i)));
        const __m256 wf = _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
        acc = _mm256_fmadd_ps(wf, _mm256_loadu_ps(x + i), acc);
    }
    float sum = wk_hsum(acc);
    for (; i < n; i++) sum += wk_bf16(w[i]) * x[i];
    return sum;
}

float wk_vec_dot(int type, const void *row, const wk_q8_block *xq, const float *xf, int64_t n) {
    switch (type) {
    case WK_TYPE_F32: return dot_f32(row, xf, n);
    case WK_TYPE_F16: return dot_f16(row, xf, n);
    case WK_TYPE_BF16: return dot_bf16(row, xf, n);
    case WK_TYPE_Q8_0: return dot_q8_0(row, xq, n / WK_QK);
    case WK_TYPE_Q4_0: return dot_q4_0(row, xq, n / WK_QK);
    case WK_TYPE_Q4_1: return dot_q4_1(row, xq, n / WK_QK);
    case WK_TYPE_Q5_0: return dot_q5_0(row, xq, n / WK_QK);
    case WK_TYPE_Q5_1: return dot_q5_1(row, xq, n / WK_QK);
    case WK_TYPE_Q4_K: return wk_dot_q4_k_row(row, xq, n / WK_QK_K);
    case WK_TYPE_Q5_K: return dot_q5_k(row, xq, n / WK_QK_K);
    case WK_TYPE_Q6_K: return wk_dot_q6_k_row(row, xq, n / WK_QK_K);
    default: return 0.0f;
    }
}
