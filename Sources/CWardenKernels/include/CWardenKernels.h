// CWardenKernels: the engine's CPU compute kernels (AVX2, FMA, F16C).
//
// Weights stay in their quantized GGUF block layouts and are read straight from the memory-mapped file; the kernels
// take dot products directly on those blocks. Activations are quantized once per matrix product to 8-bit blocks of
// 32 values with a float scale (`wk_q8_block`), so integer dot products do most of the work, as llama.cpp does.
// All functions trust their arguments: the Swift layer validates shapes, types and bounds before calling in.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Tensor element types, numbered as in GGUF/ggml so the file's type field can be passed through unchanged.
typedef enum {
    WK_TYPE_F32 = 0,
    WK_TYPE_F16 = 1,
    WK_TYPE_Q4_0 = 2,
    WK_TYPE_Q4_1 = 3,
    WK_TYPE_Q5_0 = 6,
    WK_TYPE_Q5_1 = 7,
    WK_TYPE_Q8_0 = 8,
    WK_TYPE_Q4_K = 12,
    WK_TYPE_Q5_K = 13,
    WK_TYPE_Q6_K = 14,
    WK_TYPE_BF16 = 30,
} wk_type;

/// An activation block: 32 values quantized as `qs[i] * d`. For the per-32 modes `s` is `d * sum(qs)`, which the
/// types with an offset (Q4_1, Q5_1) need; in SUPERBLOCK mode (the K types) `bsums` holds the integer sums of
/// `qs[0..<16]` and `qs[16..<32]` instead, as llama.cpp's Q8_K blocks do.
typedef struct {
    float d;
    union {
        float s;
        int16_t bsums[2];
    };
    int8_t qs[32];
} wk_q8_block;

/// 1 when the kernels support `type`, else 0.
int wk_type_supported(int type);
/// Values per block (1 for the float types, 32 for Q*_0/Q*_1, 256 for the K types); 0 when unsupported.
int wk_type_block_values(int type);
/// Bytes per block; 0 when unsupported.
int wk_type_block_bytes(int type);
/// 1 when a matrix of `type` is multiplied against quantized activations (`wk_q8_block`), 0 when against floats.
int wk_type_uses_q8(int type);

/// Dequantizes `n` values (a multiple of the block size) from `src` into `dst`.
void wk_dequantize(int type, const void *src, float *dst, int64_t n);
/// Quantizes `n` floats (a multiple of 32) into `n / 32` activation blocks.
void wk_quantize_q8(const float *x, wk_q8_block *dst, int64_t n);
/// How activations are quantized for a weight type, following llama.cpp so results stay comparable with it:
/// per 32 values with a float scale (PLAIN), with the scale rounded to fp16 (HALF_SCALE, for Q4_0/Q5_0/Q8_0), with
/// scale and sum rounded to fp16 (HALF_SCALES, for Q4_1/Q5_1), or one scale per 256 values (SUPERBLOCK, for the K
/// types: llama.cpp's Q8_K, whose scale is `1 / (-127 / x)` for the value `x` of largest magnitude, so `d` may be
/// negative with `qs` negated to match).
enum { WK_Q8_PLAIN = 0, WK_Q8_HALF_SCALE = 1, WK_Q8_HALF_SCALES = 2, WK_Q8_SUPERBLOCK = 3 };
/// The activation quantization `wk_matmul` uses for weights of `type`.
int wk_type_q8_mode(int type);
/// Quantizes `n` floats into `n / 32` activation blocks in the given mode (SUPERBLOCK needs `n` % 256 == 0).
void wk_quantize_q8_mode(const float *x, wk_q8_block *dst, int64_t n, int mode);
/// Turns the AVX-512 VNNI kernels off (0) or back on where the CPU has them (1), so tests can hold the portable AVX2
/// kernels to the same results on a VNNI machine. Results never depend on it; only which code computes them.
void wk_set_vnni_enabled(int enabled);
/// 1 when the kernels use AVX-512 VNNI (the CPU has it and it is not turned off), else 0.
int wk_vnni_in_use(void);
/// Dot product of one weight row of `n` values with an activation: `xq` for the Q8 types, `xf` for the float types.
float wk_vec_dot(int type, const void *row, const wk_q8_block *xq, const float *xf, int64_t n);

// MARK: Worker pool

/// A pool of worker threads that sleep (futex) when idle, so a busy core elsewhere does not stall it.
typedef struct wk_pool wk_pool;
/// A task body: `task` is in `0..<count`, `thread` in `0..<threads` (0 is the calling thread).
typedef void (*wk_task_fn)(void *context, int64_t task, int thread);

/// Creates a pool using `threads` threads in all, the caller included (so `threads - 1` workers). NULL on failure.
wk_pool *wk_pool_create(int threads);
/// Stops and joins the workers, then frees the pool.
void wk_pool_destroy(wk_pool *pool);
/// Threads in all, the caller included.
int wk_pool_threads(const wk_pool *pool);
/// Runs `count` tasks, the caller taking part, and returns when all are done. Not reentrant: one caller at a time.
/// `parallel == 0` runs everything on the caller (used for work too small to be worth waking anyone).
void wk_pool_run(wk_pool *pool, wk_task_fn fn, void *context, int64_t count, int parallel);

// MARK: Matrix products and model operations (multi-threaded through `pool`)

