// Memory read bandwidth measurement, for the benchmark's physical ceiling of generation speed.
#include "wk_internal.h"
#include <stdlib.h>
#include <time.h>

typedef struct {
    const uint8_t *buffer;
    size_t chunk;
    uint64_t sums[256];
} wk_read_job;

static void read_task(void *raw, int64_t task, int thread) {
    wk_read_job *job = raw;
    const __m256i *p = (const __m256i *)(job->buffer + (size_t)task * job->chunk);
    const size_t n = job->chunk / 32;
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    for (size_t i = 0; i + 4 <= n; i += 4) {
        a0 = _mm256_add_epi64(a0, _mm256_load_si256(p + i));
        a1 = _mm256_add_epi64(a1, _mm256_load_si256(p + i + 1));
        a2 = _mm256_add_epi64(a2, _mm256_load_si256(p + i + 2));
        a3 = _mm256_add_epi64(a3, _mm256_load_si256(p + i + 3));
    }
    __m256i s = _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3));
    uint64_t lanes[4];
    _mm256_storeu_si256((__m256i *)lanes, s);
    job->sums[thread & 255] += lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

double wk_measure_read_bandwidth(wk_pool *pool, size_t bytes, int repeats) {
    const size_t chunk = 1 << 20;
    bytes = (bytes / chunk) * chunk;
    if (bytes == 0 || repeats < 1) return 0;
    uint8_t *buffer = aligned_alloc(64, bytes);
    if (!buffer) return 0;
    for (size_t i = 0; i < bytes; i++) buffer[i] = (uint8_t)i;
    wk_read_job job = {.buffer = buffer, .chunk = chunk};
    double best = 0;
    for (int r = 0; r < repeats; r++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        wk_pool_run(pool, read_task, &job, (int64_t)(bytes / chunk), 1);
        clock_gettime(CLOCK_MONOTONIC, &b);
        const double seconds = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
        if (seconds > 0 && (double)bytes / seconds > best) best = (double)bytes / seconds;
    }
    volatile uint64_t sink = 0;
    for (int i = 0; i < 256; i++) sink += job.sums[i];
    (void)sink;
    free(buffer);
    return best;
}
