// Batched products of Q8_0/Q5_0/Q4_0 rows (prompt processing, many sequences decoding) with AVX-512 VNNI on 256-bit
// vectors, in register tiles of four (or, for fewer than 8 tokens, two) weight rows by four tokens.
//
// Each weight row is expanded once into unsigned codes (`wk_q0_codes`) and then serves every token; each activation
// load serves all rows of the tile, so four-row tiles halve what a long prompt's activations stream from L2. The
// codes' offset times each lane's sum of four activation bytes is the seed `vpdpbusd` starts from (precomputed per
// activation block, as in gemv.c), so one instruction yields the exact int32 lanes of `w . x`. The float steps are
// the one-token kernel's: the scale product `d_w * d_x` rounded once, one 8-lane fused multiply-add per block in
// block order, the same horizontal sum. So a token gets bit-identical results alone or in any batch.
//
// What is left per block and (row, token) is the floor that float order allows: `vpdpbusd`, a conversion and a fused
// multiply-add. A tile's scale products are made eight at a time: two rows' scales `[d0 x4, d1 x4]` times a token
// group's `[dx0..dx3, dx0..dx3]`, both laid out once.
#include "wk_internal.h"

int wk_tiles_vnni_supported(int type, int64_t cols) {
    return (type == WK_TYPE_Q8_0 || type == WK_TYPE_Q5_0 || type == WK_TYPE_Q4_0) &&
           cols / WK_QK <= WK_TILE_MAX_BLOCKS && wk_cpu_has_vnni();
}

/// Token groups of four (the last one may be partial).
static int64_t groups_of(int64_t tokens) { return (tokens + 3) / 4; }

size_t wk_tiles_vnni_extra_bytes(int64_t cols, int64_t tokens) {
    const size_t nb = (size_t)(cols / WK_QK);
    return nb * (size_t)tokens * 32 + nb * (size_t)groups_of(tokens) * 32;
}

/// The seeds (per token and block, 8 int32) come first in `extra`, then the groups' scale vectors (8 floats).
static int32_t *seeds_of(void *extra) { return extra; }
static float *group_scales_of(void *extra, int64_t nb, int64_t tokens) {
    return (float *)((char *)extra + (size_t)nb * (size_t)tokens * 32);
}

void wk_tiles_vnni_prepare(int type, const wk_q8_block *x, int64_t nb, int64_t tokens, void *extra) {
    int32_t *seeds = seeds_of(extra);
    for (int64_t t = 0; t < tokens; t++) wk_gemv_seeds(type, x + t * nb, nb, seeds + t * nb * 8);
    float *gs = group_scales_of(extra, nb, tokens);
    for (int64_t g = 0; g < groups_of(tokens); g++) {
        for (int64_t i = 0; i < nb; i++) {
            float *v = gs + (g * nb + i) * 8;
            for (int k = 0; k < 4; k++) {
                // A partial group repeats its first token; those lanes are computed and never stored.
                const int64_t t = 4 * g + k < tokens ? 4 * g + k : 4 * g;
                v[k] = v[k + 4] = x[t * nb + i].d;
            }
        }
    }
}

/// One row's blocks as unsigned codes (what `vpdpbusd` multiplies) and its scales; `type` is a constant after
/// inlining, so the block decoding carries no branch.
WK_VNNI_TARGET __attribute__((always_inline))
static inline void expand_row_codes_typed(const int type, const uint8_t *row, int64_t nb, uint8_t *codes, float *d) {
    for (int64_t i = 0; i < nb; i++) {
        d[i] = wk_f16(wk_q0_scale(type, row, i));
        _mm256_store_si256((__m256i *)(codes + 32 * i), wk_q0_codes(type, row, i));
    }
}

WK_VNNI_TARGET
static void expand_row_codes(int type, const uint8_t *row, int64_t nb, uint8_t *codes, float *d) {
    if (type == WK_TYPE_Q8_0) expand_row_codes_typed(WK_TYPE_Q8_0, row, nb, codes, d);
    else if (type == WK_TYPE_Q5_0) expand_row_codes_typed(WK_TYPE_Q5_0, row, nb, codes, d);
    else expand_row_codes_typed(WK_TYPE_Q4_0, row, nb, codes, d);
}

/// Horizontal sums of eight accumulators, each summed exactly as `wk_hsum` sums one (lane i + lane i+4, then pairs
/// 0+2 and 1+3, then those two), so results match the one-token kernels bit for bit. Returns
/// `[a0, a2, a4, a6 | a1, a3, a5, a7]`: about 20 instructions instead of 48.
WK_VNNI_TARGET __attribute__((always_inline))
static inline __m256 hsum8(const __m256 a[8]) {
    __m256 s[4];
    for (int k = 0; k < 4; k++) {
        // [a(2k).lo + a(2k).hi | a(2k+1).lo + a(2k+1).hi]
        s[k] = _mm256_add_ps(_mm256_permute2f128_ps(a[2 * k], a[2 * k + 1], 0x20),
                             _mm256_permute2f128_ps(a[2 * k], a[2 * k + 1], 0x31));
    }
    // Per 128-bit half: [x0+x2, x1+x3] of one accumulator, then of the next pair's.
    const __m256 t0 = _mm256_add_ps(_mm256_shuffle_ps(s[0], s[1], 0x44), _mm256_shuffle_ps(s[0], s[1], 0xEE));
    const __m256 t1 = _mm256_add_ps(_mm256_shuffle_ps(s[2], s[3], 0x44), _mm256_shuffle_ps(s[2], s[3], 0xEE));
    return _mm256_hadd_ps(t0, t1);
}

