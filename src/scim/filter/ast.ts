// The filter AST shared by the parser, the printer, the in-memory evaluator and the SQL compiler (RFC 7644 §3.4.2.2).

/** An attribute reference as written: optional schema URN, attribute name, optional sub-attribute. */
export interface AttrPath {
  uri?: string;
  attr: string;
  sub?: string;
}

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type CompValue = string | number | boolean | null;

export type Filter =
  | { kind: 'compare'; path: AttrPath; op: CompareOp; value: CompValue }
  | { kind: 'present'; path: AttrPath }
  | { kind: 'and'; left: Filter; right: Filter }
  | { kind: 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  /** `emails[type eq "work" and value co "@x"]`: path has no sub; the inner filter's paths are relative to one element. */
  | { kind: 'valuePath'; path: AttrPath; filter: Filter };

/** A PATCH path (RFC 7644 §3.5.2): attrPath, or valuePath with an optional trailing sub-attribute. */
export interface PatchPath {
  path: AttrPath;
  filter?: Filter;
  /** sub-attribute after the bracket: `emails[type eq "work"].value` */
  subAfterFilter?: string;
}
