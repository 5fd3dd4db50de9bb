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
/// values are loaded once for all four. Even and odd blocks go to separate accumulators exactly as in the one-token
/// kernels, so a token gets bit-identical results whether it is computed alone or in a batch.
static void dot_i8_x4(const int8_t *q, const float *d, int64_t nb, const wk_q8_block *const a[4], float out[4]) {
    __m256 acc[4][2];
    for (int t = 0; t < 4; t++) acc[t][0] = acc[t][1] = _mm256_setzero_ps();
    const __m256i ones = _mm256_set1_epi16(1);
    for (int64_t i = 0; i < nb; i++) {
        const __m256i w = _mm256_loadu_si256((const __m256i *)(q + 32 * i));
        const __m256i aw = _mm256_sign_epi8(w, w);
        const int parity = (int)(i & 1);
        for (int t = 0; t < 4; t++) {
            const __m256i x = _mm256_sign_epi8(wk_load32(a[t][i].qs), w);
            const __m256 s = _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_maddubs_epi16(aw, x), ones));
            acc[t][parity] = _mm256_fmadd_ps(_mm256_set1_ps(d[i] * a[t][i].d), s, acc[t][parity]);
        }
    }
    for (int t = 0; t < 4; t++) out[t] = wk_hsum(_mm256_add_ps(acc[t][0], acc[t][1]));
}

/// A K-type row expanded once for the batched path: per 32-value sub-block its bytes (unsigned values for Q4_K/Q5_K,
/// value − 32 for Q6_K) and the factors the one-token kernels use, so results stay bit-identical to them.
typedef struct {
    int8_t q[32];
    float scale;    // Q4_K/Q5_K: d * sc;  Q6_K: d
    float min;      // Q4_K/Q5_K: m (as float);  unused for Q6_K
    float dmin;     // Q4_K/Q5_K: the super-block's dmin
    int16_t sc[2];  // Q6_K: the scales of the two 16-value halves
} wk_k_sub;

static int expands_k(int type) { return type == WK_TYPE_Q4_K || type == WK_TYPE_Q5_K || type == WK_TYPE_Q6_K; }

static void expand_row_k(int type, const uint8_t *row, int64_t nsuper, wk_k_sub *out) {
    for (int64_t i = 0; i < nsuper; i++) {
        if (type == WK_TYPE_Q6_K) {
            const wk_block_q6_k *b = (const wk_block_q6_k *)row + i;
            const float d = wk_f16(b->d);
            for (int half = 0; half < 2; half++) {
                const uint8_t *ql = b->ql + 64 * half, *qh = b->qh + 32 * half;
                const int8_t *sc = b->scales + 8 * half;
                for (int c = 0; c < 4; c++) {
                    wk_k_sub *o = out + i * 8 + half * 4 + c;
                    for (int l = 0; l < 32; l++) {
                        const int low = c < 2 ? (ql[l + (c & 1) * 32] & 0x0F) : (ql[l + (c & 1) * 32] >> 4);
                        const int high = (qh[l] >> (2 * c)) & 3;
                        o->q[l] = (int8_t)((low | (high << 4)) - 32);
                    }
                    o->scale = d;
                    o->sc[0] = sc[2 * c];
                    o->sc[1] = sc[2 * c + 1];
                }
            }
        } else {
            const int is_q5 = type == WK_TYPE_Q5_K;
            const uint8_t *scales = is_q5 ? ((const wk_block_q5_k *)row)[i].scales : ((const wk_block_q4_k *)row)[i].scales;
            const uint8_t *qs = is_q5 ? ((const wk_block_q5_k *)row)[i].qs : ((const wk_block_q4_k *)row)[i].qs;
            const uint8_t *qh = is_q5 ? ((const wk_block_q5_k *)row)[i].qh : NULL;
            const uint16_t dh = is_q5 ? ((const wk_block_q5_k *)row)[i].d : ((const wk_block_q4_k *)row)[i].d;
            const uint16_t mh = is_q5 ? ((const wk_block_q5_k *)row)[i].dmin : ((const wk_block_q4_k *)row)[i].dmin;
            const float d = wk_f16(dh), dmin = wk_f16(mh);
            for (int sub = 0; sub < 8; sub++) {
                wk_k_sub *o = out + i * 8 + sub;
                int sc, m;
                wk_k_scale_min(sub, scales, &sc, &m);
                const uint8_t *q = qs + 32 * (sub / 2);
                for (int l = 0; l < 32; l++) {
                    int v = (sub & 1) ? (q[l] >> 4) : (q[l] & 0x0F);
                    if (qh) v |= ((qh[l] >> sub) & 1) << 4;
                    o->q[l] = (int8_t)v;
                }
                o->scale = d * sc;
                o->min = (float)m;
                o->dmin = dmin;
            }
        }
    }
}

