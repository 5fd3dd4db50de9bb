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
    void *vnni_tiles;  // rows go through `wk_tiles_vnni_rows` (tiles_vnni.c); this is its prepared extra
    const int32_t *gemv_seeds;  // one token through `wk_gemv_rows` (gemv.c): its activation blocks' seeds
    const int16_t *x_bsums;  // Q4_K/Q6_K: each token's super-block sums (`wk_q8_superblock_bsums`)
} wk_matmul_job;

/// Whether rows of `type` can be expanded to signed 8-bit values with one scale per 32 (for the batched path).
static int expands_to_i8(int type) { return type == WK_TYPE_Q8_0 || type == WK_TYPE_Q5_0 || type == WK_TYPE_Q4_0; }

/// Expands one row of Q8_0/Q5_0/Q4_0 blocks into signed bytes `q` and scales `d` (one per 32 values).
static void expand_row_i8(int type, const uint8_t *row, int64_t nb, int8_t *q, float *d) {
    const __m256i sixteen = _mm256_set1_epi8(16), eight = _mm256_set1_epi8(8);
    for (int64_t i = 0; i < nb; i++) {
        __m256i v;
        if (type == WK_TYPE_Q8_0) {
            const wk_block_q8_0 *b = (const wk_block_q8_0 *)row + i;
            d[i] = wk_f16(b->d);
            v = wk_load32(b->qs);
        } else if (type == WK_TYPE_Q5_0) {
            const wk_block_q5_0 *b = (const wk_block_q5_0 *)row + i;
            d[i] = wk_f16(b->d);
            const __m256i high = _mm256_and_si256(wk_bits_to_bytes(b->qh), sixteen);
            v = _mm256_sub_epi8(_mm256_or_si256(wk_unpack_nibbles(b->qs), high), sixteen);
        } else {
            const wk_block_q4_0 *b = (const wk_block_q4_0 *)row + i;
            d[i] = wk_f16(b->d);
            v = _mm256_sub_epi8(wk_unpack_nibbles(b->qs), eight);
        }
        _mm256_storeu_si256((__m256i *)(q + 32 * i), v);
    }
}

/// Dot products of one expanded weight row with four activation rows at once: the weight bytes and their absolute
/// values are loaded once for all four. Each token keeps one accumulator in block order, exactly as the one-token
/// kernels (dot.c) do, so a token gets bit-identical results whether it is computed alone or in a batch.
static void dot_i8_x4(const int8_t *q, const float *d, int64_t nb, const wk_q8_block *const a[4], float out[4]) {
    __m256 acc[4];
    for (int t = 0; t < 4; t++) acc[t] = _mm256_setzero_ps();
    const __m256i ones = _mm256_set1_epi16(1);
    for (int64_t i = 0; i < nb; i++) {
        const __m256i w = _mm256_loadu_si256((const __m256i *)(q + 32 * i));
        const __m256i aw = _mm256_sign_epi8(w, w);
        for (int t = 0; t < 4; t++) {
            const __m256i x = _mm256_sign_epi8(wk_load32(a[t][i].qs), w);
            const __m256 s = _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_maddubs_epi16(aw, x), ones));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d[i] * a[t][i].d), s, acc[t]);
        }
    }
    for (int t = 0; t < 4; t++) out[t] = wk_hsum(acc[t]);
}

