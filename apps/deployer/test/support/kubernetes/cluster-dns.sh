#!/usr/bin/env bash
# A pod's DNS on one machine: runs COMMAND with /etc/resolv.conf replaced by RESOLV_CONF (naming a loopback
# dnsmasq that answers the cluster's names), inside the private mount namespace `unshare --mount` made for
# it, so nothing outside sees the change. Refuses to run in the machine's own mount namespace. COMMAND
# runs with the caller's PATH (the pod's); this script's own tools come from the system's.
# Usage: unshare --mount --propagation private -- bash cluster-dns.sh RESOLV_CONF COMMAND [ARG]...
set -euo pipefail
resolv=${1:?usage: cluster-dns.sh RESOLV_CONF COMMAND [ARG]...}
shift
pod_path=${PATH:-}
PATH=/usr/sbin:/usr/bin:/sbin:/bin
if [ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ]; then
  echo "cluster-dns.sh: run me under unshare --mount, not in the machine's mount namespace" >&2
  exit 2
fi
mount --bind "$resolv" /etc/resolv.conf
PATH=$pod_path exec "$@"
