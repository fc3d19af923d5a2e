#!/usr/bin/env bash
# Installs the Debian 12 packages that building, running and testing berichtd need.
# Idempotent: installs only what is missing. Run as root (or through sudo).
set -euo pipefail

build_pkgs=(build-essential cmake ninja-build ccache pkg-config git
  libpoco-dev libzmq3-dev cppzmq-dev libyaml-cpp-dev libboost-dev libssl-dev
  libsystemd-dev libpq-dev libsqlite3-dev libqrencode-dev libhpdf-dev fonts-dejavu-core)
test_pkgs=(googletest libgtest-dev libgmock-dev postgresql-15 postgresql-client-15
  systemd curl iproute2 util-linux libxml2-utils oathtool zbar-tools librsvg2-bin
  python3-aiosmtpd openssl poppler-utils chromium prometheus)

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then want+=("${test_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
