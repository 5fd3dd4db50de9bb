// Dequantization of every supported block type to floats (embedding lookups, tests, small tensors).
#include "wk_internal.h"
#include <math.h>

static void dq_q8_0(const wk_block_q8_0 *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += WK_QK) {
        const float d = wk_f16(b[i].d);
        for (int j = 0; j < WK_QK; j++) y[j] = d * b[i].qs[j];
    }
}

static void dq_q4_0(const wk_block_q4_0 *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += WK_QK) {
        const float d = wk_f16(b[i].d);
        for (int j = 0; j < 16; j++) {
            y[j] = d * ((b[i].qs[j] & 0x0F) - 8);
            y[j + 16] = d * ((b[i].qs[j] >> 4) - 8);
        }
    }
}

static void dq_q4_1(const wk_block_q4_1 *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += WK_QK) {
        const float d = wk_f16(b[i].d), m = wk_f16(b[i].m);
        for (int j = 0; j < 16; j++) {
            y[j] = d * (b[i].qs[j] & 0x0F) + m;
            y[j + 16] = d * (b[i].qs[j] >> 4) + m;
        }
    }
}

static void dq_q5_0(const wk_block_q5_0 *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += WK_QK) {
        const float d = wk_f16(b[i].d);
        uint32_t qh;
        memcpy(&qh, b[i].qh, 4);
        for (int j = 0; j < 16; j++) {
            const int lo = (b[i].qs[j] & 0x0F) | (((qh >> j) & 1) << 4);
            const int hi = (b[i].qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4);
            y[j] = d * (lo - 16);
            y[j + 16] = d * (hi - 16);
        }
    }
}

static void dq_q5_1(const wk_block_q5_1 *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++, y += WK_QK) {
        const float d = wk_f16(b[i].d), m = wk_f16(b[i].m);
        uint32_t qh;
        memcpy(&qh, b[i].qh, 4);
        for (int j = 0; j < 16; j++) {
            const int lo = (b[i].qs[j] & 0x0F) | (((qh >> j) & 1) << 4);
            const int hi = (b[i].qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4);
            y[j] = d * lo + m;
            y[j + 16] = d * hi + m;
        }
    }
}

static void dq_q4_k(const wk_block_q4_k *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        const float d = wk_f16(b[i].d), dmin = wk_f16(b[i].dmin);
        const uint8_t *q = b[i].qs;
        for (int chunk = 0; chunk < 4; chunk++, q += 32) {
            int sc0, m0, sc1, m1;
            wk_k_scale_min(2 * chunk, b[i].scales, &sc0, &m0);
            wk_k_scale_min(2 * chunk + 1, b[i].scales, &sc1, &m1);
            for (int l = 0; l < 32; l++) *y++ = d * sc0 * (q[l] & 0x0F) - dmin * m0;
            for (int l = 0; l < 32; l++) *y++ = d * sc1 * (q[l] >> 4) - dmin * m1;
        }
    }
}

static void dq_q5_k(const wk_block_q5_k *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        const float d = wk_f16(b[i].d), dmin = wk_f16(b[i].dmin);
        const uint8_t *q = b[i].qs;
        for (int chunk = 0; chunk < 4; chunk++, q += 32) {
            int sc0, m0, sc1, m1;
            wk_k_scale_min(2 * chunk, b[i].scales, &sc0, &m0);
            wk_k_scale_min(2 * chunk + 1, b[i].scales, &sc1, &m1);
            for (int l = 0; l < 32; l++) {
                const int v = (q[l] & 0x0F) | (((b[i].qh[l] >> (2 * chunk)) & 1) << 4);
                *y++ = d * sc0 * v - dmin * m0;
            }
            for (int l = 0; l < 32; l++) {
                const int v = (q[l] >> 4) | (((b[i].qh[l] >> (2 * chunk + 1)) & 1) << 4);
                *y++ = d * sc1 * v - dmin * m1;
            }
        }
    }
}

static void dq_q6_k(const wk_block_q6_k *b, float *y, int64_t nb) {
    for (int64_t i = 0; i < nb; i++) {
        const float d = wk_f16(b[i].d);
        for (int half = 0; half < 2; half++, y += 128) {
            const uint8_t *ql = b[i].ql + 64 * half, *qh = b[i].qh + 32 * half;
            const int8_t *sc = b[i].scales + 8 * half;
            for (int l = 0; l < 32; l++) {
                const int s = l / 16;
                const int q0 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q1 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q2 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q3 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * sc[s + 0] * q0;
                y[l + 32] = d * sc[s + 2] * q1;
                y[l + 64] = d * sc[s + 4] * q2;
                y[l + 96] = d * sc[s + 6] * q3;
            }
        }
    }
}

