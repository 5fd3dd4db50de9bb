// Matrix products of a quantized weight matrix with a batch of activation rows, split into row-chunk tasks.
//
// Each task owns a chunk of weight rows small enough to stay in L1/L2 and runs it against every token, so a weight
// block read from memory serves the whole batch (prompt processing, or many sequences decoding together).
#include "wk_internal.h"

#define WK_PARALLEL_MIN_WORK 32768  // multiply-adds below which waking another thread costs more than it saves

typedef struct {
    int type;
    const uint8_t *w;
    size_t row_bytes;
    int64_t rows, cols;
    const float *xf;
    int64_t x_stride;
    const wk_q8_block *xq;
    int64_t tokens;
    float *y;
    int64_t y_stride;
    const float *bias;
    int64_t rows_per_task;
} wk_matmul_job;

static void matmul_task(void *raw, int64_t task, int thread) {
    (void)thread;
    const wk_matmul_job *job = raw;
    const int64_t r0 = task * job->rows_per_task;
    int64_t r1 = r0 + job->rows_per_task;
    if (r1 > job->rows) r1 = job->rows;
    const int64_t blocks = job->cols / WK_QK;
    for (int64_t t = 0; t < job->tokens; t++) {
        const wk_q8_block *xq = job->xq ? job->xq + t * blocks : NULL;
        const float *xf = job->xf + t * job->x_stride;
        float *y = job->y + t * job->y_stride;
        for (int64_t r = r0; r < r1; r++) {
            float v = wk_vec_dot(job->type, job->w + (size_t)r * job->row_bytes, xq, xf, job->cols);
            y[r] = job->bias ? v + job->bias[r] : v;
        }
    }
}

size_t wk_matmul_scratch_bytes(int64_t cols, int64_t tokens) {
    return (size_t)(cols / WK_QK) * (size_t)tokens * sizeof(wk_q8_block);
}

void wk_matmul(wk_pool *pool, int type, const void *w, size_t row_bytes, int64_t rows, int64_t cols,
               const float *x, int64_t x_stride, int64_t tokens, float *y, int64_t y_stride, const float *bias,
               void *scratch) {
    wk_matmul_job job = {
        .type = type, .w = w, .row_bytes = row_bytes, .rows = rows, .cols = cols, .xf = x, .x_stride = x_stride,
        .xq = NULL, .tokens = tokens, .y = y, .y_stride = y_stride, .bias = bias,
    };
    if (wk_type_uses_q8(type)) {
        wk_q8_block *q = scratch;
        const int mode = wk_type_q8_mode(type);
        for (int64_t t = 0; t < tokens; t++) wk_quantize_q8_mode(x + t * x_stride, q + t * (cols / WK_QK), cols, mode);
        job.xq = q;
    }
    const int threads = wk_pool_threads(pool);
    const int64_t work = rows * cols * tokens;
    const int parallel = threads > 1 && work >= WK_PARALLEL_MIN_WORK;
    int64_t per_task;
    if (tokens == 1) {
        // Enough tasks that a late or busy thread leaves little to wait for, few enough that claiming stays cheap.
        per_task = rows / ((int64_t)threads * 32);
        if (per_task < 8) per_task = 8;
        if (per_task > 256) per_task = 256;
    } else {
        per_task = 16;
    }
    if (!parallel) per_task = rows;
    job.rows_per_task = per_task;
    wk_pool_run(pool, matmul_task, &job, (rows + per_task - 1) / per_task, parallel);
}