/// Bytes of scratch `wk_matmul` needs for `tokens` activations of `cols` values.
size_t wk_matmul_scratch_bytes(int64_t cols, int64_t tokens);
/// `y[t * y_stride + r] = dot(W row r, x[t * x_stride ...]) (+ bias[r])` for `r < rows`, `t < tokens`.
/// `W` has `rows` rows of `row_bytes` bytes each, of `cols` values of `type`. `scratch` holds
/// `wk_matmul_scratch_bytes(cols, tokens)` bytes.
void wk_matmul(wk_pool *pool, int type, const void *w, size_t row_bytes, int64_t rows, int64_t cols,
               const float *x, int64_t x_stride, int64_t tokens, float *y, int64_t y_stride, const float *bias,
               void *scratch);

/// One product of `wk_matmul_multi`: a weight matrix (as in `wk_matmul`) and where its results go.
typedef struct {
    int type;
    const void *w;
    size_t row_bytes;
    int64_t rows;
    float *y;
    int64_t y_stride;
    const float *bias;
} wk_matmul_part;

/// Bytes of scratch `wk_matmul_multi` needs for `count` products of `tokens` activations of `cols` values.
size_t wk_matmul_multi_scratch_bytes(int64_t cols, int64_t tokens, int count);
/// `count` products of the same input (say a layer's query, key and value), each as `wk_matmul` computes it, bit for
/// bit. They run as one job of the pool, with the input quantized once when they all quantize it the same way, so
/// the threads meet once instead of once per product.
void wk_matmul_multi(wk_pool *pool, const wk_matmul_part *parts, int count, int64_t cols, const float *x,
                     int64_t x_stride, int64_t tokens, void *scratch);

/// RMS normalisation of `rows` rows of `dim` values in place: `x * weight / sqrt(mean(x^2) + eps)`.
void wk_rms_norm(float *x, const float *weight, int64_t rows, int64_t dim, float eps);
/// The same, from `x` into `out` (which may equal `x`).
void wk_rms_norm_to(const float *x, float *out, const float *weight, int64_t rows, int64_t dim, float eps);

/// Rotary position embedding in place on `tokens` rows of `heads` heads of `head_dim` values (row stride
/// `row_stride`). The first `rope_dim` values of each head rotate; `neox != 0` pairs value i with i + rope_dim/2,
/// otherwise 2i with 2i+1. The angles are produced as llama.cpp produces them, so results match it bit for bit:
/// theta_0 = position and theta_{i+1} = theta_i * theta_scale in float (theta_scale = base^(-2/rope_dim)), and pair i
/// turns by freq_scale * theta_i / freq_factors[i] (`freq_factors` may be NULL for all ones).
void wk_rope(float *x, int64_t tokens, int64_t row_stride, int heads, int head_dim, int rope_dim, int neox,
             const int32_t *positions, float theta_scale, float freq_scale, const float *freq_factors);

/// `out[i] = act(gate[i]) * up[i]` over `tokens` rows of `n` values (row strides given); `act` 0 = SiLU,
/// 1 = GELU (tanh approximation).
void wk_glu(wk_pool *pool, int act, const float *gate, const float *up, float *out, int64_t tokens, int64_t n,
            int64_t gate_stride, int64_t up_stride, int64_t out_stride);

/// Converts `n` floats to fp16 (round to nearest even).
void wk_f32_to_f16(const float *x, uint16_t *y, int64_t n);

/// One query row's view of a key/value cache held in fp16: rows `first ..< first + count` of `k` and `v` are
/// visible (row stride `kv_stride` values; kv head h starts at h * head_dim).
typedef struct {
    const uint16_t *k;
    const uint16_t *v;
    int32_t first;
    int32_t count;
} wk_attn_row;

/// Causal attention for `tokens` query rows (`q` row stride `q_stride`, `heads` heads of `head_dim`), grouped-query:
/// head h reads kv head h / (heads / kv_heads). Computed as llama.cpp's CPU flash attention computes one query row:
/// the query rounded to fp16, scores `scale * q.k` (optionally soft-capped by `softcap` when > 0), an online softmax
/// over the visible rows in position order and the weighted values summed in fp16 (see attention.c). `out` row stride
/// `out_stride`. `scratch` and `max_count` are no longer used (kept for callers).
void wk_attention(wk_pool *pool, const float *q, int64_t q_stride, const wk_attn_row *rows, int64_t tokens,
                  int heads, int kv_heads, int head_dim, int64_t kv_stride, float scale, float softcap, float *out,
                  int64_t out_stride, float *scratch, int64_t max_count);

/// Reads a `bytes` buffer `repeats` times with all of `pool`'s threads and returns the best rate in bytes per second
/// (0 if the buffer cannot be allocated).
double wk_measure_read_bandwidth(wk_pool *pool, size_t bytes, int repeats);

// MARK: Paged key/value cache (engine-batch; issue 7)

/// One query row's view of a paged key/value cache: positions `first ..< first + count` of its sequence are visible;
/// position p lives in pool block `blocks[p / block_size]` at row `p % block_size`.
typedef struct {
    const int32_t *blocks;
    int32_t first;
    int32_t count;
} wk_paged_attn_row;

/// `wk_attention` over a paged cache, bit-identical to it for the same rows. `k_base`/`v_base` point at one layer's
/// keys/values of block 0; block b starts `b * block_stride` values further on, its rows `kv_stride` values apart.
/// `scratch` and `max_count` are no longer used (kept for callers).
void wk_paged_attention(wk_pool *pool, const float *q, int64_t q_stride, const wk_paged_attn_row *rows,
                        int64_t tokens, const uint16_t *k_base, const uint16_t *v_base, int64_t block_stride,
                        int32_t block_size, int heads, int kv_heads, int head_dim, int64_t kv_stride, float scale,
                        float softcap, float *out, int64_t out_stride, float *scratch, int64_t max_count);

// MARK: End of paged key/value cache section

#ifdef __cplusplus
}
#endif