static void matmul_task(void *raw, int64_t task, int thread) {
    (void)thread;
    const wk_matmul_job *job = raw;
    const int64_t r0 = task * job->rows_per_task;
    int64_t r1 = r0 + job->rows_per_task;
    if (r1 > job->rows) r1 = job->rows;
    const int64_t blocks = job->cols / WK_QK;
    int64_t t = 0;
    if (job->gemv_seeds) {
        wk_gemv_rows(job->type, job->w, job->row_bytes, r0, r1, job->xq, job->gemv_seeds, job->cols, job->y, job->bias);
        t = job->tokens;
    } else if (job->vnni_tiles) {
        wk_tiles_vnni_rows(job->type, job->w, job->row_bytes, r0, r1, job->xq, job->vnni_tiles, blocks, job->tokens,
                           job->y, job->y_stride, job->bias);
        t = job->tokens;
    } else if (job->tokens >= 4 && expands_to_i8(job->type) && blocks <= 1024) {
        // Batched path: expand each weight row once, then run it against the tokens four at a time.
        int8_t q[1024 * 32] __attribute__((aligned(32)));
        float d[1024];
        const int64_t groups = job->tokens / 4 * 4;
        for (int64_t r = r0; r < r1; r++) {
            expand_row_i8(job->type, job->w + (size_t)r * job->row_bytes, blocks, q, d);
            for (int64_t g = 0; g < groups; g += 4) {
                const wk_q8_block *a[4];
                float out[4];
                for (int k = 0; k < 4; k++) a[k] = job->xq + (g + k) * blocks;
                dot_i8_x4(q, d, blocks, a, out);
                for (int k = 0; k < 4; k++) {
                    job->y[(g + k) * job->y_stride + r] = job->bias ? out[k] + job->bias[r] : out[k];
                }
            }
        }
        t = groups;
    } else if (job->x_bsums) {
        // The K kernels sum each super-block in integers first, so a row is cheap to rerun: keep the row hot in L1
        // and run it against every token with the one-token kernel (bit-identical by construction).
        // Tiles of four tokens unpack each super-block once for all four (bit-identical by construction, dot.c).
        const int64_t supers = job->cols / WK_QK_K;
        for (int64_t r = r0; r < r1; r++) {
            const void *row = job->w + (size_t)r * job->row_bytes;
            // The next row comes from memory while this one runs against every token (16 tokens of a 2048-column
            // Q4_K product: 8-15% faster).
            for (size_t p = 0; p < job->row_bytes; p += 64) {
                _mm_prefetch((const char *)row + job->row_bytes + p, _MM_HINT_T0);
            }
            if (job->tokens >= 8) {
                // Many tokens (a prompt): unpack each super-block once per WK_K_CHUNK tokens, not once per four.
                for (int64_t g = 0; g < job->tokens; g += WK_K_CHUNK) {
                    const int nt = job->tokens - g < WK_K_CHUNK ? (int)(job->tokens - g) : WK_K_CHUNK;
                    float out[WK_K_CHUNK];
                    wk_dot_k_chunk(job->type, row, supers, job->xq + g * blocks, blocks,
                                   job->x_bsums + g * supers * 16, nt, out);
                    for (int k = 0; k < nt; k++) {
                        job->y[(g + k) * job->y_stride + r] = job->bias ? out[k] + job->bias[r] : out[k];
                    }
                }
                continue;
            }
            for (int64_t g = 0; g < job->tokens; g += 4) {
                const int nt = job->tokens - g < 4 ? (int)(job->tokens - g) : 4;
                const wk_q8_block *a[4];
                const int16_t *bs[4];
                for (int k = 0; k < 4; k++) {
                    const int64_t tk = g + (k < nt ? k : 0);
                    a[k] = job->xq + tk * blocks;
                    bs[k] = job->x_bsums + tk * (supers * 16);
                }
                float out[4];
                wk_dot_k_tile(job->type, nt, row, a, bs, supers, out);
                for (int k = 0; k < nt; k++) {
                    job->y[(g + k) * job->y_stride + r] = job->bias ? out[k] + job->bias[r] : out[k];
                }
            }
        }
        t = job->tokens;
    }
    for (; t < job->tokens; t++) {
        const wk_q8_block *xq = job->xq ? job->xq + t * blocks : NULL;
        const float *xf = job->xf + t * job->x_stride;
        float *y = job->y + t * job->y_stride;
        int64_t r = r0;
        for (; r < r1; r++) {
            float v = wk_vec_dot(job->type, job->w + (size_t)r * job->row_bytes, xq, xf, job->cols);
            y[r] = job->bias ? v + job->bias[r] : v;
        }
    }
}

/// Bytes each product needs beside the shared activation blocks: the VNNI tiles' seeds and scales, the one-token
/// kernel's seeds (gemv.c), or the K types' super-block sums (4 bytes per block).
static size_t extra_bytes(int64_t cols, int64_t tokens) {
    size_t extra = (size_t)(cols / WK_QK) * (size_t)tokens * sizeof(int32_t);
    const size_t tiles = wk_tiles_vnni_extra_bytes(cols, tokens), gemv = wk_gemv_seed_bytes(cols);
    if (tiles > extra) extra = tiles;
    if (gemv > extra) extra = gemv;
    return (extra + 63) & ~(size_t)63;
}

