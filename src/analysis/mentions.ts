import type { Expr } from './ir.js';

/**
 * The expression uses one of `names` (as a name, the receiver of an attribute or of a method call, an argument, an
 * item, a part of a string built from parts), looking at most nine levels deep. An attribute `skip` accepts is not
 * looked into.
 */
export function mentions(
  e: Expr,
  names: ReadonlySet<string>,
  skip?: (attr: Extract<Expr, { k: 'attr' }>) => boolean,
  depth = 0,
): boolean {
  if (depth > 8) return false;
  const d = depth + 1;
  const uses = (a: Expr): boolean => mentions(a, names, skip, d);
  switch (e.k) {
    case 'name':
      return names.has(e.id);
    case 'attr':
      return !skip?.(e) && uses(e.obj);
    case 'call':
      // `token.strip()`, `request.get_json()`: the receiver of a method call is used too.
      return [e.fn, ...e.args, ...Object.values(e.kw)].some(uses);
    case 'subscript':
      return uses(e.obj) || uses(e.index);
    case 'seq':
      return e.items.some(uses);
    case 'dict':
      return e.entries.some((p) => uses(p.value));
    case 'concat':
      return e.parts.some(uses);
    case 'percent':
      return uses(e.fmt) || uses(e.values);
    case 'boolop':
      return uses(e.left) || uses(e.right);
    default:
      return false;
  }
}
