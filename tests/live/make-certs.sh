#!/bin/sh
# Throwaway TLS material for the wss:// live tests, made at test time into DIR: a self-signed CA
# (ca.pem) and a server certificate for 127.0.0.1 and localhost signed by it (server.pem,
# server.key). Valid for two days; never trusted by anything but the tests that name ca.pem.
# Exit 77 (skip) when the openssl command is missing.
set -eu
dir=$1
if ! command -v openssl >/dev/null 2>&1; then
  echo "SKIP: openssl not found"
  exit 77
fi
mkdir -p "$dir"
cd "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=surge live-test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n' > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext 2>/dev/null
rm -f server.csr ca.srl
echo "certificates in $dir: ca.pem, server.pem, server.key"
