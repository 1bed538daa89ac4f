// Resolution over the real schema's types: a field reads its value from the view object (calling it when it is a
// function); a field the emulator does not model answers null, or an empty value of its type when non-null.
import {
  GraphQLError,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
  type GraphQLTypeResolver,
} from 'graphql';
import type { ExecContext } from './context.js';
import { customerMutations } from './mutations-customers.js';
import { otherMutations } from './mutations-other.js';
import { queryResolvers, type RootResolver } from './query.js';

export const mutationResolvers: Record<string, RootResolver> = { ...customerMutations, ...otherMutations };

const SCALAR_DEFAULTS: Record<string, unknown> = {
  String: '',
  ID: '',
  Boolean: false,
  Int: 0,
  Float: 0,
  DateTime: '1970-01-01T00:00:00Z',
  Date: '1970-01-01',
  URL: 'https://shopify.dev',
  UnsignedInt64: '0',
  Decimal: '0.0',
  Money: '0.0',
  JSON: {},
  HTML: '',
  FormattedString: '',
  ARN: '',
  BigInt: '0',
  Color: '#000000',
  UtcOffset: '+00:00',
  StorefrontID: '',
};

/** A stand-in for a non-null field the emulator does not model. */
export function emptyValue(type: GraphQLOutputType): unknown {
  if (!isNonNullType(type)) return null;
  const inner = type.ofType;
  if (isListType(inner)) return [];
  if (isScalarType(inner)) return SCALAR_DEFAULTS[inner.name] ?? '';
  if (isEnumType(inner)) return inner.getValues()[0]?.value ?? null;
  return {}; // an object whose own fields resolve the same way
}

/** The field resolver used for every field of the real schema. */
export const fieldResolver: GraphQLFieldResolver<unknown, ExecContext> = (source, args, ctx, info) => {
  if (info.parentType === info.schema.getQueryType() || info.parentType === info.schema.getMutationType()) {
    const map = info.parentType === info.schema.getQueryType() ? queryResolvers : mutationResolvers;
    const r = map[info.fieldName];
    if (!r)
      throw new GraphQLError(`${info.fieldName} is not supported by the shopify-scim emulator`, {
        extensions: { code: 'NOT_SUPPORTED_BY_EMULATOR' },
      });
    return r(args, ctx, info);
  }
  if (source === null || typeof source !== 'object') return emptyValue(info.returnType);
  const v = (source as Record<string, unknown>)[info.fieldName];
  if (typeof v === 'function') return (v as RootResolver)(args, ctx, info);
  return v === undefined ? emptyValue(info.returnType) : v;
};

/** Abstract types resolve by the view's __typename, or their first possible type for an empty stand-in. */
export const typeResolver: GraphQLTypeResolver<unknown, ExecContext> = (value, _ctx, info, abstractType) => {
  const name = (value as { __typename?: string } | null)?.__typename;
  if (name) return name;
  const first = info.schema.getPossibleTypes(abstractType).find((t) => isObjectType(t));
  return first?.name;
};