/// Register tile of `nr` (1-4) expanded rows by `nt` (1-4) tokens, for the first token `y` and its rows (`bias`
/// already offset to them, or NULL). `scale` holds per block the sixteen products `[r0t0..r0t3, r1t0..r1t3, r2..,
/// r3..]`; `seed[t]` and `a[t]` the tokens' seeds and activation blocks.
WK_VNNI_TARGET __attribute__((always_inline))
static inline void tile(const int nr, const int nt, uint8_t *const codes[4], const float *scale, int64_t nb,
                        const wk_q8_block *const a[4], const int32_t *const seed[4], float *y, int64_t y_stride,
                        const float *bias, const char *ahead, int64_t ahead_lines) {
    __m256 acc[4][4];
    for (int r = 0; r < nr; r++) for (int t = 0; t < nt; t++) acc[r][t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        // At most one prefetch per block: the load ports have room, and the cache's miss buffers are not flooded.
        if (i < ahead_lines) _mm_prefetch(ahead + 64 * i, _MM_HINT_T0);
        __m256i w[4];
        for (int r = 0; r < nr; r++) w[r] = _mm256_load_si256((const __m256i *)(codes[r] + 32 * i));
        for (int t = 0; t < nt; t++) {
            const __m256i x = wk_load32(a[t][i].qs);
            const __m256i s0 = _mm256_loadu_si256((const __m256i *)(seed[t] + 8 * i));
            for (int r = 0; r < nr; r++) {
                const __m256 s = _mm256_cvtepi32_ps(_mm256_dpbusd_epi32(s0, w[r], x));
                acc[r][t] = _mm256_fmadd_ps(_mm256_set1_ps(scale[16 * i + 4 * r + t]), s, acc[r][t]);
            }
        }
    }
    if (nr == 4 && nt == 4) {
        // Two tokens' four rows per reduction: `[r0..r3 of t | r0..r3 of t+1]`, stored as each token's four outputs.
        for (int t = 0; t < 4; t += 2) {
            const __m256 in[8] = {acc[0][t], acc[0][t + 1], acc[1][t], acc[1][t + 1],
                                  acc[2][t], acc[2][t + 1], acc[3][t], acc[3][t + 1]};
            __m256 v = hsum8(in);
            if (bias) v = _mm256_add_ps(v, _mm256_broadcast_ps((const __m128 *)bias));
            _mm_storeu_ps(y + t * y_stride, _mm256_castps256_ps128(v));
            _mm_storeu_ps(y + (t + 1) * y_stride, _mm256_extractf128_ps(v, 1));
        }
        return;
    }
    if (nr == 2 && nt == 4) {
        // Four tokens' two rows: `[r0 r1 of t0, r0 r1 of t1 | of t2, of t3]`.
        const __m256 in[8] = {acc[0][0], acc[0][2], acc[1][0], acc[1][2], acc[0][1], acc[0][3], acc[1][1], acc[1][3]};
        __m256 v = hsum8(in);
        if (bias) {
            const __m128 b = _mm_castpd_ps(_mm_load1_pd((const double *)bias));
            v = _mm256_add_ps(v, _mm256_set_m128(b, b));
        }
        const __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
        _mm_storel_pi((__m64 *)y, lo);
        _mm_storeh_pi((__m64 *)(y + y_stride), lo);
        _mm_storel_pi((__m64 *)(y + 2 * y_stride), hi);
        _mm_storeh_pi((__m64 *)(y + 3 * y_stride), hi);
        return;
    }
    for (int r = 0; r < nr; r++) {
        for (int t = 0; t < nt; t++) {
            const float v = wk_hsum(acc[r][t]);
            y[t * y_stride + r] = bias ? v + bias[r] : v;
        }
    }
}

/// `tile` with constant shapes, so each call is specialised with its accumulators in registers.
WK_VNNI_TARGET
static void tile_any(int nr, int nt, uint8_t *const codes[4], const float *scale, int64_t nb,
                     const wk_q8_block *const a[4], const int32_t *const seed[4], float *y, int64_t y_stride,
                     const float *bias, const char *ahead, int64_t ahead_lines) {
#define WK_TILE_CASE(R, T) \
    case 8 * R + T: tile(R, T, codes, scale, nb, a, seed, y, y_stride, bias, ahead, ahead_lines); return;
    switch (8 * nr + nt) {
    WK_TILE_CASE(4, 4) WK_TILE_CASE(4, 3) WK_TILE_CASE(4, 2) WK_TILE_CASE(4, 1)
    WK_TILE_CASE(3, 4) WK_TILE_CASE(3, 3) WK_TILE_CASE(3, 2) WK_TILE_CASE(3, 1)
    WK_TILE_CASE(2, 4) WK_TILE_CASE(2, 3) WK_TILE_CASE(2, 2) WK_TILE_CASE(2, 1)
    WK_TILE_CASE(1, 4) WK_TILE_CASE(1, 3) WK_TILE_CASE(1, 2) WK_TILE_CASE(1, 1)
    default: return;
    }
#undef WK_TILE_CASE
}

