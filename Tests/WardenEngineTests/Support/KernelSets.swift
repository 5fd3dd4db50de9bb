import CWardenKernels

/// Runs `body` once with the VNNI kernels (where the CPU has them) and once with the portable AVX2 ones, passing a
/// label for failure messages. Results never depend on the set, so tests running beside this see no difference.
func forEachKernelSet(_ body: (_ label: String) -> Void) {
    for vnni in [true, false] {
        wk_set_vnni_enabled(vnni ? 1 : 0)
        defer { wk_set_vnni_enabled(1) }
        body(vnni ? "vnni" : "avx2")
    }
}
