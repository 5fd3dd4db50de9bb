// Dot products of one quantized weight row with one activation row, computed on the blocks without dequantizing.
#include "wk_internal.h"

static float dot_q8_0(const wk_block_q8_0 *w, const wk_q8_block *a, int64_t nb) {
    // Two independent accumulators so consecutive blocks do not wait on each other's FMA, and a prefetch a few
    // hundred bytes ahead: this kernel streams the 262k-row output projection, most of the bytes of a token.
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 2 <= nb; i += 2) {
        _mm_prefetch((const char *)(w + i) + 512, _MM_HINT_T0);
        const __m256 d0 = _mm256_set1_ps(wk_f16(w[i].d) * a[i].d);
        const __m256 d1 = _mm256_set1_ps(wk_f16(w[i + 1].d) * a[i + 1].d);
        acc0 = _mm256_fmadd_ps(d0, wk_dot_i8(wk_load32(w[i].qs), wk_load32(a[i].qs)), acc0);
        acc1 = _mm256_fmadd_ps(d1, wk_dot_i8(wk_load32(w[i + 1].qs), wk_load32(a[i + 1].qs)), acc1);
    }
    for (; i < nb; i++) {
        const __m256 d = _mm256_set1_ps(wk_f16(w[i].d) * a[i].d);
        acc0 = _mm256_fmadd_ps(d, wk_dot_i8(wk_load32(w[i].qs), wk_load32(a[i].qs)), acc0);
    }
    return wk_hsum(_mm256_add_ps(acc0, acc1));
}

static float dot_q4_0(const wk_block_q4_0 *w, const wk_q8_block *a, int64_t nb) {
    __m256 acc[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
    const __m256i eight = _mm256_set1_epi8(8);
    for (int64_t i = 0; i < nb; i++) {
        const __m256 d = _mm256_set1_ps(wk_f16(w[i].d) * a[i].d);
        const __m256i q = _mm256_sub_epi8(wk_unpack_nibbles(w[i].qs), eight);
        acc[i & 1] = _mm256_fmadd_ps(d, wk_dot_i8(q, wk_load32(a[i].qs)), acc[i & 1]);
    }
    return wk_hsum(_mm256_add_ps(acc[0], acc[1]));
}

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

static float dot_q5_0(const wk_block_q5_0 *w, const wk_q8_block *a, int64_t nb) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    const __m256i sixteen = _mm256_set1_epi8(16);
    int64_t i = 0;
    for (; i + 2 <= nb; i += 2) {
        _mm_prefetch((const char *)(w + i) + 384, _MM_HINT_T0);
        const __m256 d0 = _mm256_set1_ps(wk_f16(w[i].d) * a[i].d);
        const __m256 d1 = _mm256_set1_ps(wk_f16(w[i + 1].d) * a[i + 1].d);
        const __m256i q0 = _mm256_sub_epi8(
            _mm256_or_si256(wk_unpack_nibbles(w[i].qs), _mm256_and_si256(wk_bits_to_bytes(w[i].qh), sixteen)), sixteen);
        const __m256i q1 = _mm256_sub_epi8(
            _mm256_or_si256(wk_unpack_nibbles(w[i + 1].qs), _mm256_and_si256(wk_bits_to_bytes(w[i + 1].qh), sixteen)),
            sixteen);
        acc0 = _mm256_fmadd_ps(d0, wk_dot_i8(q0, wk_load32(a[i].qs)), acc0);
        acc1 = _mm256_fmadd_ps(d1, wk_dot_i8(q1, wk_load32(a[i + 1].qs)), acc1);
    }
    for (; i < nb; i++) {
        const __m256 d = _mm256_set1_ps(wk_f16(w[i].d) * a[i].d);
        const __m256i high = _mm256_and_si256(wk_bits_to_bytes(w[i].qh), sixteen);
        const __m256i q = _mm256_sub_epi8(_mm256_or_si256(wk_unpack_nibbles(w[i].qs), high), sixteen);
        acc0 = _mm256_fmadd_ps(d, wk_dot_i8(q, wk_load32(a[i].qs)), acc0);
    }
    return wk_hsum(_mm256_add_ps(acc0, acc1));
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

static float dot_q4_k(const wk_block_q4_k *w, const wk_q8_block *a, int64_t nb) {
    __m256 acc = _mm256_setzero_ps();
    float offset = 0.0f;
    const __m256i low_mask = _mm256_set1_epi8(0x0F);
    for (int64_t i = 0; i < nb; i++, a += 8) {
        const float d = wk_f16(w[i].d), dmin = wk_f16(w[i].dmin);
        const uint8_t *q = w[i].qs;
        for (int chunk = 0; chunk < 4; chunk++, q += 32) {
            int sc0, m0, sc1, m1;
            wk_k_scale_min(2 * chunk, w[i].scales, &sc0, &m0);
            wk_k_scale_min(2 * chunk + 1, w[i].scales, &sc1, &m1);
            const __m256i bytes = _mm256_loadu_si256((const __m256i *)q);
            const __m256i lo = _mm256_and_si256(bytes, low_mask);
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bytes, 4), low_mask);
            const wk_q8_block *a0 = a + 2 * chunk, *a1 = a0 + 1;
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * sc0 * a0->d), wk_dot_u8(lo, wk_load32(a0->qs)), acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * sc1 * a1->d), wk_dot_u8(hi, wk_load32(a1->qs)), acc);
            offset += dmin * (m0 * a0->s + m1 * a1->s);
        }
    }
    return wk_hsum(acc) - offset;
}

