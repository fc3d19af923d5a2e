#!/usr/bin/env bash
# Builds berichtd and runs it in the foreground on its embedded default: conf/berichtd.yaml,
# SQLite under ./state, the echo, auth-totp and delivery-inbox plugins. Extra arguments go to the daemon (e.g. --set ...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERICHTD_BUILD_TESTS=OFF >/dev/null
cmake --build build -j2 --target berichtd berichtd-plugin-host berichtctl echo auth-totp delivery-inbox
mkdir -p state
chmod 0700 state
if [[ ! -s state/admin.token ]]; then
  (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > state/admin.token)
  echo "admin token written to state/admin.token (berichtctl reads it from there)"
fi
if [[ ! -s state/auth.key ]]; then
  (umask 077 && printf 'k1:%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > state/auth.key)
  echo "TOTP encryption key written to state/auth.key"
fi
if [[ ! -s state/messages.key ]]; then
  (umask 077 && printf 'm1:%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" > state/messages.key)
  echo "message master key written to state/messages.key"
fi
exec build/bin/berichtd --config conf/berichtd.yaml "$@"
