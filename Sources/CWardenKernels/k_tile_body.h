// The K-type tile kernels, included twice by dot.c: once for AVX2 and once for AVX-512 VNNI, where `vpdpwssd` fuses
// the scale multiply-add of the int16 products into the int32 sums. Integer sums are exact in any order, so both
// give the same results. The includer defines WK_KT(name) (a suffixed name) and WK_KT_MADD(acc, products, scales)
// (acc + the pairwise int16 products of products and scales, as int32 lanes).

/// `wk_dot_q4_k_row` for `nt` tokens at once: each super-block's nibbles, scales and mins are unpacked once for all.
/// The integers I and M per (super-block, token) are the same exact values (summed in another order, which integers
/// allow: scales applied with `madd` instead of `mullo`, the mins as a `madd` of the precomputed `bsums`), and the
/// float steps are the one-token kernel's, so each token's result is bit-identical to it.
__attribute__((always_inline)) static inline void WK_KT(q4_k_tile)(const int nt, const wk_block_q4_k *w,
                                                           const wk_q8_block *const a[4], const int16_t *const bs[4],
                                                           int64_t nb, float out[4]) {
    float acc[4] = {0}, acc_min[4] = {0};
    for (int64_t i = 0; i < nb; i++) {
        int sc[8];
        __m256i lo[4], hi[4], mins16;
        q4_k_unpack(&w[i], lo, hi, sc, &mins16);
        const float dw = wk_f16(w[i].d), dmin = wk_f16(w[i].dmin);
        for (int t = 0; t < nt; t++) {
            const wk_q8_block *x = a[t] + 8 * i;
            __m256i isum = _mm256_setzero_si256();
            for (int c = 0; c < 4; c++) {
                isum = WK_KT_MADD(isum, _mm256_maddubs_epi16(lo[c], wk_load32(x[2 * c].qs)),
                                  _mm256_set1_epi16((int16_t)sc[2 * c]));
                isum = WK_KT_MADD(isum, _mm256_maddubs_epi16(hi[c], wk_load32(x[2 * c + 1].qs)),
                                  _mm256_set1_epi16((int16_t)sc[2 * c + 1]));
            }
            const __m256i msum = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(bs[t] + 16 * i)), mins16);
            const float d8 = x[0].d;
            acc[t] = fmaf((float)hsum_i32(isum), dw * d8, acc[t]);
            acc_min[t] = fmaf((float)hsum_i32(msum), dmin * d8, acc_min[t]);
        }
    }
    for (int t = 0; t < nt; t++) out[t] = acc[t] - acc_min[t];
}

/// One token's step of a Q6_K super-block (values `q`, scales `sv` and `scales16` from `q6_k_unpack`), as
/// `wk_dot_q6_k_row` takes it: the exact int32 lanes, minus 32 * sum(scale * bsum), then one 8-lane fused
/// multiply-add by d8 * d into `acc`.
__attribute__((always_inline)) static inline __m256 WK_KT(q6_k_step)(const __m256i q[8], const __m256i sv[8],
                                                              __m256i scales16, const wk_q8_block *x,
                                                              const int16_t *bsums, float dw, __m256 acc) {
    const __m256i offset =
        _mm256_slli_epi32(_mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)bsums), scales16), 5);
    __m256i isum = _mm256_setzero_si256();
    for (int k = 0; k < 8; k++) isum = WK_KT_MADD(isum, _mm256_maddubs_epi16(q[k], wk_load32(x[k].qs)), sv[k]);
    isum = _mm256_sub_epi32(isum, offset);
    return _mm256_fmadd_ps(_mm256_set1_ps(x[0].d * dw), _mm256_cvtepi32_ps(isum), acc);
}

/// `wk_dot_q6_k_row` for `nt` tokens at once: the 6-bit values and scale vectors are built once for all; per token
/// the int32 lanes and float steps are exactly the one-token kernel's, so results are bit-identical to it.
__attribute__((always_inline)) static inline void WK_KT(q6_k_tile)(const int nt, const wk_block_q6_k *w,
                                                           const wk_q8_block *const a[4], const int16_t *const bs[4],
                                                           int64_t nb, float out[4]) {
    __m256 acc[4];
    for (int t = 0; t < nt; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const __m256i scales16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)w[i].scales));
        __m256i q[8], sv[8];
        q6_k_unpack(&w[i], q, sv);
        const float dw = wk_f16(w[i].d);
        for (int t = 0; t < nt; t++) {
            acc[t] = WK_KT(q6_k_step)(q, sv, scales16, a[t] + 8 * i, bs[t] + 16 * i, dw, acc[t]);
        }
    }
    for (int t = 0; t < nt; t++) out[t] = wk_hsum(acc[t]);
}

