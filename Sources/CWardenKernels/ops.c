// Element-wise model operations: RMS normalisation, rotary embeddings, gated activations.
#include "wk_internal.h"
#include <math.h>
#include <pthread.h>

/// GELU (tanh approximation) of every fp16 value, rounded to fp16: llama.cpp's CPU backend reads GELU from such a
/// table, so using one too is both fast and keeps results on the same tokens as llama.cpp.
static uint16_t gelu_table[1 << 16];
static pthread_once_t gelu_once = PTHREAD_ONCE_INIT;

static void gelu_table_init(void) {
    // ggml's expression and constants, with the multiply-add its compiler fuses, so the table is the same.
    const float c = 0.79788456080286535587989211986876f;  // sqrt(2 / pi)
    const float a = 0.044715f;
    for (uint32_t i = 0; i < (1u << 16); i++) {
        const float v = wk_f16((uint16_t)i);
        gelu_table[i] = _cvtss_sh(0.5f * v * (1.0f + tanhf(c * v * fmaf(a * v, v, 1.0f))), 0);
    }
}

void wk_rms_norm_to(const float *x, float *out, const float *weight, int64_t rows, int64_t dim, float eps) {
    // As ggml computes it: squares rounded to float, summed in double in order, the mean rounded to float and the
    // scale computed in float; then (x * scale) * weight. Matching it keeps results on llama.cpp's tokens.
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * dim;
        float *o = out + r * dim;
        double sum = 0.0;
        for (int64_t i = 0; i < dim; i++) sum += (double)(xr[i] * xr[i]);
        const float mean = (float)(sum / (double)dim);
        const float scale = 1.0f / sqrtf(mean + eps);
        for (int64_t i = 0; i < dim; i++) o[i] = xr[i] * scale * weight[i];
    }
}

void wk_rms_norm(float *x, const float *weight, int64_t rows, int64_t dim, float eps) {
    wk_rms_norm_to(x, x, weight, rows, dim, eps);
}

void wk_rope(float *x, int64_t tokens, int64_t row_stride, int heads, int head_dim, int rope_dim, int neox,
             const int32_t *positions, float theta_scale, float freq_scale, const float *freq_factors) {
    const int pairs = rope_dim / 2 < 1024 ? rope_dim / 2 : 1024;
    float cs[1024], sn[1024];
    for (int64_t t = 0; t < tokens; t++) {
        float theta = (float)positions[t];
        for (int i = 0; i < pairs; i++) {
            const float angle = freq_scale * (freq_factors ? theta / freq_factors[i] : theta);
            cs[i] = cosf(angle);
            sn[i] = sinf(angle);
            theta *= theta_scale;
        }
        for (int h = 0; h < heads; h++) {
            float *v = x + t * row_stride + (int64_t)h * head_dim;
            for (int i = 0; i < pairs; i++) {
                const int a = neox ? i : 2 * i;
                const int b = neox ? i + rope_dim / 2 : 2 * i + 1;
                const float x0 = v[a], x1 = v[b];
                v[a] = x0 * cs[i] - x1 * sn[i];
                v[b] = x0 * sn[i] + x1 * cs[i];
            }
        }
    }
}

typedef struct {
    int act;
    const float *gate, *up;
    float *out;
    int64_t n, gate_stride, up_stride, out_stride;
} wk_glu_job;

static void glu_task(void *raw, int64_t t, int thread) {
    (void)thread;
    const wk_glu_job *job = raw;
    const float *g = job->gate + t * job->gate_stride, *u = job->up + t * job->up_stride;
    float *o = job->out + t * job->out_stride;
    if (job->act == 0) {
        for (int64_t i = 0; i < job->n; i++) o[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
    } else {
        pthread_once(&gelu_once, gelu_table_init);
        for (int64_t i = 0; i < job->n; i++) {
            const float x = g[i];
            if (x <= -10.0f) {
                o[i] = 0.0f;
            } else if (x >= 10.0f) {
                o[i] = x * u[i];
            } else {
                o[i] = wk_f16(gelu_table[_cvtss_sh(x, 0)]) * u[i];
            }
        }
    }
}

void wk_glu(wk_pool *pool, int act, const float *gate, const float *up, float *out, int64_t tokens, int64_t n,
            int64_t gate_stride, int64_t up_stride, int64_t out_stride) {
    wk_glu_job job = {act, gate, up, out, n, gate_stride, up_stride, out_stride};
    wk_pool_run(pool, glu_task, &job, tokens, tokens >= 4);
}
