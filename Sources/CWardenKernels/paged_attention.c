// Causal grouped-query attention over a paged key/value cache: each query row reads its sequence's cached positions
// through a block table, one task per query row and head (or group of heads that share a kv head).
//
// The arithmetic (fp16 query rounding, dot product order, online softmax, fp16 value accumulation) is exactly that
// of `wk_attention` (both go through `wk_attn_run_heads`), so a row gives bit-identical results whether its cache is contiguous or paged, and whatever other
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
    int heads_per_task;
} wk_paged_attn_job;

/// Offset in values of position `p`'s row (kv head 0) within the pool, through the row's block table.
typedef struct {
    const wk_paged_attn_job *job;
    const int32_t *blocks;
} wk_paged_position;

static int64_t paged_offset(const void *raw, int32_t p) {
    const wk_paged_position *at = raw;
    return (int64_t)at->blocks[p / at->job->block_size] * at->job->block_stride +
           (int64_t)(p % at->job->block_size) * at->job->kv_stride;
}

static void paged_attn_task(void *raw, int64_t task, int thread) {
    (void)thread;
    const wk_paged_attn_job *job = raw;
    int64_t t;
    int h0, n, kvh;
    wk_attn_task_heads(task, job->heads, job->kv_heads, job->heads_per_task, &t, &h0, &n, &kvh);
    const wk_paged_attn_row row = job->rows[t];
    // The per-row arithmetic is attention.c's, through the same helper (wk_internal.h).
    const wk_paged_position at = {job, row.blocks};
    wk_attn_run_heads(job->q + t * job->q_stride, job->out + t * job->out_stride, h0, n, kvh, job->head_dim,
                      job->scale, job->softcap, job->k_base, job->v_base, paged_offset, &at, row.first, row.count);
}

void wk_paged_attention(wk_pool *pool, const float *q, int64_t q_stride, const wk_paged_attn_row *rows,
                        int64_t tokens, const uint16_t *k_base, const uint16_t *v_base, int64_t block_stride,
                        int32_t block_size, int heads, int kv_heads, int head_dim, int64_t kv_stride, float scale,
                        float softcap, float *out, int64_t out_stride, float *scratch, int64_t max_count) {
    (void)scratch;
    (void)max_count;
    const int per_task = wk_attn_heads_per_task(tokens, heads, kv_heads, wk_pool_threads(pool));
    wk_paged_attn_job job = {q, q_stride, rows, k_base, v_base, block_stride, block_size, heads, kv_heads, head_dim,
                             kv_stride, scale, softcap, out, out_stride, per_task};
    int64_t work = 0;
    for (int64_t t = 0; t < tokens; t++) work += rows[t].count;
    work *= (int64_t)heads * head_dim;
    wk_pool_run(pool, paged_attn_task, &job, tokens * wk_attn_tasks_per_row(heads, kv_heads, per_task),
                work >= 65536);
}
