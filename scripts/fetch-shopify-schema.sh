#!/usr/bin/env bash
# Extracts Shopify's Admin GraphQL introspection for one API version from the npm package @shopify/dev-mcp,
# so the connector's documents and the emulator are checked against Shopify's real schema, offline.
# Usage: scripts/fetch-shopify-schema.sh [api-version] [dev-mcp-version]
set -euo pipefail
api="${1:-2026-10}"
pkg="${2:-1.16.0}"
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/src/shopify/schema"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "@shopify/dev-mcp@$pkg" --silent >/dev/null)
tar -xzf "$tmp"/shopify-dev-mcp-*.tgz -C "$tmp" "package/dist/data/admin_$api.json.gz"
cp "$tmp/package/dist/data/admin_$api.json.gz" "$out/admin_$api.json.gz"
cat > "$out/SOURCE.md" <<NOTE
# Shopify Admin GraphQL schema

\`admin_$api.json.gz\` is the gzip of Shopify's Admin API introspection result (\`{"data":{"__schema":…}}\`) for API
version $api, taken unchanged from the npm package \`@shopify/dev-mcp@$pkg\` (file \`dist/data/admin_$api.json.gz\`, ISC).
Regenerate or move to another version with \`scripts/fetch-shopify-schema.sh <api-version> [dev-mcp-version]\`,
then change \`SHOPIFY_API_VERSION_DEFAULT\` in \`src/shopify/version.ts\`.
NOTE
echo "wrote $out/admin_$api.json.gz"
