#!/bin/sh
# Bundles each schema (minified, tree-shaken ESM) and prints minified and gzip -9 bytes.
set -e
for f in valibot zod zod-mini; do
  npx esbuild src/$f.ts --bundle --minify --format=esm --platform=neutral --main-fields=module,main --outfile=dist/$f.mjs --log-level=warning
  echo "$f min $(wc -c < dist/$f.mjs) gzip $(gzip -9 -c dist/$f.mjs | wc -c)"
done