/// A tile's scale products for one token group: `row_scales` (per block `[d_r0 x4, d_r1 x4, d_r2 x4, d_r3 x4]`,
/// `halves` of eight) times the group's `[dx0..dx3, dx0..dx3]`.
WK_VNNI_TARGET __attribute__((always_inline))
static inline void scale_products(const int halves, const float *row_scales, const float *group_scales, int64_t nb,
                                  float *scale) {
    for (int64_t i = 0; i < nb; i++) {
        const __m256 dx = _mm256_loadu_ps(group_scales + 8 * i);
        for (int h = 0; h < halves; h++) {
            _mm256_store_ps(scale + 16 * i + 8 * h, _mm256_mul_ps(_mm256_load_ps(row_scales + 16 * i + 8 * h), dx));
        }
    }
}

#define WK_TILES_AHEAD 2  // row groups fetched ahead

WK_VNNI_TARGET
void wk_tiles_vnni_rows(int type, const uint8_t *w, size_t row_bytes, int64_t r0, int64_t r1,
                        const wk_q8_block *x, void *extra, int64_t nb, int64_t tokens, float *y, int64_t y_stride,
                        const float *bias) {
    // The rows' codes lie back to back (rows a fixed 8 KiB apart would share L1 sets).
    uint8_t code_buf[4 * WK_TILE_MAX_BLOCKS * 32] __attribute__((aligned(32)));
    float d[WK_TILE_MAX_BLOCKS];
    float row_scales[WK_TILE_MAX_BLOCKS * 16] __attribute__((aligned(32)));
    float scale[WK_TILE_MAX_BLOCKS * 16] __attribute__((aligned(32)));
    uint8_t *const codes[4] = {code_buf, code_buf + 32 * nb, code_buf + 64 * nb, code_buf + 96 * nb};
    const int32_t *seeds = seeds_of(extra);
    const float *group_scales = group_scales_of(extra, nb, tokens);
    // Four-row tiles pay off from 8 tokens on (8 tokens of the output layer: 15.5 -> 12.5 ms, 12 tokens: 22 -> 17 ms);
    // with fewer, two-row tiles run as fast.
    const int step = tokens >= 8 ? 4 : 2;
    const int64_t groups = groups_of(tokens);
    // The rows `WK_TILES_AHEAD` groups ahead are fetched a line per block of the tiles before them: a burst of dozens
    // of prefetches would stall on the cache's miss buffers (16 tokens of the 262144-row output layer: 31 -> 22 ms).
    const int64_t ahead_lines = ((int64_t)step * (int64_t)row_bytes + 63) / 64;
    const int64_t lines_per_group = (ahead_lines + groups - 1) / groups;
    for (int64_t r = r0; r < r1; r += step) {
        const int nr = r1 - r < step ? (int)(r1 - r) : step;
        const char *ahead = (const char *)(w + (size_t)(r + WK_TILES_AHEAD * step) * row_bytes);
        for (int k = 0; k < step; k++) {
            // Rows past the last repeat it; their lanes are computed and never stored.
            if (k < nr) expand_row_codes(type, w + (size_t)(r + k) * row_bytes, nb, codes[k], d);
            for (int64_t i = 0; i < nb; i++) _mm_store_ps(row_scales + 16 * i + 4 * k, _mm_set1_ps(d[i]));
        }
        for (int64_t g = 0; g < tokens; g += 4) {
            const int nt = tokens - g < 4 ? (int)(tokens - g) : 4;
            const int64_t first_line = (g / 4) * lines_per_group;
            int64_t lines = ahead_lines - first_line < lines_per_group ? ahead_lines - first_line : lines_per_group;
            if (lines < 0) lines = 0;
            const float *gs = group_scales + (g / 4) * nb * 8;
            if (step == 4) scale_products(2, row_scales, gs, nb, scale);
            else scale_products(1, row_scales, gs, nb, scale);
            const wk_q8_block *a[4];
            const int32_t *sd[4];
            for (int k = 0; k < 4; k++) {
                const int64_t t = g + (k < nt ? k : 0);
                a[k] = x + t * nb;
                sd[k] = seeds + t * nb * 8;
            }
            // The tile fetches a line per block; lines beyond that (few tokens, so few groups) go now.
            const int64_t in_tile = lines < nb ? lines : nb;
            for (int64_t l = in_tile; l < lines; l++) _mm_prefetch(ahead + 64 * (first_line + l), _MM_HINT_T0);
            tile_any(nr, nt, codes, scale, nb, a, sd, y + g * y_stride + r, y_stride, bias ? bias + r : NULL,
                     ahead + 64 * first_line, in_tile);
        }
    }
}
