/**
 * Which major version of a Python package a directory of the scanned tree declares, read from the dependency
 * files found there by name: a pin below 2 of PyJWT means its 1.x API (decode without `algorithms=` accepts the
 * algorithm the token names).
 */
const DEPENDENCY_FILES = [
  'requirements.txt',
  'requirements.in',
  'requirements-prod.txt',
  'requirements-production.txt',
  'requirements-base.txt',
  'requirements/base.txt',
  'requirements/common.txt',
  'requirements/prod.txt',
  'requirements/production.txt',
  'requirements/requirements.txt',
  'setup.py',
  'setup.cfg',
  'pyproject.toml',
  'Pipfile',
];

/** One version clause (`==1.7.1`, `<2`, `~=1.7`, poetry `^1.7`): does it keep the package below `major`? */
function clauseCapsBelow(clause: string, major: number): boolean {
  const m = /^(===|==|~=|<=|<|\^|~)?\s*v?(\d+)(?:\.(\d+|\*))?(?:\.(\d+|\*))?/.exec(clause.trim());
  if (!m) return false;
  const first = Number(m[2]);
  // `<2` and `<2.0` cap like `==1.x`, `<=1.9`, `~=1.7`, `^1.7` and `~1.7`; `<2.1` lets 2.0 in.
  if (m[1] === '<' && first === major) return [m[3], m[4]].every((p) => p === undefined || Number(p) === 0);
  return first < major;
}

/**
 * The version specifiers written after each mention of `name` outside comments: PEP 508 (`name[extra]>=1,<2`,
 * requirements files, setup.py, setup.cfg, pyproject.toml) and TOML tables (Pipfile and poetry:
 * `name = "==1.7.1"`, `name = {version = "^1.7"}`, where a bare `1.7.1` is exact).
 */
function specifiers(text: string, name: string): string[] {
  const out: string[] = [];
  const mention = new RegExp(`(?<![\\w.-])${name}(?![\\w.-])(\\[[^\\]]*\\])?`, 'gi');
  for (const m of text.matchAll(mention)) {
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    if (text.slice(lineStart, m.index).includes('#')) continue;
    const rest = text.slice(m.index + m[0].length).split('\n', 1)[0]!;
    const pep508 = /^\s*\(?\s*((?:===|==|~=|<=|>=|!=|<|>)[^"';#)\]]*)/.exec(rest);
    const table = /^\s*=\s*(?:\{[^}]*?\bversion\s*=\s*)?["']([^"']*)["']/.exec(rest);
    const spec = pep508?.[1] ?? table?.[1];
    if (spec?.trim()) out.push(spec.trim());
  }
  return out;
}

/** Does this text pin `name` below major version `major`: a specifier with a clause that caps it there? */
export function pinsBelow(text: string, name: string, major: number): boolean {
  return specifiers(text, name).some((spec) => spec.split(',').some((c) => clauseCapsBelow(c, major)));
}

/**
 * Answers whether a Python file's directory, or one above it up to the root, pins a package below a major
 * version. Files are read once per directory.
 */
export class DependencyPins {
  private readonly texts = new Map<string, string[]>();

  constructor(private readonly readFile: (path: string) => string | undefined) {}

  pinnedBelow(file: string, name: string, major: number): boolean {
    const parts = file.split('/').slice(0, -1);
    for (let depth = parts.length; depth >= 0; depth--) {
      const dir = parts.slice(0, depth).join('/');
      if (this.textsIn(dir).some((t) => pinsBelow(t, name, major))) return true;
    }
    return false;
  }

  private textsIn(dir: string): string[] {
    let texts = this.texts.get(dir);
    if (!texts) {
      texts = DEPENDENCY_FILES.map((f) => this.readFile(dir ? `${dir}/${f}` : f)).filter(
        (t): t is string => t !== undefined,
      );
      this.texts.set(dir, texts);
    }
    return texts;
  }
}
