// One-token matrix products of Q8_0/Q5_0/Q4_0 rows, four rows at a time, with AVX-512 VNNI on 256-bit vectors.
//
// Why: generating one token reads every weight once, so this product should run at memory speed. The plain row
// kernel (dot.c) spends about eight cycles per block on decoding, sign tricks and a latency-bound accumulator chain,
// which on this class of machine is slower than memory. Here four rows share each activation load and interleave
// their accumulator chains, and `vpdpbusd` does the integer dot in one instruction.
//
// The weights' values go in as the unsigned operand: Q8_0 bytes plus 128, Q5_0/Q4_0 codes as stored (0..31, 0..15),
// and the activation bytes as the signed one. The offset of the weights (128, 16 or 8) times each lane's sum of
// four activation bytes is subtracted by seeding the accumulator with it, precomputed once per activation block, so
// every int32 lane is exactly the one the row kernel computes. The float work (one fused multiply-add per block by
// the rounded scale product, in block order, and the same horizontal sum) is the row kernel's too, so the results
// are bit-identical to it and therefore to the batched kernels and llama.cpp.
#include "wk_internal.h"

#define WK_GEMV_AHEAD 2  // tiles of four rows fetched ahead (about 5 KiB for Q8_0 rows of 640 values)

static int vnni_disabled;  // set by `wk_set_vnni_enabled(0)`

void wk_set_vnni_enabled(int enabled) { __atomic_store_n(&vnni_disabled, !enabled, __ATOMIC_RELEASE); }

int wk_cpu_has_vnni(void) {
    static int cached;  // 0 unknown, 1 no, 2 yes; every thread that races here writes the same value
    if (__atomic_load_n(&vnni_disabled, __ATOMIC_ACQUIRE)) return 0;
    int v = __atomic_load_n(&cached, __ATOMIC_ACQUIRE);
    if (!v) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl") ? 2 : 1;
        __atomic_store_n(&cached, v, __ATOMIC_RELEASE);
    }
    return v == 2;
}

int wk_vnni_in_use(void) { return wk_cpu_has_vnni(); }

int wk_gemv_supported(int type) {
    return (type == WK_TYPE_Q8_0 || type == WK_TYPE_Q5_0 || type == WK_TYPE_Q4_0) && wk_cpu_has_vnni();
}

size_t wk_gemv_seed_bytes(int64_t cols) { return (size_t)(cols / WK_QK) * 32; }

/// The offset each type's stored codes carry over the signed value: 128 (Q8_0 after flipping the sign bit), 16, 8.
static int code_offset(int type) { return type == WK_TYPE_Q8_0 ? 128 : type == WK_TYPE_Q5_0 ? 16 : 8; }

WK_VNNI_TARGET
void wk_gemv_seeds(int type, const wk_q8_block *x, int64_t nb, int32_t *seeds) {
    const __m256i ones = _mm256_set1_epi8(1);
    const __m256i offset = _mm256_set1_epi32(-code_offset(type));
    for (int64_t i = 0; i < nb; i++) {
        // Lane sums of four activation bytes: `vpdpbusd` with unsigned ones against the signed bytes.
        const __m256i sums = _mm256_dpbusd_epi32(_mm256_setzero_si256(), ones, wk_load32(x[i].qs));
        _mm256_storeu_si256((__m256i *)(seeds + 8 * i), _mm256_mullo_epi32(sums, offset));
    }
}

/// `nr` (1-4) rows starting at `row` (consecutive, `row_bytes` apart) against one activation.
WK_VNNI_TARGET __attribute__((always_inline))
static inline void gemv_tile(const int type, const int nr, const uint8_t *row, size_t row_bytes,
                             const wk_q8_block *x, const int32_t *seeds, int64_t nb, float out[4]) {
    __m256 acc[4];
    for (int r = 0; r < nr; r++) acc[r] = _mm256_setzero_ps();
    // Four rows read in block order are four interleaved streams, which the hardware prefetcher follows poorly:
    // fetch the tile `WK_GEMV_AHEAD` tiles ahead, a proportional slice of it per block.
    const char *ahead = (const char *)row + (size_t)nr * row_bytes * WK_GEMV_AHEAD;
    const size_t slice = (size_t)nr * row_bytes / (size_t)nb;
    for (int64_t i = 0; i < nb; i++) {
        for (size_t p = 0; p < slice + 64; p += 64) _mm_prefetch(ahead + (size_t)i * slice + p, _MM_HINT_T0);
        const __m256i xv = wk_load32(x[i].qs);
        const __m256i seed = _mm256_loadu_si256((const __m256i *)(seeds + 8 * i));
        const float dx = x[i].d;
        for (int r = 0; r < nr; r++) {
            const uint8_t *w = row + (size_t)r * row_bytes;
            const __m256 s = _mm256_cvtepi32_ps(_mm256_dpbusd_epi32(seed, wk_q0_codes(type, w, i), xv));
            acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(wk_f16(wk_q0_scale(type, w, i)) * dx), s, acc[r]);
        }
    }
    for (int r = 0; r < nr; r++) out[r] = wk_hsum(acc[r]);
}

WK_VNNI_TARGET __attribute__((always_inline))
static inline void gemv_rows_typed(const int type, const uint8_t *w, size_t row_bytes, int64_t r0, int64_t r1,
                                   const wk_q8_block *x, const int32_t *seeds, int64_t nb, float *y,
                                   const float *bias) {
    float out[4];
    int64_t r = r0;
    for (; r + 4 <= r1; r += 4) {
        gemv_tile(type, 4, w + (size_t)r * row_bytes, row_bytes, x, seeds, nb, out);
        for (int k = 0; k < 4; k++) y[r + k] = bias ? out[k] + bias[r + k] : out[k];
    }
    for (; r < r1; r++) {
        gemv_tile(type, 1, w + (size_t)r * row_bytes, row_bytes, x, seeds, nb, out);
        y[r] = bias ? out[0] + bias[r] : out[0];
    }
}

WK_VNNI_TARGET
void wk_gemv_rows(int type, const void *w, size_t row_bytes, int64_t r0, int64_t r1, const wk_q8_block *x,
                  const int32_t *seeds, int64_t cols, float *y, const float *bias) {
    const int64_t nb = cols / WK_QK;
    // One specialisation per type, so the block decoding is inlined without a branch per block.
    if (type == WK_TYPE_Q8_0) gemv_rows_typed(WK_TYPE_Q8_0, w, row_bytes, r0, r1, x, seeds, nb, y, bias);
    else if (type == WK_TYPE_Q5_0) gemv_rows_typed(WK_TYPE_Q5_0, w, row_bytes, r0, r1, x, seeds, nb, y, bias);
    else gemv_rows_typed(WK_TYPE_Q4_0, w, row_bytes, r0, r1, x, seeds, nb, y, bias);
}
