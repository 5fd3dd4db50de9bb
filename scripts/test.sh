#!/usr/bin/env bash
# Fresh Debian 12 + Swift -> the whole test suite: installs what is missing (including the default model and the
# test peers pycasbin and cryptography), then runs every test target in one release build with testing enabled.
# Extra arguments go to `swift test` (e.g. --filter WardenPolicyTests).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_system_packages
install_python_packages pycasbin==2.8.0 cryptography
assemble_default_model
cd "$WARDEN_ROOT"
log "running the test suite"
swift test "${WARDEN_BUILD_FLAGS[@]}" "$@"
