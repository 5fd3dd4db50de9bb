// Causal grouped-query attention over a key/value cache, one task per query row and head (or group of heads that
// share a kv head).
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

/// The running state of one query row's attention for one head: the query rounded to fp16, the online softmax's
/// maximum and sum, and the weighted sum of values rounded to fp16 after every position (both kept widened to fp32, so
/// only cached rows are converted; see attention.c for why each is kept as it is).
typedef struct {
    int head_dim;
    float scale, softcap, max, sum;
    float q[WK_ATTN_MAX_HEAD_DIM];
    float acc[WK_ATTN_MAX_HEAD_DIM];
} wk_attn_state;

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

/// A float rounded to fp16 and widened back (round to nearest even, as ggml's conversions).
static inline __m256 round_f16(__m256 x) { return _mm256_cvtph_ps(_mm256_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT)); }
static inline float round_f16_1(float x) { return wk_f16(_cvtss_sh(x, 0)); }

static void attn_state_begin(wk_attn_state *st, const float *q, int head_dim, float scale, float softcap) {
    st->head_dim = head_dim;
    st->scale = scale;
    st->softcap = softcap;
    st->max = -INFINITY;
    st->sum = 0.0f;
    // ggml rounds the query to fp16 before its dot products.
    int i = 0;
    for (; i + 8 <= head_dim; i += 8) _mm256_storeu_ps(st->q + i, round_f16(_mm256_loadu_ps(q + i)));
    for (; i < head_dim; i++) st->q[i] = round_f16_1(q[i]);
    memset(st->acc, 0, (size_t)head_dim * sizeof(float));
}

/// The score of one cached key (widened) for the state's query: scaled, or soft-capped when the model asks.
static inline float attn_score(const wk_attn_state *st, const float *k) {
    const float s = dot_widened_f16(k, st->q, st->head_dim);
    return st->softcap > 0.0f ? st->softcap * tanhf(s * (st->scale / st->softcap)) : s * st->scale;
}

/// Positions handled per phase: their scores, softmax factors and value rows stay in L1.
#define WK_ATTN_CHUNK 64

/// What the online softmax asks of one position's value: rescale the sum so far by `ms` first (when the position
/// raised the maximum), then add the value times `vs`.
typedef struct {
    float ms[WK_ATTN_CHUNK], vs[WK_ATTN_CHUNK];
    uint8_t rescale[WK_ATTN_CHUNK];
} wk_attn_factors;

/// Runs the online softmax over `count` scores in position order (ggml's per-row recurrence, exactly), updating the
/// state's maximum and sum and writing each position's factors.
static void attn_softmax(wk_attn_state *st, const float *score, int count, wk_attn_factors *f) {
    for (int p = 0; p < count; p++) {
        const float s = score[p];
        float ms = 1.0f, vs = 1.0f;
        f->rescale[p] = s > st->max;
        if (f->rescale[p]) {
            const float old = st->max;
            st->max = s;
            ms = expf(old - s);
        } else {
            vs = expf(s - st->max);
        }
        // One fused multiply-add: ggml's `S = S*ms + vs` is contracted to one by its compiler (-ffp-contract=fast).
        st->sum = fmaf(st->sum, ms, vs);
        f->ms[p] = ms;
        f->vs[p] = vs;
    }
}

