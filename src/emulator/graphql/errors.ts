// Error bodies as Shopify's GraphQL endpoint writes them: validation messages in Shopify's wording for the
// common cases (with its extension codes), and the THROTTLED / MAX_COST_EXCEEDED / unsupported-field errors.
import type { GraphQLError } from 'graphql';

export interface ShopifyGraphQLError {
  message: string;
  locations?: Array<{ line: number; column: number }>;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

const RULES: Array<[RegExp, (m: RegExpExecArray) => { message: string; extensions: Record<string, unknown> }]> = [
  [
    /^Cannot query field "(.+?)" on type "(.+?)"\./,
    (m) => ({
      message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
      extensions: { code: 'undefinedField', typeName: m[2], fieldName: m[1] },
    }),
  ],
  [
    /^Field "(.+?)" argument "(.+?)" of type "(.+?)" is required, but it was not provided\./,
    (m) => ({
      message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
      extensions: { code: 'missingRequiredArguments', className: 'Field', name: m[1], arguments: m[2] },
    }),
  ],
  [
    /^Unknown argument "(.+?)" on field "(.+?)\.(.+?)"\./,
    (m) => ({
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
      extensions: { code: 'argumentNotAccepted', name: m[3], typeName: 'Field', argumentName: m[1] },
    }),
  ],
  [
    /^Field "(.+?)" of type "(.+?)" must have a selection of subfields\./,
    (m) => ({
      message: `Field must have selections (field '${m[1]}' returns ${m[2].replace(/[![\]]/g, '')} but has no selections. Did you mean '${m[1]} { ... }'?)`,
      extensions: { code: 'selectionMismatch', nodeName: `field '${m[1]}'`, typeName: m[2].replace(/[![\]]/g, '') },
    }),
  ],
  [
    /^Field "(.+?)" must not have a selection since type "(.+?)" has no subfields\./,
    (m) => ({
      message: `Selections can't be made on scalars (field '${m[1]}' returns ${m[2]} but has selections [...])`,
      extensions: { code: 'selectionMismatch', nodeName: `field '${m[1]}'`, typeName: m[2] },
    }),
  ],
  [
    /^Variable "\$(.+?)" is never used/,
    (m) => ({
      message: `Variable $${m[1]} is declared by anonymous query but not used`,
      extensions: { code: 'variableNotUsed', variableName: m[1] },
    }),
  ],
  [
    /^Unknown type "(.+?)"\./,
    (m) => ({ message: `${m[1]} isn't a defined input type`, extensions: { code: 'variableRequiresValidType', typeName: m[1] } }),
  ],
];

/** A graphql-js validation error in Shopify's words where the case is common, otherwise as graphql-js says it. */
export function shopifyValidationError(e: GraphQLError): ShopifyGraphQLError {
  const base = { locations: e.locations ? e.locations.map((l) => ({ line: l.line, column: l.column })) : undefined };
  for (const [re, make] of RULES) {
    const m = re.exec(e.message);
    if (m) return { ...make(m), ...base };
  }
  return { message: e.message, ...base, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
}

export function throttledError(): ShopifyGraphQLError {
  return { message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } };
}

export function maxCostError(cost: number, max: number): ShopifyGraphQLError {
  return {
    message:
      `Query cost is ${cost}, which exceeds the single query max cost limit (${max}).\n\n` +
      'See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n' +
      'cost of a query is calculated.\n\n' +
      'To query larger amounts of data with fewer limits, bulk operations should be used instead.\n' +
      'See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n',
    extensions: { code: 'MAX_COST_EXCEEDED', cost, maxCost: max },
  };
}

export function unsupportedError(field: string, kind: 'query' | 'mutation', loc?: { line: number; column: number }): ShopifyGraphQLError {
  return {
    message: `${field} is not supported by the shopify-scim emulator`,
    locations: loc ? [loc] : undefined,
    path: [kind, field],
    extensions: { code: 'NOT_SUPPORTED_BY_EMULATOR' },
  };
}
