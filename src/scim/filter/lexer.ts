// Splits filter and PATCH path text into tokens: brackets, JSON string literals and bare words (attribute paths,
// operators, keywords, numbers and the unquoted values some clients send). Positions are kept for error messages.

export type Token =
  | { type: '(' | ')' | '[' | ']'; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'word'; text: string; pos: number };

/** A syntax problem at a position in the text; the parser turns it into the caller's SCIM error. */
export class SyntaxProblem extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const PUNCT = new Set(['(', ')', '[', ']']);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Tokenizes the whole text; a bad string literal is reported where it starts. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
    } else if (PUNCT.has(c)) {
      out.push({ type: c as '(' | ')' | '[' | ']', pos: i });
      i++;
    } else if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= text.length) throw new SyntaxProblem('unterminated string literal', start);
      i++;
      let value: unknown;
      try {
        value = JSON.parse(text.slice(start, i));
      } catch {
        throw new SyntaxProblem('invalid string literal (use JSON escapes such as \\" \\\\ \\u00e9)', start);
      }
      out.push({ type: 'string', value: value as string, pos: start });
    } else {
      const start = i;
      while (i < text.length && !isSpace(text[i]) && !PUNCT.has(text[i]) && text[i] !== '"') i++;
      out.push({ type: 'word', text: text.slice(start, i), pos: start });
    }
  }
  return out;
}
