// The layers of src/ (docs/architecture.md): imports point down only. `npm run lint:layers` checks them, and CI runs it.
// Type-only imports are checked too, except that store/ may name the shapes it stores (a mapping's applied state).
const layer = (name) => `^src/${name}/`;

/** A rule: files under `from` may not import anything under `to`. */
const forbid = (name, from, to, comment, extra = {}) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to, ...extra },
});

const ABOVE_PROTOCOL =
  '^src/(store|mapping|settings|shopify|sync|scim-service|admin|http|cli|emulator|provisioning\\.ts|server\\.ts|config\\.ts)';

module.exports = {
  forbidden: [
    forbid('scim-is-pure', layer('scim'), ABOVE_PROTOCOL, 'scim/ is the protocol: pure, and below everything else'),
    forbid(
      'mapping-is-pure',
      layer('mapping'),
      '^src/(store|settings|sync|scim-service|admin|http|cli|emulator|shopify/(?!countries\\.ts))',
      'mapping/ turns SCIM users into Shopify customers with pure functions; of shopify/ it reads only the country list',
    ),
    forbid(
      'store-is-the-bottom',
      layer('store'),
      '^src/(settings|shopify|sync|scim-service|admin|http|cli|emulator|scim)/',
      'store/ owns the tables and knows nothing above it',
    ),
    forbid(
      'store-reads-mapping-types-only',
      layer('store'),
      layer('mapping'),
      'store/ may name the shapes it stores, never call the mapping',
      {
        dependencyTypesNot: ['type-only'],
      },
    ),
    forbid(
      'shopify-is-a-connector',
      layer('shopify'),
      '^src/(store|mapping|settings|sync|scim-service|admin|http|cli|emulator|scim)/',
      'shopify/ talks to Shopify and nothing else',
    ),
    forbid(
      'settings-below-engine',
      layer('settings'),
      '^src/(store|shopify|sync|scim-service|admin|http|cli|emulator)/',
      "settings/ reads a tenant's settings for the layers above",
    ),
    forbid(
      'engine-below-http',
      layer('sync'),
      '^src/(scim-service|admin|http|cli)/',
      'sync/ is the engine: it never reaches up to HTTP, the admin operations or the SCIM service',
    ),
    forbid(
      'scim-service-beside-engine',
      layer('scim-service'),
      '^src/(sync|admin|http|cli|emulator)/',
      'the SCIM service meets the engine only through provisioning.ts',
    ),
    forbid('admin-below-http', layer('admin'), '^src/(http|cli)/', 'admin/ holds the operations; http/ and cli/ call them'),
    forbid('http-below-cli', layer('http'), layer('cli'), 'the CLI starts the server, not the other way round'),
    forbid(
      'emulator-stands-alone',
      layer('emulator'),
      '^src/(store|mapping|settings|sync|scim-service|admin|http|cli|scim)/',
      'the emulator is Shopify: it shares only the schema and the country list of shopify/',
    ),
    forbid(
      'no-test-code-in-src',
      '^src/(?!.*\\.test\\.ts$)',
      '^(test|bench)/|node_modules/fast-check',
      'production code never imports tests or test libraries',
    ),
    {
      name: 'no-circular-layers',
      comment: 'modules of different layers never import each other in a cycle',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { pathNot: '^src/(sync|store|scim|mapping|admin|http|shopify|emulator|cli|scim-service|settings)/' } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