/// `nv` vectors (8 values each) of the weighted value sum, from value `d` on, over `count` positions: per position
/// `acc = fp16(acc * ms)` when it raised the maximum, then `acc = fp16(acc + v * vs)` (one fused multiply-add, then
/// the rounding), exactly ggml's `ggml_vec_scale_f16` and `ggml_vec_mad_f16`. The sums stay in registers across the
/// positions, so the only chain per position is a multiply-add and a round trip through fp16.
__attribute__((always_inline)) static inline void attn_values(const int nv, float *acc, int d,
                                                             const uint16_t *const *v, int count,
                                                             const wk_attn_factors *f) {
    __m256 a[16];
    for (int k = 0; k < nv; k++) a[k] = _mm256_loadu_ps(acc + d + 8 * k);
    for (int p = 0; p < count; p++) {
        if (f->rescale[p]) {
            const __m256 ms = _mm256_set1_ps(f->ms[p]);
            for (int k = 0; k < nv; k++) a[k] = round_f16(_mm256_mul_ps(a[k], ms));
        }
        const __m256 vs = _mm256_set1_ps(f->vs[p]);
        for (int k = 0; k < nv; k++) {
            const __m256 x = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v[p] + d + 8 * k)));
            a[k] = round_f16(_mm256_fmadd_ps(x, vs, a[k]));
        }
    }
    for (int k = 0; k < nv; k++) _mm256_storeu_ps(acc + d + 8 * k, a[k]);
}

/// All of a head's value sums over one chunk of positions, in register slices of 128, 64 or 8 values.
static void attn_values_all(float *acc, int head_dim, const uint16_t *const *v, int count, const wk_attn_factors *f) {
    int d = 0;
    for (; d + 128 <= head_dim; d += 128) attn_values(16, acc, d, v, count, f);
    for (; d + 64 <= head_dim; d += 64) attn_values(8, acc, d, v, count, f);
    for (; d + 8 <= head_dim; d += 8) attn_values(1, acc, d, v, count, f);
    for (; d < head_dim; d++) {
        for (int p = 0; p < count; p++) {
            if (f->rescale[p]) acc[d] = round_f16_1(acc[d] * f->ms[p]);
            acc[d] = round_f16_1(fmaf(wk_f16(v[p][d]), f->vs[p], acc[d]));
        }
    }
}

static void attn_state_end(const wk_attn_state *st, float *out) {
    const float inv = st->sum == 0.0f ? 0.0f : 1.0f / st->sum;
    for (int i = 0; i < st->head_dim; i++) out[i] = st->acc[i] * inv;
}

void wk_attn_run_heads(const float *q, float *out, int h0, int n, int kvh, int head_dim, float scale, float softcap,
                       const uint16_t *k_base, const uint16_t *v_base, wk_attn_position_offset offset,
                       const void *context, int32_t first, int32_t count) {
    // Each position's steps depend on the previous one's (the running maximum and the value sums), so taking them
    // one at a time leaves the core waiting on latencies. The same steps are taken in three passes per chunk of
    // positions instead: all scores (independent dot products), then the softmax recurrence (scalar), then the value
    // sums (held in registers). Every value is computed by the same operations in the same order as before.
    wk_attn_state st[WK_ATTN_MAX_TASK_HEADS];
    float k[WK_ATTN_MAX_HEAD_DIM] __attribute__((aligned(32)));
    float score[WK_ATTN_MAX_TASK_HEADS][WK_ATTN_CHUNK];
    const uint16_t *v[WK_ATTN_CHUNK];
    wk_attn_factors factors;
    for (int j = 0; j < n; j++) attn_state_begin(&st[j], q + (int64_t)(h0 + j) * head_dim, head_dim, scale, softcap);
    for (int32_t c = first; c < first + count; c += WK_ATTN_CHUNK) {
        const int len = first + count - c < WK_ATTN_CHUNK ? (int)(first + count - c) : WK_ATTN_CHUNK;
        for (int p = 0; p < len; p++) {
            const int64_t at = offset(context, c + p) + (int64_t)kvh * head_dim;
            widen_f16(k_base + at, k, head_dim);  // once for all the heads
            for (int j = 0; j < n; j++) score[j][p] = attn_score(&st[j], k);
            v[p] = v_base + at;
        }
        for (int j = 0; j < n; j++) {
            attn_softmax(&st[j], score[j], len, &factors);
            attn_values_all(st[j].acc, head_dim, v, len, &factors);
        }
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
