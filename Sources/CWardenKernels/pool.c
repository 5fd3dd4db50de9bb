// A worker pool whose idle threads sleep on a futex after a short spin, and whose tasks are claimed dynamically.
//
// Why this shape: a thread that another process has pushed off its core must not hold everyone up. Tasks are claimed
// one at a time from a shared counter, so a worker that is not running simply claims nothing and the caller does the
// work; only a task already claimed is waited for. When such waits get long (a core is busy elsewhere), the pool
// runs the next jobs on the caller alone for a while and then tries the workers again.
#define _GNU_SOURCE
#include "CWardenKernels.h"
#include <immintrin.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define WK_MAX_THREADS 256
#define WK_CLAIM_LOCKED 0xFFFFFFFFu
#define WK_SPIN_NS 200000         // idle workers spin this long before sleeping
#define WK_STRAGGLER_NS 1000000   // a wait this long for a claimed task means a core is busy elsewhere
#define WK_SOLO_NS 40000000       // then the caller runs jobs alone this long before the workers are tried again
#define WK_SOLO_NS_MAX 1280000000 // the longest such stretch, reached by doubling while the cores stay busy
#define WK_WINDOW_JOBS 64         // parallel jobs over which waiting time is judged
#define WK_PREEMPTION_NS 4000000  // the caller preempted once per this much time or more often: cores are shared

struct wk_pool {
    int threads;
    pthread_t workers[WK_MAX_THREADS];
    // (job generation << 32) | next task index; the index reads WK_CLAIM_LOCKED while a job is being published.
    _Atomic uint64_t claim;
    _Atomic(wk_task_fn) fn;
    _Atomic(void *) context;
    _Atomic int64_t count;
    _Atomic int64_t done;
    _Atomic uint32_t wake_seq;
    _Atomic int sleepers;
    _Atomic int stop;
    uint32_t generation;
    _Atomic uint64_t solo_until_ns;  // jobs run on the caller alone until this time
    // Judging whether the workers help: over a window of parallel jobs, the time the caller spent waiting for
    // tasks that workers had claimed, against the jobs' total time.
    int window_jobs;
    uint64_t window_wait_ns, window_total_ns;
    long window_preemptions;  // the caller's involuntary context switches when the window began
    uint64_t window_start_ns;
    uint64_t solo_stretch_ns;
};

typedef struct {
    wk_pool *pool;
    int index;
} wk_worker_arg;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/// Times the calling thread was preempted (involuntary context switches) so far.
static long preemptions(void) {
    struct rusage usage;
    return getrusage(RUSAGE_THREAD, &usage) == 0 ? usage.ru_nivcsw : 0;
}

static void futex_wait(_Atomic uint32_t *addr, uint32_t expected) {
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake_all(_Atomic uint32_t *addr) {
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, WK_MAX_THREADS, NULL, NULL, 0);
}

/// Claims and runs tasks of the job current in `claim` until none is left or the job changes.
static void run_claims(wk_pool *pool, int thread) {
    for (;;) {
        uint64_t v = atomic_load_explicit(&pool->claim, memory_order_acquire);
        uint32_t index = (uint32_t)v;
        if (index == WK_CLAIM_LOCKED) return;
        wk_task_fn fn = atomic_load_explicit(&pool->fn, memory_order_relaxed);
        void *context = atomic_load_explicit(&pool->context, memory_order_relaxed);
        int64_t count = atomic_load_explicit(&pool->count, memory_order_relaxed);
        if ((int64_t)index >= count) return;
        // The CAS succeeds only if the job did not change since `v` was read, so fn/context/count belong to it.
        if (!atomic_compare_exchange_weak_explicit(&pool->claim, &v, v + 1, memory_order_acq_rel,
                                                   memory_order_relaxed)) {
            continue;
        }
        fn(context, (int64_t)index, thread);
        atomic_fetch_add_explicit(&pool->done, 1, memory_order_release);
    }
}

static int has_work(wk_pool *pool) {
    uint64_t v = atomic_load_explicit(&pool->claim, memory_order_acquire);
    uint32_t index = (uint32_t)v;
    return index != WK_CLAIM_LOCKED && (int64_t)index < atomic_load_explicit(&pool->count, memory_order_relaxed);
}

static void *worker_main(void *raw) {
    wk_worker_arg arg = *(wk_worker_arg *)raw;
    free(raw);
    wk_pool *pool = arg.pool;
    while (!atomic_load(&pool->stop)) {
        run_claims(pool, arg.index);
        // Spin a little: in a forward pass the next job usually follows within microseconds. Not while the caller
        // runs alone because cores are busy elsewhere: then spinning would only take time from others.
        uint64_t start = now_ns();
        int found = 0;
        while (atomic_load_explicit(&pool->solo_until_ns, memory_order_relaxed) < start && now_ns() - start < WK_SPIN_NS) {
            for (int i = 0; i < 64; i++) _mm_pause();
            if (has_work(pool) || atomic_load(&pool->stop)) {
                found = 1;
                break;
            }
        }
        if (found) continue;
        uint32_t seq = atomic_load(&pool->wake_seq);
        atomic_fetch_add(&pool->sleepers, 1);
        if (!has_work(pool) && !atomic_load(&pool->stop)) futex_wait(&pool->wake_seq, seq);
        atomic_fetch_sub(&pool->sleepers, 1);
    }
    return NULL;
}

