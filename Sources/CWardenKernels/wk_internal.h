// Block layouts of the GGUF quantized types (as ggml defines them) and helpers shared by the kernel files.
#pragma once

#include "CWardenKernels.h"
#include <immintrin.h>
#include <string.h>

#define WK_QK 32
#define WK_QK_K 256

typedef struct { uint16_t d; int8_t qs[32]; } wk_block_q8_0;                           // 34 bytes
typedef struct { uint16_t d; uint8_t qs[16]; } wk_block_q4_0;                          // 18 bytes
typedef struct { uint16_t d; uint16_t m; uint8_t qs[16]; } wk_block_q4_1;              // 20 bytes
typedef struct { uint16_t d; uint8_t qh[4]; uint8_t qs[16]; } wk_block_q5_0;           // 22 bytes
typedef struct { uint16_t d; uint16_t m; uint8_t qh[4]; uint8_t qs[16]; } wk_block_q5_1; // 24 bytes
typedef struct { uint16_t d; uint16_t dmin; uint8_t scales[12]; uint8_t qs[128]; } wk_block_q4_k;  // 144 bytes
typedef struct { uint16_t d; uint16_t dmin; uint8_t scales[12]; uint8_t qh[32]; uint8_t qs[128]; } wk_block_q5_k; // 176
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; uint16_t d; } wk_block_q6_k; // 210 bytes

