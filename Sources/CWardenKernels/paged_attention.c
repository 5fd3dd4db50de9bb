// Causal grouped-query attention over a paged key/value cache: each query row reads its sequence's cached positions
// through a block table, one task per (query row, head).
//
// The arithmetic (fp16 query rounding, dot product order, softmax, value accumulation) is exactly that of
// `wk_attention`, so a row gives bit-identical results whether its cache is contiguous or paged, and whatever other
// rows share the call.
#include "wk_internal.h"
#include <math.h>

typedef struct {
    const float *q;
    int64_t q_stride;
    const wk_paged_attn_row *rows;
    const uint16_t *k_base, *v_base;
    int64_t block_stride;
    int32_t block_size;
    int heads, kv_heads, head_dim;
    int64_t kv_stride;
    float scale, softcap;
    float *out;
    int64_t out_stride;
    float *scratch;
    int64_t max_count;
} wk_paged_attn_job;

/// Dot product of floats with fp16 values, in the same order of operations as attention.c's.
static float paged_dot_f32_f16(const float *a, const uint16_t *b, int n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i))), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8),
                               _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i + 8))), acc1);
    }
    for (; i + 8 <= n; i += 8) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(b + i))), acc0);
    }
    float sum = wk_hsum(_mm256_add_ps(acc0, acc1));
    for (; i < n; i++) sum += a[i] * wk_f16(b[i]);
    return sum;
}

/// Offset in values of position `p`'s row (kv head 0) within the pool, through the row's block table.
static inline int64_t paged_row_offset(const wk_paged_attn_job *job, const int32_t *blocks, int32_t p) {
    return (int64_t)blocks[p / job->block_size] * job->block_stride + (int64_t)(p % job->block_size) * job->kv_stride;
}

static void paged_attn_task(void *raw, int64_t task, int thread) {
    const wk_paged_attn_job *job = raw;
    const int64_t t = task / job->heads;
    const int h = (int)(task % job->heads);
    const int kvh = h / (job->heads / job->kv_heads);
    const wk_paged_attn_row row = job->rows[t];
    const int hd = job->head_dim;
    const float *q_in = job->q + t * job->q_stride + (int64_t)h * hd;
    float q[1024];
    for (int i = 0; i < hd; i++) q[i] = wk_f16(_cvtss_sh(q_in[i], 0));
    float *out = job->out + t * job->out_stride + (int64_t)h * hd;
    float *scores = job->scratch + (int64_t)thread * job->max_count;
    float max = -INFINITY;
    for (int32_t j = 0; j < row.count; j++) {
        const uint16_t *k = job->k_base + paged_row_offset(job, row.blocks, row.first + j) + (int64_t)kvh * hd;
        float s = paged_dot_f32_f16(q, k, hd) * job->scale;
        if (job->softcap > 0.0f) s = job->softcap * tanhf(s / job->softcap);
        scores[j] = s;
        if (s > max) max = s;
    }
    float sum = 0.0f;
    for (int32_t j = 0; j < row.count; j++) {
        scores[j] = expf(scores[j] - max);
        sum += scores[j];
    }
    const float inv = sum > 0.0f ? 1.0f / sum : 0.0f;
    for (int i = 0; i < hd; i++) out[i] = 0.0f;
    for (int32_t j = 0; j < row.count; j++) {
        const uint16_t *v = job->v_base + paged_row_offset(job, row.blocks, row.first + j) + (int64_t)kvh * hd;
        const __m256 p = _mm256_set1_ps(scores[j] * inv);
        int i = 0;
        for (; i + 8 <= hd; i += 8) {
            const __m256 vf = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + i)));
            _mm256_storeu_ps(out + i, _mm256_fmadd_ps(p, vf, _mm256_loadu_ps(out + i)));
        }
        for (; i < hd; i++) out[i] += scores[j] * inv * wk_f16(v[i]);
    }
}

void wk_paged_attention(wk_pool *pool, const float *q, int64_t q_stride, const wk_paged_attn_row *rows,
                        int64_t tokens, const uint16_t *k_base, const uint16_t *v_base, int64_t block_stride,
                        int32_t block_size, int heads, int kv_heads, int head_dim, int64_t kv_stride, float scale,
                        float softcap, float *out, int64_t out_stride, float *scratch, int64_t max_count) {
    wk_paged_attn_job job = {q, q_stride, rows, k_base, v_base, block_stride, block_size, heads, kv_heads, head_dim,
                             kv_stride, scale, softcap, out, out_stride, scratch, max_count};
    int64_t work = 0;
    for (int64_t t = 0; t < tokens; t++) work += rows[t].count;
    work *= (int64_t)heads * head_dim;
    wk_pool_run(pool, paged_attn_task, &job, tokens * heads, work >= 65536);
}
