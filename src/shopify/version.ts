// The one place the Shopify Admin API version is pinned; the schema file for it lives in ./schema/.
// Shopify supports each quarterly version for about 12 months: move it with scripts/fetch-shopify-schema.sh.
export const SHOPIFY_API_VERSION_DEFAULT = '2026-10';