static inline float wk_f16(uint16_t h) { return _cvtsh_ss(h); }
static inline float wk_bf16(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

/// The 6-bit scale and min of sub-block `j` (0..7) of a Q4_K/Q5_K super-block's packed 12 scale bytes.
static inline void wk_k_scale_min(int j, const uint8_t *q, int *scale, int *min) {
    if (j < 4) {
        *scale = q[j] & 63;
        *min = q[j + 4] & 63;
    } else {
        *scale = (q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4);
        *min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

/// Horizontal sum of 8 floats.
static inline float wk_hsum(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_movehdup_ps(lo));
    return _mm_cvtss_f32(lo);
}

/// 16 packed bytes -> 32 bytes: low nibbles as values 0..15, then high nibbles as values 16..31.
static inline __m256i wk_unpack_nibbles(const uint8_t *p) {
    __m128i t = _mm_loadu_si128((const __m128i *)p);
    __m256i both = _mm256_insertf128_si256(_mm256_castsi128_si256(t), _mm_srli_epi16(t, 4), 1);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

/// 32 bits -> 32 bytes, byte j = 0xFF when bit j is set, else 0.
static inline __m256i wk_bits_to_bytes(const uint8_t *p) {
    uint32_t bits;
    memcpy(&bits, p, 4);
    const __m256i spread = _mm256_set_epi64x(0x0303030303030303LL, 0x0202020202020202LL, 0x0101010101010101LL, 0);
    __m256i bytes = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits), spread);
    const __m256i select = _mm256_set1_epi64x(0x8040201008040201LL);
    return _mm256_cmpeq_epi8(_mm256_and_si256(bytes, select), select);
}

/// Sum over 32 lanes of signed x * signed y, as 8 float partial sums.
static inline __m256 wk_dot_i8(__m256i x, __m256i y) {
    __m256i pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}

/// Sum over 32 lanes of unsigned x * signed y, as 8 float partial sums.
static inline __m256 wk_dot_u8(__m256i x, __m256i y) {
    __m256i pairs = _mm256_maddubs_epi16(x, y);
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}

static inline __m256i wk_load32(const int8_t *p) { return _mm256_loadu_si256((const __m256i *)p); }

// MARK: Attention, one query row and its heads at a time (shared by every attention kernel so they agree bit for bit)

#define WK_ATTN_MAX_HEAD_DIM 1024

/// Where position `p`'s key and value rows (kv head 0) lie, in values from the key and value bases.
typedef int64_t (*wk_attn_position_offset)(const void *context, int32_t p);

/// One query row's heads `h0 ..< h0 + n` (all reading kv head `kvh`) over its visible positions `first ..< first +
/// count`, in position order; `q` and `out` point at the row's first head. Each cached row is widened once for all
/// `n` heads (grouped-query attention shares it); per head the arithmetic is the same whatever `n` is.
void wk_attn_run_heads(const float *q, float *out, int h0, int n, int kvh, int head_dim, float scale, float softcap,
                       const uint16_t *k_base, const uint16_t *v_base, wk_attn_position_offset offset,
                       const void *context, int32_t first, int32_t count);

/// How many heads one attention task takes: a whole group of query heads (sharing one kv head, at most
/// `WK_ATTN_MAX_TASK_HEADS`) when there are enough rows to keep every thread busy, else one.
int wk_attn_heads_per_task(int64_t tokens, int heads, int kv_heads, int threads);
#define WK_ATTN_MAX_TASK_HEADS 4

/// Task `task` of an attention call with `per_task` heads per task: its query row `*t`, first head `*h0`, head count
/// `*n` and kv head `*kvh`. Tasks per row: `wk_attn_tasks_per_row`.
void wk_attn_task_heads(int64_t task, int heads, int kv_heads, int per_task, int64_t *t, int *h0, int *n, int *kvh);
int64_t wk_attn_tasks_per_row(int heads, int kv_heads, int per_task);

// MARK: K-type row kernels shared by the one-token and batched matrix products

/// Dot product of one Q4_K row of `nb` super-blocks with SUPERBLOCK-mode activations (see dot.c).
float wk_dot_q4_k_row(const void *row, const wk_q8_block *a, int64_t nb);
/// Dot product of one Q6_K row of `nb` super-blocks with SUPERBLOCK-mode activations (see dot.c).
float wk_dot_q6_k_row(const void *row, const wk_q8_block *a, int64_t nb);
/// The 16 int16 `bsums` of each of `supers` SUPERBLOCK-mode super-blocks (8 activation blocks each), in `out`.
void wk_q8_superblock_bsums(const wk_q8_block *a, int64_t supers, int16_t *out);
/// One Q4_K or Q6_K row of `nb` super-blocks against `nt` (1-4) tokens' activations `a[t]` with their super-block
/// sums `bsums[t]` (from `wk_q8_superblock_bsums`): `out[t]` is bit-identical to the one-token row kernel's result.
void wk_dot_k_tile(int type, int nt, const void *row, const wk_q8_block *const a[4], const int16_t *const bsums[4],
                   int64_t nb, float out[4]);
#define WK_K_CHUNK 64  // tokens `wk_dot_k_chunk` takes at once
/// One Q4_K or Q6_K row of `nb` super-blocks against `nt` (1..WK_K_CHUNK) tokens: token t's activations at
/// `x + t * blocks` and super-block sums at `bsums + t * 16 * nb`. `out[t]` is bit-identical to the one-token kernel.
void wk_dot_k_chunk(int type, const void *row, int64_t nb, const wk_q8_block *x, int64_t blocks, const int16_t *bsums,
                    int nt, float *out);

// MARK: CPU features and the one-token VNNI kernel (gemv.c)

/// Whether this CPU has AVX-512 VNNI on 256-bit vectors (decided once).
int wk_cpu_has_vnni(void);
#define WK_VNNI_TARGET __attribute__((target("avx2,fma,f16c,avx512f,avx512bw,avx512vl,avx512vnni")))

/// Bytes per block of Q8_0, Q5_0 or Q4_0.
static inline size_t wk_q0_block_bytes(int type) {
    return type == WK_TYPE_Q8_0 ? sizeof(wk_block_q8_0) : type == WK_TYPE_Q5_0 ? sizeof(wk_block_q5_0)
                                                                                 : sizeof(wk_block_q4_0);
}

/// The fp16 scale of block `i` of a Q8_0/Q5_0/Q4_0 row (the first field of all three block types).
static inline uint16_t wk_q0_scale(int type, const uint8_t *row, int64_t i) {
    uint16_t d;
    memcpy(&d, row + (size_t)i * wk_q0_block_bytes(type), 2);
    return d;
}

/// The 32 codes of block `i` of a Q8_0/Q5_0/Q4_0 row as `vpdpbusd`'s unsigned operand: Q8_0 bytes plus 128 (the
/// sign bit flipped), Q5_0 and Q4_0 codes as stored (0..31, 0..15). Each is its signed value plus the type's offset.
WK_VNNI_TARGET __attribute__((always_inline))
static inline __m256i wk_q0_codes(int type, const uint8_t *row, int64_t i) {
    if (type == WK_TYPE_Q8_0) {
        const wk_block_q8_0 *b = (const wk_block_q8_0 *)row + i;
        return _mm256_xor_si256(wk_load32(b->qs), _mm256_set1_epi8((char)0x80));
    }
    if (type == WK_TYPE_Q5_0) {
        const wk_block_q5_0 *b = (const wk_block_q5_0 *)row + i;
        uint32_t bits;
        memcpy(&bits, b->qh, 4);
        const __m256i high = _mm256_maskz_mov_epi8((__mmask32)bits, _mm256_set1_epi8(16));
        return _mm256_or_si256(wk_unpack_nibbles(b->qs), high);
    }
    const wk_block_q4_0 *b = (const wk_block_q4_0 *)row + i;
    return wk_unpack_nibbles(b->qs);
}

/// Whether one-token products of `type` go through `wk_gemv_rows` on this CPU.
int wk_gemv_supported(int type);
/// Bytes of the seeds `wk_gemv_seeds` writes for an activation of `cols` values (32-byte multiple).
size_t wk_gemv_seed_bytes(int64_t cols);
/// Per activation block, the int32 lanes `-offset * (sum of four activation bytes)` that `wk_gemv_rows` starts from.
void wk_gemv_seeds(int type, const wk_q8_block *x, int64_t nb, int32_t *seeds);
/// Rows `r0..<r1` of a Q8_0/Q5_0/Q4_0 matrix against one activation `x` (with its `seeds`), into `y[r]` (+ bias).
void wk_gemv_rows(int type, const void *w, size_t row_bytes, int64_t r0, int64_t r1, const wk_q8_block *x,
                  const int32_t *seeds, int64_t cols, float *y, const float *bias);

// MARK: Batched VNNI tiles (tiles_vnni.c)

#define WK_TILE_MAX_BLOCKS 256  // blocks per row the VNNI tile path keeps on the stack

/// Whether batched products of `type` with rows of `cols` values go through the VNNI tiles on this CPU.
int wk_tiles_vnni_supported(int type, int64_t cols);
/// Bytes `wk_tiles_vnni_prepare` writes for `tokens` activations of `cols` values.
size_t wk_tiles_vnni_extra_bytes(int64_t cols, int64_t tokens);
/// Lays out, beside the activation blocks `x` (`tokens` rows of `nb`), the seeds and scale vectors the tiles read.
void wk_tiles_vnni_prepare(int type, const wk_q8_block *x, int64_t nb, int64_t tokens, void *extra);
/// Rows `r0..<r1` against every token: `y[t * y_stride + r]` (+ bias).
void wk_tiles_vnni_rows(int type, const uint8_t *w, size_t row_bytes, int64_t r0, int64_t r1, const wk_q8_block *x,
                        void *extra, int64_t nb, int64_t tokens, float *y, int64_t y_stride, const float *bias);
