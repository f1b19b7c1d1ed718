import { CATALOGUE, canonical } from './catalogue/index.js';
import { boundArgument } from './effects.js';
import { mentions } from './mentions.js';
import type { BodyCall, Expr, FunctionIR } from './ir.js';
import { exprText, type Project } from './project.js';

/**
 * A message mailed only to the address a record the handler looked up holds (`Message(…,
 * recipients=[project.contact_email])` after `project = Project.query.get(form.id.data)`, then `mail.send(msg)` or a
 * project helper that does): it reaches the record's owner alone, whoever asked for it — an account-recovery mail.
 * Recipients taken from the request, or from anything but the record, make no such mail: anyone could mail anyone.
 * Nor does a handler whose answer (a return, a flashed message) uses the record: it hands the record out.
 */
export interface OwnerMail {
  what: string;
  file: string;
  line: number;
  /** Locals holding the looked-up record or values computed from it: what the answer must not carry. */
  record: ReadonlySet<string>;
  /** The handler's calls that compose or send the message: what they read goes into the mail, not the answer. */
  calls: readonly BodyCall[];
}

/** How many project helpers deep a message handed on is followed to where it is sent. */
const MAX_DEPTH = 3;

/** A message `fn` composes for the owner of a record it looks up on one of `lookups` (lines of its reads), and sends. */
export function ownerMail(
  fn: FunctionIR,
  project: Project,
  lookups: ReadonlySet<number>,
): OwnerMail | undefined {
  const record = recordLocals(fn, lookups);
  if (!record.size) return undefined;
  // Nothing of the record goes back to the caller: no answer and no flashed message uses it.
  if (fn.facts.returns.some((r) => mentions(r, record))) return undefined;
  if (fn.facts.calls.some((c) => isFlash(c, fn, project) && argsOf(c).some((a) => mentions(a, record))))
    return undefined;
  for (const compose of fn.facts.calls) {
    const recipients = messageRecipients(compose, fn, project);
    if (!recipients || !onlyFrom(recipients, record)) continue;
    const message = localHolding(fn, compose);
    const send = fn.facts.calls.find((c) => argsOf(c).some((a) => carries(a, message, compose)));
    if (!send || !sends(send, fn, project, message, compose, 0)) continue;
    const last = Math.max(compose.line, ...argsOf(compose).map(lastLine));
    return {
      what: `mails a message only to the address its record holds (\`${exprText(recipients)}\`)`,
      file: fn.scope.module.file,
      line: compose.line,
      record,
      calls: [
        ...fn.facts.calls.filter((c) => c.line >= compose.line && c.line <= last),
        ...(send.line >= compose.line && send.line <= last ? [] : [send]),
      ],
    };
  }
  return undefined;
}

/** Flask's `flash(…)`: its message is shown on the caller's next page. */
function isFlash(call: BodyCall, fn: FunctionIR, project: Project): boolean {
  return project.evalExpr(call.fn, fn.scope).some((v) => v.t === 'ext' && canonical(v.qn) === 'flask.flash');
}

/** The recipients argument of a catalogued message constructor (`flask_mail.Message(…, recipients=…)`). */
function messageRecipients(call: BodyCall, fn: FunctionIR, project: Project): Expr | undefined {
  for (const v of project.evalExpr(call.fn, fn.scope)) {
    if (v.t !== 'ext') continue;
    const at = CATALOGUE.mail.messages.get(v.qn) ?? CATALOGUE.mail.messages.get(canonical(v.qn));
    if (at) return call.kw[at.keyword] ?? call.args[at.position];
  }
  return undefined;
}

/**
 * Locals assigned only from a lookup (`user = User.query.filter_by(…).first()`), and locals computed from those
 * (`address = user.email`). A parameter is never one: its value comes from the URL.
 */
function recordLocals(fn: FunctionIR, lookups: ReadonlySet<number>): Set<string> {
  const out = new Set<string>();
  for (const [name, values] of fn.scope.assigns)
    if (
      !fn.params.includes(name) &&
      values.length &&
      values.every((v) => v.k === 'call' && lookups.has(v.line))
    )
      out.add(name);
  for (let grew = out.size > 0; grew;) {
    grew = false;
    for (const [name, values] of fn.scope.assigns)
      if (!out.has(name) && !fn.params.includes(name) && values.some((v) => mentions(v, out))) {
        out.add(name);
        grew = true;
      }
  }
  return out;
}

/**
 * Every address comes from the record: attributes of a record local (`[user.email]`, `user.emails`), never a
 * literal list mixing in anything else (`[user.email, request.form["cc"]]`).
 */
function onlyFrom(e: Expr, record: ReadonlySet<string>): boolean {
  switch (e.k) {
    case 'seq':
      return e.items.length > 0 && e.items.every((i) => onlyFrom(i, record));
    case 'name':
      return record.has(e.id);
    case 'attr':
      return onlyFrom(e.obj, record);
    case 'subscript':
      return onlyFrom(e.obj, record) && (e.index.k === 'str' || e.index.k === 'num');
    default:
      return false;
  }
}

/** The local the handler assigns a call's value to (`msg = Message(…)`). */
function localHolding(fn: FunctionIR, call: BodyCall): string | undefined {
  for (const [name, values] of fn.scope.assigns) if (values.some((v) => sameCall(v, call))) return name;
  return undefined;
}

/** The expression is the message: the local `message` holds, or the composing call itself. */
function carries(e: Expr, message: string | undefined, compose: BodyCall | undefined): boolean {
  return (
    (message !== undefined && e.k === 'name' && e.id === message) ||
    (compose !== undefined && sameCall(e, compose))
  );
}

/** A call's arguments, positional then keyword. */
function argsOf(call: BodyCall): Expr[] {
  return [...call.args, ...Object.values(call.kw)];
}

function sameCall(e: Expr, call: BodyCall): boolean {
  return e.k === 'call' && e.line === call.line && exprText(e.fn) === exprText(call.fn);
}

/**
 * `send` mails the message it is handed (as the local `message`, or the composing call itself): a catalogued send
 * method (`mail.send(msg)`), or a project function whose parameter bound to it is sent in turn (`send_email(msg)`).
 */
function sends(
  send: BodyCall,
  fn: FunctionIR,
  project: Project,
  message: string | undefined,
  compose: BodyCall | undefined,
  depth: number,
): boolean {
  if (send.fn.k === 'attr' && CATALOGUE.mail.sendMethods.has(send.fn.attr)) return true;
  if (depth >= MAX_DEPTH) return false;
  for (const v of project.evalExpr(send.fn, fn.scope)) {
    if (v.t !== 'func' || v.fn === fn) continue;
    const target = v.fn;
    const param = target.params.find((p) => {
      const arg = boundArgument(target, send, p);
      return arg !== undefined && carries(arg, message, compose);
    });
    if (param === undefined) continue;
    const inner = target.facts.calls.find((c) => argsOf(c).some((a) => carries(a, param, undefined)));
    if (inner && sends(inner, target, project, param, undefined, depth + 1)) return true;
  }
  return false;
}

/** The last line an expression spans. */
function lastLine(e: Expr): number {
  const parts: Expr[] =
    e.k === 'call'
      ? [e.fn, ...e.args, ...Object.values(e.kw)]
      : e.k === 'attr'
        ? [e.obj]
        : e.k === 'subscript'
          ? [e.obj, e.index]
          : e.k === 'seq'
            ? e.items
            : e.k === 'dict'
              ? e.entries.map((p) => p.value)
              : e.k === 'concat'
                ? e.parts
                : [];
  return Math.max(e.line, ...parts.map(lastLine));
}