/// Four tokens against an expanded K row, in exactly the one-token kernels' order of operations.
static void dot_k_x4(int type, const wk_k_sub *w, int64_t nsub, const wk_q8_block *const a[4], float out[4]) {
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    float offset[4] = {0, 0, 0, 0};
    const __m256i ones = _mm256_set1_epi16(1);
    if (type == WK_TYPE_Q6_K) {
        for (int64_t b = 0; b < nsub; b++) {
            const __m256i v = wk_load32(w[b].q);
            const __m256i av = _mm256_sign_epi8(v, v);
            const __m256i scales = _mm256_setr_m128i(_mm_set1_epi16(w[b].sc[0]), _mm_set1_epi16(w[b].sc[1]));
            for (int t = 0; t < 4; t++) {
                const __m256i pairs = _mm256_maddubs_epi16(av, _mm256_sign_epi8(wk_load32(a[t][b].qs), v));
                const __m256 s = _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, scales));
                acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(w[b].scale * a[t][b].d), s, acc[t]);
            }
        }
        for (int t = 0; t < 4; t++) out[t] = wk_hsum(acc[t]);
        return;
    }
    for (int64_t b = 0; b < nsub; b += 2) {
        const __m256i q0 = wk_load32(w[b].q), q1 = wk_load32(w[b + 1].q);
        for (int t = 0; t < 4; t++) {
            const wk_q8_block *a0 = &a[t][b], *a1 = &a[t][b + 1];
            const __m256 s0 = _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_maddubs_epi16(q0, wk_load32(a0->qs)), ones));
            const __m256 s1 = _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_maddubs_epi16(q1, wk_load32(a1->qs)), ones));
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(w[b].scale * a0->d), s0, acc[t]);
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(w[b + 1].scale * a1->d), s1, acc[t]);
            offset[t] += w[b].dmin * (w[b].min * a0->s + w[b + 1].min * a1->s);
        }
    }
    for (int t = 0; t < 4; t++) out[t] = wk_hsum(acc[t]) - offset[t];
}

static void matmul_task(void *raw, int64_t task, int thread) {
    (void)thread;
    const wk_matmul_job *job = raw;
    const int64_t r0 = task * job->rows_per_task;
    int64_t r1 = r0 + job->rows_per_task;
    if (r1 > job->rows) r1 = job->rows;
    const int64_t blocks = job->cols / WK_QK;
    int64_t t = 0;
    if (job->tokens >= 4 && expands_to_i8(job->type) && blocks <= 1024) {
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
    } else if (job->tokens >= 4 && expands_k(job->type) && blocks <= 1024) {
        wk_k_sub sub[1024];
        const int64_t groups = job->tokens / 4 * 4;
        for (int64_t r = r0; r < r1; r++) {
            expand_row_k(job->type, job->w + (size_t)r * job->row_bytes, blocks / 8, sub);
            for (int64_t g = 0; g < groups; g += 4) {
                const wk_q8_block *a[4];
                float out[4];
                for (int k = 0; k < 4; k++) a[k] = job->xq + (g + k) * blocks;
                dot_k_x4(job->type, sub, blocks, a, out);
                for (int k = 0; k < 4; k++) {
                    job->y[(g + k) * job->y_stride + r] = job->bias ? out[k] + job->bias[r] : out[k];
                }
            }
        }
        t = groups;
    }
    for (; t < job->tokens; t++) {
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
