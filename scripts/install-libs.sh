#!/usr/bin/env bash
# Copies the shared libraries a quotestance binary loads from the Python wheels (libtorch and the
# NVIDIA libraries it links) into DEST, keeping their layout under site-packages (torch/lib,
# nvidia/*/lib), because libtorch finds its companions through rpaths relative to itself
# ($ORIGIN/../../nvidia/...). The binary's own rpath ($ORIGIN/../lib/quotestance/torch/lib,
# see build.rs) then finds them from PREFIX/bin.
# Usage: scripts/install-libs.sh BINARY SITE_PACKAGES DEST
set -euo pipefail
bin=$1; site=$(realpath "$2"); dest=$3
mkdir -p "$dest"
total=0
while read -r lib; do
  real=$(realpath "$lib")
  case "$real" in "$site"/*) ;; *) continue ;; esac
  rel=${real#"$site"/}
  mkdir -p "$dest/$(dirname "$rel")"
  # Keep the name the loader asks for (ldd shows it) as well as the file's own.
  cp -f "$real" "$dest/$rel"
  name=$(basename "$lib")
  [ "$name" = "$(basename "$real")" ] || ln -sf "$(basename "$real")" "$dest/$(dirname "$rel")/$name"
  total=$((total + $(stat -c %s "$real")))
done < <(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// {print $3}')
echo "install-libs: $((total / 1000000)) MB of libraries in $dest"
