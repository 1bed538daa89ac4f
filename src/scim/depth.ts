// How deeply a JSON value nests, measured without recursion: code that walks request bodies recursively (Bulk's
// bulkId references, the PATCH engine, rendering) stays within the stack because deeper bodies are refused first.

/** The deepest nesting SCIM requests may have: a Bulk operation's PATCH value sits about 6 levels down. */
export const MAX_JSON_DEPTH = 64;

/** True when `value` has arrays or objects nested more than `max` levels deep (the value itself is level 1). */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
