// Removes personal data from text that leaves the process (log lines, error messages kept in the database):
// e-mail addresses, phone-like digit runs and quoted values, which is where names and addresses travel.

/** Replaces e-mail addresses, long digit runs and quoted values in a message. */
export function redactPersonal(message: string): string {
  return message
    .replace(/[^\s@"'<>]+@[^\s@"'<>]+/g, '<email>')
    .replace(/\+?\d[\d\s().-]{5,}\d/g, '<number>')
    .replace(/"[^"]{1,200}"/g, '"…"')
    .replace(/\(([^()]{1,200})\)=\(([^()]{0,500})\)/g, '($1)=(…)');
}