void wk_dequantize(int type, const void *src, float *dst, int64_t n) {
    switch (type) {
    case WK_TYPE_F32: memcpy(dst, src, (size_t)n * 4); break;
    case WK_TYPE_F16: {
        const uint16_t *h = src;
        for (int64_t i = 0; i < n; i++) dst[i] = wk_f16(h[i]);
        break;
    }
    case WK_TYPE_BF16: {
        const uint16_t *h = src;
        for (int64_t i = 0; i < n; i++) dst[i] = wk_bf16(h[i]);
        break;
    }
    case WK_TYPE_Q8_0: dq_q8_0(src, dst, n / WK_QK); break;
    case WK_TYPE_Q4_0: dq_q4_0(src, dst, n / WK_QK); break;
    case WK_TYPE_Q4_1: dq_q4_1(src, dst, n / WK_QK); break;
    case WK_TYPE_Q5_0: dq_q5_0(src, dst, n / WK_QK); break;
    case WK_TYPE_Q5_1: dq_q5_1(src, dst, n / WK_QK); break;
    case WK_TYPE_Q4_K: dq_q4_k(src, dst, n / WK_QK_K); break;
    case WK_TYPE_Q5_K: dq_q5_k(src, dst, n / WK_QK_K); break;
    case WK_TYPE_Q6_K: dq_q6_k(src, dst, n / WK_QK_K); break;
    default: break;
    }
}

/// Largest |x| over `n` floats (a multiple of 8).
static float abs_max(const float *x, int64_t n) {
    const __m256 sign_mask = _mm256_set1_ps(-0.0f);
    __m256 amax = _mm256_setzero_ps();
    for (int64_t i = 0; i < n; i += 8) amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign_mask, _mm256_loadu_ps(x + i)));
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(amax), _mm256_extractf128_ps(amax, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

/// Quantizes 32 floats with the multiplier `inv` into `qs`; returns the sum of the quantized values.
static int quantize_block(const float *x, float inv, int8_t *qs) {
    const __m256 scale = _mm256_set1_ps(inv);
    __m256i q[4];
    for (int j = 0; j < 4; j++) {
        q[j] = _mm256_cvtps_epi32(
            _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + 8 * j), scale), _MM_ROUND_NEAREST | _MM_FROUND_NO_EXC));
    }
    __m256i sum = _mm256_add_epi32(_mm256_add_epi32(q[0], q[1]), _mm256_add_epi32(q[2], q[3]));
    __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
    s4 = _mm_hadd_epi32(s4, s4);
    s4 = _mm_hadd_epi32(s4, s4);
    __m256i packed = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
    // The packs interleave 128-bit lanes; restore element order.
    packed = _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256((__m256i *)qs, packed);
    return _mm_cvtsi128_si32(s4);
}

/// llama.cpp's Q8_K quantization of one super-block of 256 values into 8 activation blocks: the value of largest
/// magnitude (the first one, if several) sets `iscale = -127 / max`, values are rounded half to even, `d = 1 / iscale`.
static void quantize_superblock(const float *x, wk_q8_block *out) {
    float max = 0.0f, amax = 0.0f;
    for (int j = 0; j < WK_QK_K; j++) {
        const float ax = fabsf(x[j]);
        if (ax > amax) {
            amax = ax;
            max = x[j];
        }
    }
    if (amax == 0.0f) {
        memset(out, 0, 8 * sizeof(wk_q8_block));
        return;
    }
    const float iscale = -127.0f / max;
    const float d = 1.0f / iscale;
    for (int b = 0; b < 8; b++) {
        quantize_block(x + 32 * b, iscale, out[b].qs);
        int lo = 0, hi = 0;
        for (int j = 0; j < 16; j++) {
            lo += out[b].qs[j];
            hi += out[b].qs[16 + j];
        }
        out[b].d = d;
        out[b].bsums[0] = (int16_t)lo;
        out[b].bsums[1] = (int16_t)hi;
    }
}

void wk_quantize_q8_mode(const float *x, wk_q8_block *dst, int64_t n, int mode) {
    if (mode == WK_Q8_SUPERBLOCK && n % WK_QK_K == 0) {
        for (int64_t s = 0; s < n / WK_QK_K; s++) quantize_superblock(x + s * WK_QK_K, dst + s * 8);
        return;
    }
    for (int64_t b = 0; b < n / WK_QK; b++, x += WK_QK) {
        const float max = abs_max(x, WK_QK);
        const float d = max / 127.0f;
        const float inv = max != 0.0f ? 127.0f / max : 0.0f;
        const int sum = quantize_block(x, inv, dst[b].qs);
        if (mode == WK_Q8_PLAIN) {
            dst[b].d = d;
            dst[b].s = d * (float)sum;
        } else {
            // llama.cpp stores these scales as fp16; rounding them the same way keeps results comparable.
            dst[b].d = wk_f16(_cvtss_sh(d, 0));
            dst[b].s = mode == WK_Q8_HALF_SCALES ? wk_f16(_cvtss_sh(d * (float)sum, 0)) : dst[b].d * (float)sum;
        }
    }
}

void wk_quantize_q8(const float *x, wk_q8_block *dst, int64_t n) { wk_quantize_q8_mode(x, dst, n, WK_Q8_PLAIN); }

int wk_type_q8_mode(int type) {
    switch (type) {
    case WK_TYPE_Q4_0: case WK_TYPE_Q5_0: case WK_TYPE_Q8_0: return WK_Q8_HALF_SCALE;
    case WK_TYPE_Q4_1: case WK_TYPE_Q5_1: return WK_Q8_HALF_SCALES;
    case WK_TYPE_Q4_K: case WK_TYPE_Q5_K: case WK_TYPE_Q6_K: return WK_Q8_SUPERBLOCK;
    default: return WK_Q8_PLAIN;
    }
}
