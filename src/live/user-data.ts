/**
 * Personal or account data, by key: an answer carrying one (with a value) serves user data. Credentials a sign-in
 * step hands out by design (`access_token`) are not among them.
 */
const USER_DATA_KEY =
  /^(e?mail|email_?address|password|password_?hash|passwd|phone|phone_?number|mobile|address|ssn|credit_?card|card_?number|salary|balance|birth_?date|dob)$/i;

/** How much of an answer is looked at: enough for a page of records. */
const MAX_NODES = 2000;

/**
 * The user-data keys (with a non-empty value) in a JSON answer, sorted, or none when the body is not JSON. Pure:
 * what the live prober read, judged apart from how it was fetched.
 */
export function userDataKeys(body: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [];
  }
  const found = new Set<string>();
  const stack: unknown[] = [value];
  for (let seen = 0; stack.length && seen < MAX_NODES; seen++) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === 'object')
      for (const [k, inner] of Object.entries(v)) {
        if (USER_DATA_KEY.test(k) && inner !== null && inner !== '' && typeof inner !== 'object')
          found.add(k);
        stack.push(inner);
      }
  }
  return [...found].sort();
}
