#!/bin/sh
# Builds vendor/ from Debian's Go packages (/usr/share/gocode), as symlinks: there is no Go
# module proxy offline, and grpc 1.33's go.mod names modules Debian does not ship, so module
# mode with `replace` cannot resolve. Needs: apt-get install golang-go golang-google-grpc-dev
# golang-google-protobuf-dev golang-github-golang-protobuf-1-5-dev (not the 1-3 one: its runtime
# panics on APIv2 generated messages). Then build and test with GOFLAGS=-mod=vendor GOPROXY=off.
set -eu
cd "$(dirname "$0")"
src=${GOCODE:-/usr/share/gocode/src}
rm -rf vendor
mkdir vendor
: > vendor/modules.txt
# The versions must match go.mod's require block; the directories Debian ships are what counts.
for mv in "github.com/golang/protobuf v1.5.2" "golang.org/x/net v0.7.0" "golang.org/x/sys v0.0.0" \
          "golang.org/x/text v0.0.0" "google.golang.org/genproto v0.0.0" "google.golang.org/grpc v1.33.3" \
          "google.golang.org/protobuf v1.28.1"; do
  m=${mv% *}
  if [ ! -d "$src/$m" ]; then
    echo "vendor.sh: $src/$m is missing; install the Debian package that provides it" >&2
    exit 1
  fi
  mkdir -p "vendor/$(dirname "$m")"
  ln -s "$src/$m" "vendor/$m"
  gv=$(awk '$1=="go"{print $2; exit}' "vendor/$m/go.mod" 2>/dev/null || true)
  # Without "## explicit; go X", Go builds the module at go 1.16 and x/sys fails on unsafe.Slice.
  printf '# %s\n## explicit%s\n' "$mv" "${gv:+; go $gv}" >> vendor/modules.txt
  (cd vendor && find -L "$m" -name '*.go' ! -name '*_test.go' -printf '%h\n' \
     | grep -vE '/(testdata|internal/testprotos)(/|$)' | sort -u) >> vendor/modules.txt
done
