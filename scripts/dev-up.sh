#!/usr/bin/env bash
# Fresh Debian 12 + Swift -> a running development gateway on the default model:
# installs what is missing, builds, creates a development PKI in ./dev (once) and serves.
# Usage: scripts/dev-up.sh [--dir DIR] [--port N]
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir="$WARDEN_ROOT/dev"
port=8443
while [ $# -gt 0 ]; do
    case "$1" in
        --dir) dir="$2"; shift 2 ;;
        --port) port="$2"; shift 2 ;;
        *) echo "usage: $0 [--dir DIR] [--port N]" >&2; exit 2 ;;
    esac
done

install_system_packages
install_python_packages
assemble_default_model
build_warden
warden="$(cd "$WARDEN_ROOT" && swift build "${WARDEN_BUILD_FLAGS[@]}" --show-bin-path)/warden"

cd "$WARDEN_ROOT"
if [ ! -f "$dir/warden.yaml" ]; then
    log "creating the development PKI and configuration in $dir"
    "$warden" init --dir "$dir" --port "$port" --policies "$WARDEN_ROOT/Policies" --model "$WARDEN_GEMMA3_MODEL"
    "$warden" certs issue --dir "$dir" --name alice --team research --role user
    "$warden" certs issue --dir "$dir" --name root --team platform --role admin
fi
log "serving on https://localhost:$port (Ctrl-C or SIGTERM stops, SIGHUP reloads certificates and policy)"
exec "$warden" serve --config "$dir/warden.yaml" --port "$port"
