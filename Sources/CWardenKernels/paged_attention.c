// Causal grouped-query attention over a paged key/value cache: each query row reads its sequence's cached positions
// through a block table, one task per (query row, head).
//
// The arithmetic (fp16 query rounding, dot product order, online softmax, fp16 value accumulation) is exactly that
// of `wk_attention` (both go through the wk_attn_state helpers), so a row gives bit-identical results whether its cache is contiguous or paged, and whatever other
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

/// Offset in values of position `p`'s row (kv head 0) within the pool, through the row's block table.
static inline int64_t paged_row_offset(const wk_paged_attn_job *job, const int32_t *blocks, int32_t p) {
    return (int64_t)blocks[p / job->block_size] * job->block_stride + (int64_t)(p % job->block_size) * job->kv_stride;
}

static void paged_attn_task(void *raw, int64_t task, int thread) {
    (void)thread;
    const wk_paged_attn_job *job = raw;
    const int64_t t = task / job->heads;
    const int h = (int)(task % job->heads);
    const int kvh = h / (job->heads / job->kv_heads);
    const wk_paged_attn_row row = job->rows[t];
    const int hd = job->head_dim;
    // The per-row arithmetic is attention.c's, through the same helpers (wk_internal.h).
    wk_attn_state st;
    wk_attn_state_begin(&st, job->q + t * job->q_stride + (int64_t)h * hd, hd, job->scale, job->softcap);
    for (int32_t j = 0; j < row.count; j++) {
        const int64_t offset = paged_row_offset(job, row.blocks, row.first + j) + (int64_t)kvh * hd;
        wk_attn_state_step(&st, job->k_base + offset, job->v_base + offset);
    }
    wk_attn_state_end(&st, job->out + t * job->out_stride + (int64_t)h * hd);
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
