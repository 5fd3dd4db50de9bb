// Causal grouped-query attention over a key/value cache, one task per (query row, head).
//
// The arithmetic follows llama.cpp's CPU flash-attention path for one query row (its default for these models), step
// for step, so that the same weights give the same tokens: the query is rounded to fp16, each score is an fp16·fp16
// dot product summed in the order of ggml's 16-lane AVX-512 kernel, the softmax is computed online (a running
// maximum and sum, one cached row at a time in position order), and the weighted sum of values is kept in fp16,
// rounded after every row, exactly as ggml's `ggml_vec_mad_f16` does. Each row's result depends only on that row and
// its visible cache, never on the other rows of the batch.
#include "wk_internal.h"
#include <math.h>

typedef struct {
    const float *q;
    int64_t q_stride;
    const wk_attn_row *rows;
    int heads, kv_heads, head_dim;
    int64_t kv_stride;
    float scale, softcap;
    float *out;
    int64_t out_stride;
} wk_attn_job;

/// The widest 16-lane vector ggml's fp16 kernels use, held as two 8-lane halves.
typedef struct { __m256 lo, hi; } wk_f32x16;

static inline wk_f32x16 load_f16x16(const uint16_t *p) {
    return (wk_f32x16){_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)),
                       _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + 8)))};
}

static inline void store_f16x16(uint16_t *p, wk_f32x16 v) {
    _mm_storeu_si128((__m128i *)p, _mm256_cvtps_ph(v.lo, _MM_FROUND_TO_NEAREST_INT));
    _mm_storeu_si128((__m128i *)(p + 8), _mm256_cvtps_ph(v.hi, _MM_FROUND_TO_NEAREST_INT));
}

float wk_dot_f16_f16(const uint16_t *x, const uint16_t *y, int n) {
    // Four 16-lane accumulators over steps of 64 values, reduced as (0+2)+(1+3), then the 16 lanes as
    // _mm512_reduce_add_ps does: upper 8 + lower 8, upper 4 + lower 4, {0+2, 1+3}, then the two.
    const int np = n & ~63;
    wk_f32x16 acc[4];
    for (int j = 0; j < 4; j++) acc[j].lo = acc[j].hi = _mm256_setzero_ps();
    for (int i = 0; i < np; i += 64) {
        for (int j = 0; j < 4; j++) {
            const wk_f32x16 a = load_f16x16(x + i + 16 * j), b = load_f16x16(y + i + 16 * j);
            acc[j].lo = _mm256_fmadd_ps(a.lo, b.lo, acc[j].lo);
            acc[j].hi = _mm256_fmadd_ps(a.hi, b.hi, acc[j].hi);
        }
    }
    double sum = 0.0;
    if (np > 0) {
        const __m256 lo = _mm256_add_ps(_mm256_add_ps(acc[0].lo, acc[2].lo), _mm256_add_ps(acc[1].lo, acc[3].lo));
        const __m256 hi = _mm256_add_ps(_mm256_add_ps(acc[0].hi, acc[2].hi), _mm256_add_ps(acc[1].hi, acc[3].hi));
        const __m256 t3 = _mm256_add_ps(hi, lo);
        const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
        const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
        sum = (double)(_mm_cvtss_f32(t8) + _mm_cvtss_f32(_mm_shuffle_ps(t8, t8, 1)));
    }
    for (int i = np; i < n; i++) sum += (double)(wk_f16(x[i]) * wk_f16(y[i]));
    return (float)sum;
}

/// `acc = fp16(acc * s)`, all values.
static void scale_f16(uint16_t *acc, int n, float s) {
    const int np = n & ~15;
    const __m256 vs = _mm256_set1_ps(s);
    for (int i = 0; i < np; i += 16) {
        wk_f32x16 a = load_f16x16(acc + i);
        store_f16x16(acc + i, (wk_f32x16){_mm256_mul_ps(a.lo, vs), _mm256_mul_ps(a.hi, vs)});
    }
    for (int i = np; i < n; i++) acc[i] = _cvtss_sh(wk_f16(acc[i]) * s, 0);
}

