/**
 * How Flask-Classful turns the methods of a registered view class into URL rules (its `build_rule`,
 * `get_route_base` and `register`), from settings the Flask model reads off the class and the registration.
 */

/** The route settings of one registration of a view class. */
export interface ClassfulSettings {
  /** `route_prefix`, written before the route base; undefined when unset or empty. */
  routePrefix?: string;
  /** The route base, slashes at either end removed. */
  routeBase: string;
  /** Parameters that are not URL variables of the method (`self`, `base_args`, the route base's variables). */
  ignoredArgs: readonly string[];
  trailingSlash: boolean;
  /** `method_dashified`: `/some-name/` for `some_name`, instead of `/some_name/`. */
  methodDashified: boolean;
  /** `inspect_args`: a method's parameters are URL variables (the default). */
  inspectArgs: boolean;
}

/** The route base of a class without `route_base`: its name less a `View` suffix, CamelCase words dashed, lower case. */
export function defaultRouteBase(className: string): string {
  const name = className.endsWith('View') ? className.slice(0, -4) : className;
  return name
    .replace(/(.)([A-Z][a-z]+)/g, '$1-$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

/** The variables of a rule (`/ws/<int:workspace_id>/` names `workspace_id`). */
export function ruleVariables(rule: string): string[] {
  return [...rule.matchAll(/<(?:[^<>:]+:)?([A-Za-z_]\w*)>/g)].map((m) => m[1]!);
}

/** A required positional parameter of a method, with the URL converter its annotation names. */
export interface RuleParam {
  name: string;
  converter?: string;
}

/**
 * `build_rule(rule, method)`: prefix, route base and rule, then each required positional parameter of the method
 * as a URL variable (`<int:id>` for `id: int`); runs of slashes collapsed.
 */
export function buildRule(s: ClassfulSettings, rule: string, params: readonly RuleParam[] = []): string {
  const parts = [
    ...(s.routePrefix ? [s.routePrefix] : []),
    ...(s.routeBase ? [s.routeBase] : []),
    ...(rule ? [rule] : []),
    ...(s.inspectArgs ? params : [])
      .filter((p) => !s.ignoredArgs.includes(p.name))
      .map((p) => `<${p.converter ? `${p.converter}:` : ''}${p.name}>`),
  ];
  return `/${parts.join('/')}`.replace(/\/{2,}/g, '/');
}

/** The rule of a method routed at the route base (`index`, `get`, `post`…), trailing slash as the class says. */
export function specialRule(s: ClassfulSettings, params: readonly RuleParam[]): string {
  const rule = buildRule(s, '/', params);
  if (!s.trailingSlash && rule !== '/') return rule.replace(/\/+$/, '');
  return s.trailingSlash && !rule.endsWith('/') ? `${rule}/` : rule;
}

/** The rule of any other public method: `/<name>/` under the route base, then its parameters. */
export function methodRule(s: ClassfulSettings, name: string, params: readonly RuleParam[]): string {
  const segment = `/${s.methodDashified ? name.replace(/_/g, '-') : name}/`;
  const rule = buildRule(s, s.trailingSlash ? segment : segment.replace(/\/+$/, ''), params);
  return s.trailingSlash && !rule.endsWith('/') ? `${rule}/` : rule;
}