/// `q4_k_tile` for up to WK_K_CHUNK tokens at once (`x`, `bs`: the first token's activations and super-block sums,
/// the next token's `blocks` and `16 * nb` further on): each super-block is unpacked once for all of them, and the
/// per-token integer sums of four tokens are reduced together. Per token the integers are the same exact values and
/// the float steps the same, in super-block order, so results stay bit-identical to the one-token kernel.
__attribute__((always_inline)) static inline void WK_KT(q4_k_chunk)(const wk_block_q4_k *w, int64_t nb,
                                                            const wk_q8_block *x, int64_t blocks,
                                                            const int16_t *bs, int nt, float *out) {
    float acc[WK_K_CHUNK] __attribute__((aligned(16))) = {0}, acc_min[WK_K_CHUNK] __attribute__((aligned(16))) = {0};
    for (int64_t i = 0; i < nb; i++) {
        int sc[8];
        __m256i lo[4], hi[4], mins16, scv[8];
        q4_k_unpack(&w[i], lo, hi, sc, &mins16);
        for (int j = 0; j < 8; j++) scv[j] = _mm256_set1_epi16((int16_t)sc[j]);
        const __m128 dw = _mm_set1_ps(wk_f16(w[i].d)), dmin = _mm_set1_ps(wk_f16(w[i].dmin));
        for (int t0 = 0; t0 < nt; t0 += 4) {
            __m256i isum[4], msum[4];
            float d8[4];
            for (int k = 0; k < 4; k++) {
                // A partial last group repeats its first token; those lanes are never stored.
                const int t = t0 + k < nt ? t0 + k : t0;
                const wk_q8_block *xt = x + (int64_t)t * blocks + 8 * i;
                __m256i s = _mm256_setzero_si256();
                for (int c = 0; c < 4; c++) {
                    s = WK_KT_MADD(s, _mm256_maddubs_epi16(lo[c], wk_load32(xt[2 * c].qs)), scv[2 * c]);
                    s = WK_KT_MADD(s, _mm256_maddubs_epi16(hi[c], wk_load32(xt[2 * c + 1].qs)), scv[2 * c + 1]);
                }
                isum[k] = s;
                msum[k] = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(bs + (int64_t)t * 16 * nb + 16 * i)), mins16);
                d8[k] = xt[0].d;
            }
            // Four tokens' lane sums at once: lane k of the result is token k's exact integer.
            const __m128i is = sum4_i32(isum), ms = sum4_i32(msum);
            const __m128 d8v = _mm_loadu_ps(d8);
            // Per lane exactly `fmaf((float)I, dw * d8, acc)`: the product rounded once, then one fused step.
            const __m128 a = _mm_fmadd_ps(_mm_cvtepi32_ps(is), _mm_mul_ps(dw, d8v), _mm_load_ps(acc + t0));
            const __m128 am = _mm_fmadd_ps(_mm_cvtepi32_ps(ms), _mm_mul_ps(dmin, d8v), _mm_load_ps(acc_min + t0));
            _mm_store_ps(acc + t0, a);
            _mm_store_ps(acc_min + t0, am);
        }
    }
    for (int t = 0; t < nt; t++) out[t] = acc[t] - acc_min[t];
}

/// `q6_k_tile` for up to WK_K_CHUNK tokens at once (laid out as for `q4_k_chunk`): each super-block's 6-bit values
/// and scale vectors are built once for all of them; per token the int32 lanes and float steps are the one-token
/// kernel's, in super-block order, so results stay bit-identical to it.
__attribute__((always_inline)) static inline void WK_KT(q6_k_chunk)(const wk_block_q6_k *w, int64_t nb,
                                                            const wk_q8_block *x, int64_t blocks,
                                                            const int16_t *bs, int nt, float *out) {
    __m256 acc[WK_K_CHUNK];
    for (int t = 0; t < nt; t++) acc[t] = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; i++) {
        const __m256i scales16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)w[i].scales));
        __m256i q[8], sv[8];
        q6_k_unpack(&w[i], q, sv);
        const float dw = wk_f16(w[i].d);
        for (int t = 0; t < nt; t++) {
            acc[t] = WK_KT(q6_k_step)(q, sv, scales16, x + (int64_t)t * blocks + 8 * i, bs + (int64_t)t * 16 * nb + 16 * i,
                                      dw, acc[t]);
        }
    }
    for (int t = 0; t < nt; t++) out[t] = wk_hsum(acc[t]);
}

/// `wk_dot_k_tile` for this instruction set, with constant token counts so each tile keeps its accumulators in
/// registers.
static void WK_KT(k_tile_any)(int type, int nt, const void *row, const wk_q8_block *const a[4],
                              const int16_t *const bs[4], int64_t nb, float out[4]) {
    if (type == WK_TYPE_Q4_K) {
        switch (nt) {
        case 4: WK_KT(q4_k_tile)(4, row, a, bs, nb, out); break;
        case 3: WK_KT(q4_k_tile)(3, row, a, bs, nb, out); break;
        case 2: WK_KT(q4_k_tile)(2, row, a, bs, nb, out); break;
        default: WK_KT(q4_k_tile)(1, row, a, bs, nb, out); break;
        }
    } else {
        switch (nt) {
        case 4: WK_KT(q6_k_tile)(4, row, a, bs, nb, out); break;
        case 3: WK_KT(q6_k_tile)(3, row, a, bs, nb, out); break;
        case 2: WK_KT(q6_k_tile)(2, row, a, bs, nb, out); break;
        default: WK_KT(q6_k_tile)(1, row, a, bs, nb, out); break;
        }
    }
}

/// `wk_dot_k_chunk` for this instruction set.
static void WK_KT(k_chunk_any)(int type, const void *row, int64_t nb, const wk_q8_block *x, int64_t blocks,
                               const int16_t *bs, int nt, float *out) {
    if (type == WK_TYPE_Q4_K) WK_KT(q4_k_chunk)(row, nb, x, blocks, bs, nt, out);
    else WK_KT(q6_k_chunk)(row, nb, x, blocks, bs, nt, out);
}