/// `acc = fp16(acc + v * s)`, one rounding of the fused multiply-add, then one to fp16.
static void mad_f16(uint16_t *acc, const uint16_t *v, int n, float s) {
    const int np = n & ~15;
    const __m256 vs = _mm256_set1_ps(s);
    for (int i = 0; i < np; i += 16) {
        const wk_f32x16 a = load_f16x16(acc + i), x = load_f16x16(v + i);
        store_f16x16(acc + i, (wk_f32x16){_mm256_fmadd_ps(x.lo, vs, a.lo), _mm256_fmadd_ps(x.hi, vs, a.hi)});
    }
    for (int i = np; i < n; i++) acc[i] = _cvtss_sh(fmaf(wk_f16(v[i]), s, wk_f16(acc[i])), 0);
}

void wk_attn_state_begin(wk_attn_state *st, const float *q, int head_dim, float scale, float softcap) {
    st->head_dim = head_dim;
    st->scale = scale;
    st->softcap = softcap;
    st->max = -INFINITY;
    st->sum = 0.0f;
    wk_f32_to_f16(q, st->q, head_dim);
    memset(st->acc, 0, (size_t)head_dim * sizeof(uint16_t));
}

void wk_attn_state_step(wk_attn_state *st, const uint16_t *k, const uint16_t *v) {
    float s = wk_dot_f16_f16(k, st->q, st->head_dim);
    if (st->softcap > 0.0f) {
        s = st->softcap * tanhf(s * (st->scale / st->softcap));
    } else {
        s *= st->scale;
    }
    float ms = 1.0f, vs = 1.0f;
    if (s > st->max) {
        const float old = st->max;
        st->max = s;
        ms = expf(old - s);
        scale_f16(st->acc, st->head_dim, ms);
    } else {
        vs = expf(s - st->max);
    }
    mad_f16(st->acc, v, st->head_dim, vs);
    // One fused multiply-add: ggml's `S = S*ms + vs` is contracted to one by its compiler (-ffp-contract=fast).
    st->sum = fmaf(st->sum, ms, vs);
}

void wk_attn_state_end(const wk_attn_state *st, float *out) {
    const float inv = st->sum == 0.0f ? 0.0f : 1.0f / st->sum;
    for (int i = 0; i < st->head_dim; i++) out[i] = wk_f16(st->acc[i]) * inv;
}

void wk_f32_to_f16(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm_storeu_si128((__m128i *)(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    }
    for (; i < n; i++) y[i] = _cvtss_sh(x[i], 0);
}

static void attn_task(void *raw, int64_t task, int thread) {
    (void)thread;
    const wk_attn_job *job = raw;
    const int64_t t = task / job->heads;
    const int h = (int)(task % job->heads);
    const int kvh = h / (job->heads / job->kv_heads);
    const wk_attn_row row = job->rows[t];
    const int hd = job->head_dim;
    wk_attn_state st;
    wk_attn_state_begin(&st, job->q + t * job->q_stride + (int64_t)h * hd, hd, job->scale, job->softcap);
    for (int32_t j = 0; j < row.count; j++) {
        const int64_t offset = (int64_t)(row.first + j) * job->kv_stride + (int64_t)kvh * hd;
        wk_attn_state_step(&st, row.k + offset, row.v + offset);
    }
    wk_attn_state_end(&st, job->out + t * job->out_stride + (int64_t)h * hd);
}

void wk_attention(wk_pool *pool, const float *q, int64_t q_stride, const wk_attn_row *rows, int64_t tokens,
                  int heads, int kv_heads, int head_dim, int64_t kv_stride, float scale, float softcap, float *out,
                  int64_t out_stride, float *scratch, int64_t max_count) {
    (void)scratch;
    (void)max_count;
    wk_attn_job job = {q, q_stride, rows, heads, kv_heads, head_dim, kv_stride, scale, softcap, out, out_stride};
    int64_t work = 0;
    for (int64_t t = 0; t < tokens; t++) work += rows[t].count;
    work *= (int64_t)heads * head_dim;
    wk_pool_run(pool, attn_task, &job, tokens * heads, work >= 65536);
}
