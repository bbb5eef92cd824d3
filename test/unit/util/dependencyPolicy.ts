// Checks the packages Mailroom ships against the committed licence allow-list and known-bad versions [SEC-34],
// offline, from package-lock.json (npm audit cannot reach its service where the tests run).

export interface LockEntry {
  version?: string;
  license?: string;
  dev?: boolean;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export interface Lockfile {
  packages: Record<string, LockEntry>;
}

export interface KnownBad {
  package: string;
  /** Affected from this version (inclusive)… */
  introduced: string;
  /** …up to this one (exclusive). */
  fixed: string;
  advisory: string;
  summary: string;
}

export interface DependencyPolicy {
  allowedLicences: string[];
  shippedDevDependencies: Record<string, string>;
  knownBad: KnownBad[];
}

/** The package name in a lockfile key: `node_modules/a/node_modules/@s/b` → `@s/b`. */
export function packageName(key: string): string {
  return key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

/** Where npm finds `name` for the package at `fromKey`: its own node_modules, then each ancestor's, then the root's. */
function resolveFrom(lock: Lockfile, fromKey: string, name: string): string | undefined {
  let base = fromKey;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (lock.packages[candidate]) {
      return candidate;
    }
    if (base === '') {
      return undefined;
    }
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}

/** Lockfile keys of every shipped package: npm's runtime tree, plus the shipped dev dependencies and what they pull in. */
export function shippedPackageKeys(lock: Lockfile, shippedDevDependencies: readonly string[]): string[] {
  const shipped = new Set(Object.keys(lock.packages).filter((key) => key !== '' && !lock.packages[key]?.dev && !lock.packages[key]?.link));
  // npm's runtime tree is closed under dependencies already; the shipped dev dependencies' trees are walked here.
  const visited = new Set<string>();
  const pending = shippedDevDependencies.map((name) => resolveFrom(lock, '', name) ?? `node_modules/${name}`);
  while (pending.length > 0) {
    const key = pending.pop() as string;
    if (visited.has(key)) {
      continue;
    }
    visited.add(key);
    shipped.add(key);
    const entry = lock.packages[key];
    for (const name of Object.keys({ ...entry?.dependencies, ...entry?.optionalDependencies, ...entry?.peerDependencies })) {
      const dependency = resolveFrom(lock, key, name);
      if (dependency !== undefined) {
        pending.push(dependency);
      }
    }
  }
  return [...shipped].sort();
}

/** Whether an SPDX expression (`MIT`, `(MIT OR EUPL-1.1+)`, `A AND B`, `X WITH Y`) can be met with allowed licences. */
export function licenceAllowed(expression: string, allowed: ReadonlySet<string>): boolean {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let position = 0;
  const parseOr = (): boolean => {
    let result = parseAnd();
    while (tokens[position] === 'OR') {
      position += 1;
      result = parseAnd() || result;
    }
    return result;
  };
  const parseAnd = (): boolean => {
    let result = parseAtom();
    while (tokens[position] === 'AND') {
      position += 1;
      result = parseAtom() && result;
    }
    return result;
  };
  const parseAtom = (): boolean => {
    const token = tokens[position++];
    if (token === '(') {
      const inner = parseOr();
      return tokens[position++] === ')' && inner;
    }
    if (token === undefined || token === ')' || token === 'AND' || token === 'OR') {
      return false;
    }
    if (tokens[position] === 'WITH') {
      const exception = tokens[position + 1];
      position += 2;
      return allowed.has(`${token} WITH ${exception}`);
    }
    return allowed.has(token);
  };
  const result = parseOr();
  return result && position === tokens.length;
}

/** Compares two semver versions (`1.2.3`, `1.2.3-beta.1`); a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (version: string): { numbers: number[]; pre: string } => {
    const [core = '', pre = ''] = version.split('+')[0]?.split(/-(.*)/s) ?? [];
    const numbers = core.split('.').map(Number);
    return { numbers: [numbers[0] ?? 0, numbers[1] ?? 0, numbers[2] ?? 0], pre };
  };
  const left = parse(a);
  const right = parse(b);
  for (let i = 0; i < 3; i += 1) {
    const difference = (left.numbers[i] as number) - (right.numbers[i] as number);
    if (difference !== 0) {
      return Math.sign(difference);
    }
  }
  if (left.pre === right.pre) {
    return 0;
  }
  if (left.pre === '' || right.pre === '') {
    return left.pre === '' ? 1 : -1;
  }
  return left.pre < right.pre ? -1 : 1;
}

/**
 * Every problem with the shipped packages, each naming the package: a licence outside the allow-list or none
 * at all, a version with a known advisory. `installedLicence` reads a package's own package.json when its
 * lockfile entry has no `license`.
 */
export function dependencyProblems(lock: Lockfile, policy: DependencyPolicy, installedLicence: (key: string) => string | undefined): string[] {
  const allowed = new Set(policy.allowedLicences);
  const problems: string[] = [];
  for (const key of shippedPackageKeys(lock, Object.keys(policy.shippedDevDependencies))) {
    const entry = lock.packages[key];
    const name = packageName(key);
    if (!entry) {
      problems.push(`${name} is shipped but missing from package-lock.json`);
      continue;
    }
    const id = `${name}@${entry.version ?? '?'} (${key})`;
    const licence = entry.license ?? installedLicence(key);
    if (licence === undefined) {
      problems.push(`${id} declares no licence`);
    } else if (!licenceAllowed(licence, allowed)) {
      problems.push(`${id} is licensed "${licence}", which is not on the allow-list`);
    }
    for (const bad of policy.knownBad) {
      if (
        bad.package === name &&
        entry.version !== undefined &&
        compareVersions(entry.version, bad.introduced) >= 0 &&
        compareVersions(entry.version, bad.fixed) < 0
      ) {
        problems.push(`${id} is affected by ${bad.advisory} (${bad.summary}); fixed in ${bad.fixed}`);
      }
    }
  }
  return problems;
}

/** The package a bare import specifier names (`@s/b/dist/x.js` → `@s/b`); undefined for relative and `node:` imports. */
export function importedPackage(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) {
    return undefined;
  }
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