static float dot_q5_k(const wk_block_q5_k *w, const wk_q8_block *a, int64_t nb) {
    __m256 acc = _mm256_setzero_ps();
    float offset = 0.0f;
    const __m256i low_mask = _mm256_set1_epi8(0x0F);
    const __m256i one = _mm256_set1_epi8(1);
    for (int64_t i = 0; i < nb; i++, a += 8) {
        const float d = wk_f16(w[i].d), dmin = wk_f16(w[i].dmin);
        const uint8_t *q = w[i].qs;
        const __m256i qh = _mm256_loadu_si256((const __m256i *)w[i].qh);
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
            const wk_q8_block *a0 = a + 2 * chunk, *a1 = a0 + 1;
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * sc0 * a0->d), wk_dot_u8(lo, wk_load32(a0->qs)), acc);
            acc = _mm256_fmadd_ps(_mm256_set1_ps(d * sc1 * a1->d), wk_dot_u8(hi, wk_load32(a1->qs)), acc);
            offset += dmin * (m0 * a0->s + m1 * a1->s);
        }
    }
    return wk_hsum(acc) - offset;
}

static float dot_q6_k(const wk_block_q6_k *w, const wk_q8_block *a, int64_t nb) {
    __m256 acc = _mm256_setzero_ps();
    const __m256i low_mask = _mm256_set1_epi8(0x0F);
    const __m256i two_bits = _mm256_set1_epi8(3);
    const __m256i bias = _mm256_set1_epi8(32);
    for (int64_t i = 0; i < nb; i++, a += 8) {
        const float d = wk_f16(w[i].d);
        for (int half = 0; half < 2; half++) {
            const uint8_t *ql = w[i].ql + 64 * half;
            const int8_t *sc = w[i].scales + 8 * half;
            const __m256i qh = _mm256_loadu_si256((const __m256i *)(w[i].qh + 32 * half));
            const __m256i l0 = _mm256_loadu_si256((const __m256i *)ql);
            const __m256i l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
            __m256i q[4];
            q[0] = _mm256_or_si256(_mm256_and_si256(l0, low_mask), _mm256_slli_epi16(_mm256_and_si256(qh, two_bits), 4));
            q[1] = _mm256_or_si256(_mm256_and_si256(l1, low_mask),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), two_bits), 4));
            q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), low_mask),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), two_bits), 4));
            q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), low_mask),
                                   _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), two_bits), 4));
            const wk_q8_block *ab = a + 4 * half;
            for (int c = 0; c < 4; c++) {
                const __m256i v = _mm256_sub_epi8(q[c], bias);
                const __m256i y = wk_load32(ab[c].qs);
                const __m256i pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(v, v), _mm256_sign_epi8(y, v));
                // Lanes 0-7 of `pairs` cover values 0-15 (scale sc[2c]), lanes 8-15 values 16-31 (scale sc[2c+1]).
                const __m256i scales = _mm256_setr_m128i(_mm_set1_epi16(sc[2 * c]), _mm_set1_epi16(sc[2 * c + 1]));
                const __m256 s = _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, scales));
                acc = _mm256_fmadd_ps(_mm256_set1_ps(d * ab[c].d), s, acc);
            }
        }
    }
    return wk_hsum(acc);
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
    case WK_TYPE_Q4_K: return dot_q4_k(row, xq, n / WK_QK_K);
    case WK_TYPE_Q5_K: return dot_q5_k(row, xq, n / WK_QK_K);
    case WK_TYPE_Q6_K: return dot_q6_k(row, xq, n / WK_QK_K);
    default: return 0.0f;
    }
}
