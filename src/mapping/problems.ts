// What a mapping run reports besides its result: problems (values Shopify would refuse, rules that could not run)
// and the trace of every rule. Messages name rules and attribute paths, never the personal values themselves.
import { errors, type ScimError } from '../scim/errors.js';

export type ProblemCode =
  | 'invalidEmail'
  | 'invalidPhone'
  | 'invalidLocale'
  | 'invalidCountryCode'
  | 'invalidMetafieldValue'
  | 'invalidConsent'
  | 'invalidTag'
  | 'transformFailed'
  | 'invalidRule'
  | 'missingIdentity'
  | 'conflictingRules'
  | 'notInvertible';

export interface Problem {
  /** error: Shopify would refuse the customer (or the rule cannot run); warning: a value was left out */
  severity: 'error' | 'warning';
  code: ProblemCode;
  ruleId?: string;
  /** the SCIM source path, when the problem concerns a value read from the user */
  source?: string;
  /** the Shopify side, e.g. `email`, `defaultAddress.countryCode`, `metafield hr.start_date`, `tag` */
  target?: string;
  message: string;
}

/** What happened to one rule in one run, for the admin preview and the activity log. */
export interface RuleTrace {
  ruleId: string;
  target: string;
  source?: string;
  /** applied: it set its target; empty: it ran and found no value; skipped: it did not run (see reason); failed: see problems */
  outcome: 'applied' | 'empty' | 'skipped' | 'failed';
  reason?: string;
  /** the transforms in the order they ran (or, in reverse, the notes on how each was undone) */
  steps?: string[];
}

/** One line naming the rule and the problem, e.g. `rule "email" (emails.value -> email): the value has no '@'`. */
export function describeProblem(p: Problem): string {
  const where = p.ruleId ? `rule "${p.ruleId}"${p.source || p.target ? ` (${p.source ?? '…'} -> ${p.target ?? '…'})` : ''}: ` : '';
  return `${where}${p.message}`;
}

/** Turns the error problems of a run into the SCIM error a client sees (400 invalidValue), or undefined if none. */
export function problemsToScimError(problems: readonly Problem[]): ScimError | undefined {
  const errs = problems.filter((p) => p.severity === 'error');
  if (errs.length === 0) return undefined;
  return errors.invalidValue(errs.map(describeProblem).join('; '));
}