static size_t activation_bytes(int64_t cols, int64_t tokens) {
    return ((size_t)(cols / WK_QK) * (size_t)tokens * sizeof(wk_q8_block) + 63) & ~(size_t)63;
}

size_t wk_matmul_scratch_bytes(int64_t cols, int64_t tokens) { return wk_matmul_multi_scratch_bytes(cols, tokens, 1); }

size_t wk_matmul_multi_scratch_bytes(int64_t cols, int64_t tokens, int count) {
    return activation_bytes(cols, tokens) + (size_t)(count > 0 ? count : 1) * extra_bytes(cols, tokens);
}

/// Sets up `job` for one product: what its kernel needs beside the activation blocks `xq` goes into `extra`.
static void prepare_job(wk_matmul_job *job, wk_q8_block *xq, void *extra) {
    const int type = job->type;
    const int64_t cols = job->cols, tokens = job->tokens, nb = cols / WK_QK;
    job->xq = xq;
    if (tokens == 1 && wk_gemv_supported(type)) {
        wk_gemv_seeds(type, xq, nb, extra);
        job->gemv_seeds = extra;
    } else if (tokens >= 2 && wk_tiles_vnni_supported(type, cols)) {
        wk_tiles_vnni_prepare(type, xq, nb, tokens, extra);
        job->vnni_tiles = extra;
    } else if ((type == WK_TYPE_Q4_K || type == WK_TYPE_Q6_K) && wk_type_q8_mode(type) == WK_Q8_SUPERBLOCK &&
               cols % WK_QK_K == 0) {
        int16_t *bsums = extra;  // 16 int16 per super-block
        for (int64_t t = 0; t < tokens; t++) wk_q8_superblock_bsums(xq + t * nb, cols / WK_QK_K, bsums + t * (cols / WK_QK_K) * 16);
        job->x_bsums = bsums;
    }
}

// Up to this many tokens a product is streaming-bound (generation, small batches): it takes few long tasks, and
// several products of one input run as one job. Beyond it (a prompt) it is compute-bound: 16-row tasks, one job each.
#define WK_FUSE_MAX_TOKENS 16

/// Rows per task for a product of `rows` rows on `threads` threads.
static int64_t rows_per_task(int64_t rows, int64_t tokens, int threads) {
    if (tokens > WK_FUSE_MAX_TOKENS) return 16;
    // About four tasks per thread: enough that a late or busy thread leaves little to wait for, few enough that
    // each task streams a long stretch of weights. (32 tasks per thread made claiming and restarting streams cost
    // about a sixth of generation: tg128 81 -> 89-98 tokens/s with four.)
    int64_t per_task = rows / ((int64_t)threads * 4);
    if (per_task < 32) per_task = 32;
    if (per_task > 256) per_task = 256;
    return per_task;
}

#define WK_MAX_PARTS 8

/// Several products of one input run as one job: task `i` of the job is task `i - first[p]` of product `p`.
typedef struct {
    int count;
    wk_matmul_job jobs[WK_MAX_PARTS];
    int64_t first[WK_MAX_PARTS + 1];
} wk_multi_job;

static void multi_task(void *raw, int64_t task, int thread) {
    const wk_multi_job *multi = raw;
    int p = 0;
    while (task >= multi->first[p + 1]) p++;
    matmul_task((void *)&multi->jobs[p], task - multi->first[p], thread);
}

/// A job for one product, before its kernel's preparation.
static wk_matmul_job job_for_part(const wk_matmul_part *part, int64_t cols, const float *x, int64_t x_stride,
                                  int64_t tokens) {
    return (wk_matmul_job){
        .type = part->type, .w = part->w, .row_bytes = part->row_bytes, .rows = part->rows, .cols = cols, .xf = x,
        .x_stride = x_stride, .tokens = tokens, .y = part->y, .y_stride = part->y_stride, .bias = part->bias,
    };
}

