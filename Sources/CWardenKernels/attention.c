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
    int heads_per_task;
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

/// fp16 values (`n`, any count) widened to fp32: exact.
static void widen_f16(const uint16_t *p, float *out, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p + i))));
    for (; i < n; i++) out[i] = wk_f16(p[i]);
}

/// Dot product of a key and a query (both fp16 values, widened) summed in the order of ggml's AVX-512
/// `ggml_vec_dot_f16`: four 16-lane accumulators over steps of 64 values, reduced as (0+2)+(1+3), then the 16 lanes as
/// _mm512_reduce_add_ps does: upper 8 + lower 8, upper 4 + lower 4, {0+2, 1+3}, then the two.
static float dot_widened_f16(const float *x, const float *y, int n) {
    const int np = n & ~63;
    __m256 lo[4], hi[4];
    for (int j = 0; j < 4; j++) lo[j] = hi[j] = _mm256_setzero_ps();
    for (int i = 0; i < np; i += 64) {
        for (int j = 0; j < 4; j++) {
            lo[j] = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 16 * j), _mm256_loadu_ps(y + i + 16 * j), lo[j]);
            hi[j] = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 16 * j + 8), _mm256_loadu_ps(y + i + 16 * j + 8), hi[j]);
        }
    }
    double sum = 0.0;
    if (np > 0) {
        const __m256 l = _mm256_add_ps(_mm256_add_ps(lo[0], lo[2]), _mm256_add_ps(lo[1], lo[3]));
        const __m256 h = _mm256_add_ps(_mm256_add_ps(hi[0], hi[2]), _mm256_add_ps(hi[1], hi[3]));
        const __m256 t3 = _mm256_add_ps(h, l);
        const __m128 t6 = _mm_add_ps(_mm256_extractf128_ps(t3, 1), _mm256_castps256_ps128(t3));
        const __m128 t8 = _mm_add_ps(t6, _mm_shuffle_ps(t6, t6, _MM_SHUFFLE(1, 0, 3, 2)));
        sum = (double)(_mm_cvtss_f32(t8) + _mm_cvtss_f32(_mm_shuffle_ps(t8, t8, 1)));
    }
    for (int i = np; i < n; i++) sum += (double)(x[i] * y[i]);
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

/// `acc = fp16(acc + v * s)` for fp16 values `v` (widened), one rounding of the fused multiply-add, then one to fp16.
static void mad_f16(uint16_t *acc, const float *v, int n, float s) {
    const int np = n & ~15;
    const __m256 vs = _mm256_set1_ps(s);
    for (int i = 0; i < np; i += 16) {
        const wk_f32x16 a = load_f16x16(acc + i);
        const __m256 xl = _mm256_loadu_ps(v + i), xh = _mm256_loadu_ps(v + i + 8);
        store_f16x16(acc + i, (wk_f32x16){_mm256_fmadd_ps(xl, vs, a.lo), _mm256_fmadd_ps(xh, vs, a.hi)});
    }
    for (int i = np; i < n; i++) acc[i] = _cvtss_sh(fmaf(v[i], s, wk_f16(acc[i])), 0);
}

static void attn_state_begin(wk_attn_state *st, const float *q, int head_dim, float scale, float softcap) {
    st->head_dim = head_dim;
    st->scale = scale;
    st->softcap = softcap;
    st->max = -INFINITY;
    st->sum = 0.0f;
    // ggml rounds the query to fp16 before its dot products.
    int i = 0;
    for (; i + 8 <= head_dim; i += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(q + i), _MM_FROUND_TO_NEAREST_INT);
        _mm256_storeu_ps(st->q + i, _mm256_cvtph_ps(h));
    }
    for (; i < head_dim; i++) st->q[i] = wk_f16(_cvtss_sh(q[i], 0));
    memset(st->acc, 0, (size_t)head_dim * sizeof(uint16_t));
}

