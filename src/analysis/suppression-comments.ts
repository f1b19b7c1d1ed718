/** A `# tokengate: ignore[rule, …] reason` comment. */
export interface SuppressionComment {
  /** 1-based. */
  line: number;
  /** Rule ids, or `*` / `all`. */
  rules: string[];
  /** The text after the brackets, e.g. `# tokengate: ignore[missing-authentication] served on the VPN only`. */
  reason: string;
}

const SUPPRESSION = /#\s*tokengate:\s*ignore\[([^\]]*)\](.*)/;

/** Every suppression comment of a Python source, in line order. */
export function suppressionComments(source: string): SuppressionComment[] {
  if (!source.includes('tokengate:')) return [];
  const out: SuppressionComment[] = [];
  source.split('\n').forEach((text, i) => {
    const m = SUPPRESSION.exec(text);
    if (!m) return;
    out.push({
      line: i + 1,
      rules: m[1]!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      reason: m[2]!.replace(/^[\s:—–-]+/, '').trim(),
    });
  });
  return out;
}
