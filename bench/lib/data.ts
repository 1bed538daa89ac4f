// Generated SCIM users and groups for the benchmarks: deterministic (a seeded generator), with what an IdP sends for
// real people: names, a title and department, one to five e-mail addresses, up to five phone numbers and addresses.
const GIVEN = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'Ken',
  'Margaret',
  'Linus',
  'Radia',
  'Tim',
  'Hedy',
  'John',
  'Katherine',
  'Dennis',
  'Sophie',
  'Niklaus',
  'Lynn',
  'Guido',
  'Anita',
  'Bjarne',
  'Carol',
  'James',
  'Shafi',
  'Leslie',
  'Mary',
  'Yukihiro',
  'Ruth',
  'Brian',
];
const FAMILY = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'Thompson',
  'Hamilton',
  'Torvalds',
  'Perlman',
  'Berners-Lee',
  'Lamarr',
  'Backus',
  'Johnson',
  'Ritchie',
  'Wilson',
  'Wirth',
  'Conway',
  'van Rossum',
  'Borg',
  'Stroustrup',
  'Shaw',
  'Gosling',
  'Goldwasser',
  'Lamport',
  'Keller',
  'Matsumoto',
  'Teitelbaum',
  'Kernighan',
];
const TITLES = [
  'Engineer',
  'Senior Engineer',
  'Designer',
  'Product Manager',
  'Analyst',
  'Store Associate',
  'Buyer',
  'Director',
  'Accountant',
  'Support Agent',
];
const DEPARTMENTS = ['Engineering', 'Design', 'Sales', 'Finance', 'Support', 'Retail', 'Marketing', 'Operations'];
const CITIES: [string, string, string][] = [
  ['Berlin', 'BE', 'DE'],
  ['Toronto', 'ON', 'CA'],
  ['Austin', 'TX', 'US'],
  ['Lyon', 'ARA', 'FR'],
  ['Melbourne', 'VIC', 'AU'],
  ['Osaka', '27', 'JP'],
];
const DOMAINS = ['example.com', 'example.org', 'example.net'];

/** mulberry32: small, fast and good enough to make the same data on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const upTo = (r: () => number, n: number) => Math.floor(r() * (n + 1));

export function userName(i: number): string {
  return `user${String(i).padStart(6, '0')}@example.com`;
}

/** The SCIM body of generated user `i` (a POST body: schemas, no id or meta). */
export function makeUser(i: number, prefix = ''): Record<string, unknown> {
  const r = rng(i * 7919 + 17);
  const givenName = pick(r, GIVEN);
  const familyName = pick(r, FAMILY);
  const login = `${prefix}${userName(i)}`;
  const local = login.split('@')[0]!;
  const emails = [{ value: login, type: 'work', primary: true }];
  for (let k = 1, n = upTo(r, 4); k <= n; k++)
    emails.push({ value: `${local}.${k}@${pick(r, DOMAINS)}`, type: k % 2 ? 'home' : 'other', primary: false });
  const phoneNumbers = Array.from({ length: upTo(r, 5) }, (_, k) => ({
    value: `+1 555 ${String(1000 + ((i * 13 + k) % 9000)).padStart(4, '0')} ${String(k)}${String(i % 1000).padStart(3, '0')}`,
    type: k === 0 ? 'work' : k === 1 ? 'mobile' : 'home',
  }));
  const addresses = Array.from({ length: upTo(r, 5) }, (_, k) => {
    const [locality, region, country] = pick(r, CITIES);
    return {
      type: k === 0 ? 'work' : 'home',
      streetAddress: `${1 + Math.floor(r() * 400)} ${pick(r, FAMILY)} Street`,
      locality,
      region,
      postalCode: String(10000 + Math.floor(r() * 89999)),
      country,
      primary: k === 0,
    };
  });
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    userName: login,
    externalId: `00u${prefix}${String(i).padStart(8, '0')}`,
    name: { givenName, familyName, formatted: `${givenName} ${familyName}` },
    displayName: `${givenName} ${familyName}`,
    title: pick(r, TITLES),
    locale: 'en-US',
    active: r() > 0.03,
    emails,
    ...(phoneNumbers.length ? { phoneNumbers } : {}),
    ...(addresses.length ? { addresses } : {}),
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
      employeeNumber: String(100000 + i),
      department: pick(r, DEPARTMENTS),
    },
  };
}

/** How many groups a tenant of `users` users gets: 1,000 at 100k users, one per hundred users below. */
export function groupCount(users: number): number {
  return Math.max(1, Math.min(1000, Math.floor(users / 100)));
}

/** The member indexes of group `g`: a few large groups (up to 5,000 members), most with a few dozen. */
export function groupMembers(g: number, users: number): number[] {
  const r = rng(g * 104729 + 3);
  const size = g < 5 ? Math.min(5000, Math.floor(users / 2)) : Math.min(users, 5 + Math.floor(r() * 60));
  const start = Math.floor(r() * users);
  return Array.from({ length: size }, (_, k) => (start + k * 7) % users);
}
