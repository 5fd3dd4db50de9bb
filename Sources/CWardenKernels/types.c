// Type table: which GGUF tensor types the kernels handle and their block geometry.
#include "wk_internal.h"

int wk_type_block_values(int type) {
    switch (type) {
    case WK_TYPE_F32: case WK_TYPE_F16: case WK_TYPE_BF16: return 1;
    case WK_TYPE_Q4_0: case WK_TYPE_Q4_1: case WK_TYPE_Q5_0: case WK_TYPE_Q5_1: case WK_TYPE_Q8_0: return WK_QK;
    case WK_TYPE_Q4_K: case WK_TYPE_Q5_K: case WK_TYPE_Q6_K: return WK_QK_K;
    default: return 0;
    }
}

int wk_type_block_bytes(int type) {
    switch (type) {
    case WK_TYPE_F32: return 4;
    case WK_TYPE_F16: case WK_TYPE_BF16: return 2;
    case WK_TYPE_Q4_0: return sizeof(wk_block_q4_0);
    case WK_TYPE_Q4_1: return sizeof(wk_block_q4_1);
    case WK_TYPE_Q5_0: return sizeof(wk_block_q5_0);
    case WK_TYPE_Q5_1: return sizeof(wk_block_q5_1);
    case WK_TYPE_Q8_0: return sizeof(wk_block_q8_0);
    case WK_TYPE_Q4_K: return sizeof(wk_block_q4_k);
    case WK_TYPE_Q5_K: return sizeof(wk_block_q5_k);
    case WK_TYPE_Q6_K: return sizeof(wk_block_q6_k);
    default: return 0;
    }
}

int wk_type_supported(int type) { return wk_type_block_values(type) != 0; }

int wk_type_uses_q8(int type) {
    return wk_type_supported(type) && type != WK_TYPE_F32 && type != WK_TYPE_F16 && type != WK_TYPE_BF16;
}

_Static_assert(sizeof(wk_block_q8_0) == 34, "Q8_0 layout");
_Static_assert(sizeof(wk_block_q4_0) == 18, "Q4_0 layout");
_Static_assert(sizeof(wk_block_q4_1) == 20, "Q4_1 layout");
_Static_assert(sizeof(wk_block_q5_0) == 22, "Q5_0 layout");
_Static_assert(sizeof(wk_block_q5_1) == 24, "Q5_1 layout");
_Static_assert(sizeof(wk_block_q4_k) == 144, "Q4_K layout");
_Static_assert(sizeof(wk_block_q5_k) == 176, "Q5_K layout");
_Static_assert(sizeof(wk_block_q6_k) == 210, "Q6_K layout");
_Static_assert(sizeof(wk_q8_block) == 40, "activation block layout");
