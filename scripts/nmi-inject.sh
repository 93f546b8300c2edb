#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inject NMIs into a running x86_64 QEMU guest through its HMP monitor
# socket: wait until the guest's payload has started (TI-PAYLOAD-BEGIN in
# its console log), then send "nmi" (every vCPU) every PERIOD seconds
# until the socket goes away.  Started and stopped by run-guest.sh.
#
# usage: nmi-inject.sh MONITOR-SOCKET CONSOLE-LOG PERIOD
set -euo pipefail
. "$(dirname "$0")/lib.sh"
need python3

mon=${1:?usage: nmi-inject.sh SOCKET LOG PERIOD} logf=${2:?} period=${3:?}
until grep -q '^TI-PAYLOAD-BEGIN' "$logf" 2>/dev/null; do
	sleep 1
done
n=0
while [ -S "$mon" ]; do
	# The socket vanishes when the guest powers off: that ends the loop
	# (a failed connect), silently.
	python3 - "$mon" 2>/dev/null <<'PY' || break
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
s.recv(4096)              # the monitor's banner
s.sendall(b"nmi\n")
s.recv(4096)
s.close()
PY
	n=$((n + 1))
	sleep "$period"
done
log "nmi-inject: $n NMIs sent" 2>/dev/null || true