wk_pool *wk_pool_create(int threads) {
    if (threads < 1) threads = 1;
    if (threads > WK_MAX_THREADS) threads = WK_MAX_THREADS;
    wk_pool *pool = calloc(1, sizeof(wk_pool));
    if (!pool) return NULL;
    pool->threads = threads;
    pool->solo_stretch_ns = WK_SOLO_NS;
    atomic_store(&pool->claim, (uint64_t)WK_CLAIM_LOCKED);
    for (int i = 1; i < threads; i++) {
        wk_worker_arg *arg = malloc(sizeof(wk_worker_arg));
        if (!arg) {
            pool->threads = i;
            break;
        }
        arg->pool = pool;
        arg->index = i;
        if (pthread_create(&pool->workers[i], NULL, worker_main, arg) != 0) {
            free(arg);
            pool->threads = i;
            break;
        }
    }
    return pool;
}

void wk_pool_destroy(wk_pool *pool) {
    if (!pool) return;
    atomic_store(&pool->stop, 1);
    atomic_fetch_add(&pool->wake_seq, 1);
    futex_wake_all(&pool->wake_seq);
    for (int i = 1; i < pool->threads; i++) pthread_join(pool->workers[i], NULL);
    free(pool);
}

int wk_pool_threads(const wk_pool *pool) { return pool ? pool->threads : 1; }

void wk_pool_run(wk_pool *pool, wk_task_fn fn, void *context, int64_t count, int parallel) {
    if (count <= 0) return;
    // Solo stretches are measured in time, not jobs: a prompt's jobs take milliseconds, a generated token's
    // microseconds, and a stretch should cost both the same when a single hiccup started it.
    if (!pool || pool->threads == 1 || !parallel || count == 1 ||
        (pool->solo_until_ns && now_ns() < pool->solo_until_ns)) {
        for (int64_t t = 0; t < count; t++) fn(context, t, 0);
        return;
    }
    const uint64_t job_start = now_ns();
    uint32_t gen = ++pool->generation;
    atomic_store(&pool->claim, ((uint64_t)gen << 32) | WK_CLAIM_LOCKED);
    atomic_store_explicit(&pool->fn, fn, memory_order_relaxed);
    atomic_store_explicit(&pool->context, context, memory_order_relaxed);
    atomic_store_explicit(&pool->count, count, memory_order_relaxed);
    atomic_store_explicit(&pool->done, 0, memory_order_relaxed);
    atomic_store(&pool->claim, (uint64_t)gen << 32);  // seq_cst: publishes the job before the sleepers check
    if (atomic_load(&pool->sleepers) > 0) {
        atomic_fetch_add(&pool->wake_seq, 1);
        futex_wake_all(&pool->wake_seq);
    }
    run_claims(pool, 0);
    // Every task is claimed; wait for the ones workers are still running.
    uint64_t waited = 0, claimed_ns = 0;
    if (atomic_load_explicit(&pool->done, memory_order_acquire) < count) {
        uint64_t start = now_ns();
        claimed_ns = start - job_start;
        uint64_t spins = 0;
        while (atomic_load_explicit(&pool->done, memory_order_acquire) < count) {
            _mm_pause();
            if (++spins % 1024 == 0 && now_ns() - start > 50000) sched_yield();
        }
        waited = now_ns() - start;
    }
    atomic_store(&pool->claim, ((uint64_t)gen << 32) | WK_CLAIM_LOCKED);
    // A worker that keeps the caller waiting is one that does not get a core: then run alone for a while, twice as
    // long each time the workers still do not help, and back to the short stretch once they do.
    pool->window_wait_ns += waited;
    pool->window_total_ns += now_ns() - job_start;
    pool->window_jobs++;
    // A straggler is a wait both long in absolute terms and several times what one task takes (the tasks of a
    // long prompt can take a millisecond each; waiting for one of those is not a sign of a busy core).
    const uint64_t task_ns = claimed_ns * (uint64_t)pool->threads / (uint64_t)count;
    int go_solo = waited > WK_STRAGGLER_NS && waited > 4 * task_ns;
    if (pool->window_jobs == 1) {
        pool->window_preemptions = preemptions();
        pool->window_start_ns = job_start;
    }
    if (pool->window_jobs >= WK_WINDOW_JOBS) {
        // Busy: over 20% of the time spent waiting for workers, or the caller itself preempted often (more
        // runnable threads than cores, so our extra threads only take turns with ours and others'). "Often" is by
        // the clock: a quiet machine still preempts now and then, and a long window (prompt processing) would
        // otherwise count those into a false alarm.
        const long preempted = preemptions() - pool->window_preemptions;
        const uint64_t elapsed = now_ns() - pool->window_start_ns;
        const int busy = pool->window_wait_ns * 5 > pool->window_total_ns ||
                         (preempted >= 2 && (uint64_t)preempted * WK_PREEMPTION_NS >= elapsed);
        go_solo = go_solo || busy;
        if (!busy) pool->solo_stretch_ns = WK_SOLO_NS;
        pool->window_jobs = 0;
        pool->window_wait_ns = pool->window_total_ns = 0;
    }
    if (go_solo) {
        atomic_store(&pool->solo_until_ns, now_ns() + pool->solo_stretch_ns);
        pool->solo_stretch_ns = pool->solo_stretch_ns * 2 > WK_SOLO_NS_MAX ? WK_SOLO_NS_MAX : pool->solo_stretch_ns * 2;
        pool->window_jobs = 0;
        pool->window_wait_ns = pool->window_total_ns = 0;
    }
}