void wk_matmul_multi(wk_pool *pool, const wk_matmul_part *parts, int count, int64_t cols, const float *x,
                     int64_t x_stride, int64_t tokens, void *scratch) {
    if (count <= 0) return;
    // One quantization of the input serves every product only when they all quantize it the same way.
    int shared = count <= WK_MAX_PARTS;
    for (int p = 1; p < count && shared; p++) {
        shared = wk_type_uses_q8(parts[p].type) == wk_type_uses_q8(parts[0].type) &&
                 wk_type_q8_mode(parts[p].type) == wk_type_q8_mode(parts[0].type);
    }
    if (!shared) {
        for (int p = 0; p < count; p++) wk_matmul_multi(pool, parts + p, 1, cols, x, x_stride, tokens, scratch);
        return;
    }
    wk_multi_job multi = {.count = count};
    wk_q8_block *xq = NULL;
    if (wk_type_uses_q8(parts[0].type)) {
        xq = scratch;
        const int mode = wk_type_q8_mode(parts[0].type);
        for (int64_t t = 0; t < tokens; t++) wk_quantize_q8_mode(x + t * x_stride, xq + t * (cols / WK_QK), cols, mode);
    }
    const int threads = wk_pool_threads(pool);
    char *extras = (char *)scratch + activation_bytes(cols, tokens);
    const size_t extra_size = extra_bytes(cols, tokens);
    if (tokens > WK_FUSE_MAX_TOKENS) {
        // A prompt's products are long jobs, so meeting once per product costs nothing; what matters is that the
        // kernel's extra data (seeds, scales: hundreds of KB) stays in L2, so each product reuses one region.
        for (int p = 0; p < count; p++) {
            wk_matmul_job job = job_for_part(&parts[p], cols, x, x_stride, tokens);
            if (xq) prepare_job(&job, xq, extras);
            const int parallel = threads > 1 && job.rows * cols * tokens >= WK_PARALLEL_MIN_WORK;
            job.rows_per_task = parallel ? rows_per_task(job.rows, tokens, threads) : job.rows;
            wk_pool_run(pool, matmul_task, &job, (job.rows + job.rows_per_task - 1) / job.rows_per_task, parallel);
        }
        return;
    }
    int64_t work = 0;
    for (int p = 0; p < count; p++) work += parts[p].rows * cols * tokens;
    const int parallel = threads > 1 && work >= WK_PARALLEL_MIN_WORK;
    multi.first[0] = 0;
    for (int p = 0; p < count; p++) {
        wk_matmul_job *job = &multi.jobs[p];
        *job = job_for_part(&parts[p], cols, x, x_stride, tokens);
        if (xq) {
            // Products of one type share what their kernel prepared (it depends on the type and the input only).
            int same = -1;
            for (int q = 0; q < p && same < 0; q++) if (parts[q].type == parts[p].type) same = q;
            if (same >= 0) {
                const wk_matmul_job *prepared = &multi.jobs[same];
                job->xq = prepared->xq;
                job->gemv_seeds = prepared->gemv_seeds;
                job->vnni_tiles = prepared->vnni_tiles;
                job->x_bsums = prepared->x_bsums;
            } else {
                prepare_job(job, xq, extras + (size_t)p * extra_size);
            }
        }
        job->rows_per_task = parallel ? rows_per_task(job->rows, tokens, threads) : job->rows;
        multi.first[p + 1] = multi.first[p] + (job->rows + job->rows_per_task - 1) / job->rows_per_task;
    }
    wk_pool_run(pool, multi_task, &multi, multi.first[count], parallel);
}

void wk_matmul(wk_pool *pool, int type, const void *w, size_t row_bytes, int64_t rows, int64_t cols,
               const float *x, int64_t x_stride, int64_t tokens, float *y, int64_t y_stride, const float *bias,
               void *scratch) {
    const wk_matmul_part part = {
        .type = type, .w = w, .row_bytes = row_bytes, .rows = rows, .y = y, .y_stride = y_stride, .bias = bias,
    };
    wk_matmul_multi(pool, &part, 1, cols, x, x_stride, tokens, scratch);
}
