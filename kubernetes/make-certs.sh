#!/usr/bin/env bash
# Makes the mutual-TLS material of the BuildKit pool with openssl: a CA, the daemons' server certificate
# (its subject alternative name is `buildkitd`: deployer dials each daemon by address and verifies that
# name, DEPLOYER_BUILDKIT_TLS_SERVER_NAME) and deployer's client certificate.
#
# Usage: kubernetes/make-certs.sh OUT_DIR [DAYS]
#   OUT_DIR/ca/      ca.pem, ca-key.pem       the CA; keep ca-key.pem offline, it signs new certificates
#   OUT_DIR/server/  ca.pem, cert.pem, key.pem → Secret buildkitd-server-tls (mounted at /certs in buildkitd)
#   OUT_DIR/client/  ca.pem, cert.pem, key.pem → Secret buildkitd-client-tls (DEPLOYER_BUILDKIT_TLS_DIR)
# DAYS: how long the certificates are valid (default 365). OUT_DIR must not hold certificates yet.
set -euo pipefail
out=${1:?usage: make-certs.sh OUT_DIR [DAYS]}
days=${2:-365}
server_name=buildkitd

if [ -e "$out/ca/ca-key.pem" ] || [ -e "$out/server/key.pem" ] || [ -e "$out/client/key.pem" ]; then
  echo "make-certs.sh: $out already holds certificates; choose an empty folder" >&2
  exit 1
fi
mkdir -p "$out/ca" "$out/server" "$out/client"
umask 077
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The CA: self-signed, allowed to sign certificates and nothing else.
openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -days "$days" \
  -subj "/CN=deployer buildkitd CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$out/ca/ca-key.pem" -out "$out/ca/ca.pem" 2>/dev/null

# One leaf certificate signed by the CA: $1 folder, $2 common name, $3 extendedKeyUsage, $4 subjectAltName.
leaf() {
  local dir=$1 name=$2 usage=$3 alt=$4
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 -subj "/CN=$name" \
    -keyout "$dir/key.pem" -out "$scratch/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    if [ -n "$alt" ]; then echo "subjectAltName=$alt"; fi
  } > "$scratch/$name.ext"
  openssl x509 -req -in "$scratch/$name.csr" -CA "$out/ca/ca.pem" -CAkey "$out/ca/ca-key.pem" \
    -CAcreateserial -CAserial "$scratch/ca.srl" -sha256 -days "$days" -extfile "$scratch/$name.ext" \
    -out "$dir/cert.pem" 2>/dev/null
  cp "$out/ca/ca.pem" "$dir/ca.pem"
}

# The daemons' certificate names the server name deployer verifies (every daemon shares it).
leaf "$out/server" "$server_name" serverAuth "DNS:$server_name"
# deployer's client certificate: the daemons accept any client the CA signed.
leaf "$out/client" deployer clientAuth ""

chmod 644 "$out/ca/ca.pem" "$out/server/ca.pem" "$out/server/cert.pem" "$out/client/ca.pem" "$out/client/cert.pem"
openssl verify -CAfile "$out/ca/ca.pem" "$out/server/cert.pem" "$out/client/cert.pem" >/dev/null
echo "made $out/server (Secret buildkitd-server-tls) and $out/client (Secret buildkitd-client-tls), signed by $out/ca"