/// Adds one visible cached row (its key and value widened from fp16); called in position order.
static void attn_state_step(wk_attn_state *st, const float *k, const float *v) {
    float s = dot_widened_f16(k, st->q, st->head_dim);
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

static void attn_state_end(const wk_attn_state *st, float *out) {
    const float inv = st->sum == 0.0f ? 0.0f : 1.0f / st->sum;
    for (int i = 0; i < st->head_dim; i++) out[i] = wk_f16(st->acc[i]) * inv;
}

void wk_attn_run_heads(const float *q, float *out, int h0, int n, int kvh, int head_dim, float scale, float softcap,
                       const uint16_t *k_base, const uint16_t *v_base, wk_attn_position_offset offset,
                       const void *context, int32_t first, int32_t count) {
    wk_attn_state st[WK_ATTN_MAX_TASK_HEADS];
    float k[WK_ATTN_MAX_HEAD_DIM] __attribute__((aligned(32))), v[WK_ATTN_MAX_HEAD_DIM] __attribute__((aligned(32)));
    for (int j = 0; j < n; j++) attn_state_begin(&st[j], q + (int64_t)(h0 + j) * head_dim, head_dim, scale, softcap);
    for (int32_t p = first; p < first + count; p++) {
        const int64_t at = offset(context, p) + (int64_t)kvh * head_dim;
        widen_f16(k_base + at, k, head_dim);
        widen_f16(v_base + at, v, head_dim);
        for (int j = 0; j < n; j++) attn_state_step(&st[j], k, v);
    }
    for (int j = 0; j < n; j++) attn_state_end(&st[j], out + (int64_t)(h0 + j) * head_dim);
}

int wk_attn_heads_per_task(int64_t tokens, int heads, int kv_heads, int threads) {
    const int group = heads / kv_heads;
    // Four tasks per thread keep the threads evenly loaded; below that, one head per task spreads a row's heads.
    if (group <= 1 || tokens * kv_heads < 4 * (int64_t)threads) return 1;
    return group < WK_ATTN_MAX_TASK_HEADS ? group : WK_ATTN_MAX_TASK_HEADS;
}

int64_t wk_attn_tasks_per_row(int heads, int kv_heads, int per_task) {
    const int group = heads / kv_heads;
    return (int64_t)kv_heads * ((group + per_task - 1) / per_task);
}

void wk_attn_task_heads(int64_t task, int heads, int kv_heads, int per_task, int64_t *t, int *h0, int *n, int *kvh) {
    const int group = heads / kv_heads, chunks = (group + per_task - 1) / per_task;
    const int64_t per_row = wk_attn_tasks_per_row(heads, kv_heads, per_task);
    *t = task / per_row;
    const int in_row = (int)(task % per_row);
    *kvh = in_row / chunks;
    const int chunk = in_row % chunks;
    *h0 = *kvh * group + chunk * per_task;
    *n = group - chunk * per_task < per_task ? group - chunk * per_task : per_task;
}

void wk_f32_to_f16(const float *x, uint16_t *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm_storeu_si128((__m128i *)(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    }
    for (; i < n; i++) y[i] = _cvtss_sh(x[i], 0);
}

/// Contiguous cache: position p's row is p rows of `kv_stride` values in.
static int64_t contiguous_offset(const void *kv_stride, int32_t p) { return (int64_t)p * *(const int64_t *)kv_stride; }

static void attn_task(void *raw, int64_t task, int thread) {
    (void)thread;
    const wk_attn_job *job = raw;
    int64_t t;
    int h0, n, kvh;
    wk_attn_task_heads(task, job->heads, job->kv_heads, job->heads_per_task, &t, &h0, &n, &kvh);
    const wk_attn_row row = job->rows[t];
    wk_attn_run_heads(job->q + t * job->q_stride, job->out + t * job->out_stride, h0, n, kvh, job->head_dim,
                      job->scale, job->softcap, row.k, row.v, contiguous_offset, &job->kv_stride, row.first,
                      row.count);
}

void wk_attention(wk_pool *pool, const float *q, int64_t q_stride, const wk_attn_row *rows, int64_t tokens,
                  int heads, int kv_heads, int head_dim, int64_t kv_stride, float scale, float softcap, float *out,
                  int64_t out_stride, float *scratch, int64_t max_count) {
    (void)scratch;
    (void)max_count;
    const int per_task = wk_attn_heads_per_task(tokens, heads, kv_heads, wk_pool_threads(pool));
    wk_attn_job job = {q, q_stride, rows, heads, kv_heads, head_dim, kv_stride, scale, softcap, out, out_stride,
                       per_task};
    int64_t work = 0;
    for (int64_t t = 0; t < tokens; t++) work += rows[t].count;
    work *= (int64_t)heads * head_dim;
    wk_pool_run(pool, attn_task, &job, tokens * wk_attn_tasks_per_row(heads, kv_heads, per_task), work >= 65536);
}
