import { COMMENT_MARKER } from './markdown.js';

/** Who wrote a comment, as the list-comments answer says (`user.login`, `user.type`). */
export interface CommentAuthor {
  login: string;
  type: string;
}

/** The account the token acts as: a user (personal access token) or an app's bot (installation token). */
interface TokenIdentity {
  login: string;
  bot: boolean;
}

/** The part of Octokit the comment sink uses (passed in, so tests can use a real HTTP server or a stub). */
export interface CommentApi {
  list(): Promise<{ id: number; body?: string | null; user?: CommentAuthor | null }[]>;
  create(body: string): Promise<void>;
  update(id: number, body: string): Promise<void>;
  /** `GET /user`: answers for user tokens; an installation token (GITHUB_TOKEN) gets 403. */
  authenticatedUser(): Promise<CommentAuthor>;
  /** GraphQL `viewer { login }`: answers for installation tokens too, with the app's bot (`<slug>[bot]`). */
  viewerLogin(): Promise<string>;
}

export type CommentOutcome = { action: 'created' | 'updated' } | { action: 'skipped'; warning: string };

/**
 * The identity of the token in use, found via the API, never assumed: `GET /user` for user tokens, then GraphQL
 * `viewer` for installation tokens (GitHub App tokens, including GITHUB_TOKEN as `github-actions[bot]`), whose
 * `GET /user` answers 403. Undefined when neither answers: then no existing comment can be proven ours.
 */
async function tokenIdentity(api: CommentApi): Promise<TokenIdentity | undefined> {
  try {
    const user = await api.authenticatedUser();
    return { login: user.login, bot: user.type === 'Bot' };
  } catch {
    // An installation token: GET /user is not accessible by integration.
  }
  try {
    const login = await api.viewerLogin();
    if (!login) return undefined;
    // The bot account an installation token writes as is `<app slug>[bot]`; `viewer` may name it either way.
    return { login: login.endsWith('[bot]') ? login : `${login}[bot]`, bot: true };
  } catch {
    return undefined;
  }
}

const writtenBy = (author: CommentAuthor | null | undefined, identity: TokenIdentity): boolean =>
  !!author && author.login === identity.login && (author.type === 'Bot') === identity.bot;

/**
 * Keep one comment per pull request: the comment that starts with the hidden marker and that the token's own identity wrote is
 * updated in place, else one is created. Anyone can paste the marker into a comment of their own; such a comment
 * is never edited. A 403 (fork pull request, read-only token) becomes one warning naming the permission; nothing
 * else fails.
 */
export async function upsertComment(api: CommentApi, body: string): Promise<CommentOutcome> {
  try {
    // Only a body that starts with the marker is a tokengate report: another workflow run by the same bot may
    // quote the marker anywhere in its own comment, and that comment must stay as it is.
    const marked = (await api.list()).filter((c) => c.body?.startsWith(COMMENT_MARKER));
    // The identity costs one or two requests, so it is only asked for when some comment carries the marker.
    const identity = marked.length ? await tokenIdentity(api) : undefined;
    const existing = identity && marked.find((c) => writtenBy(c.user, identity));
    if (existing) {
      await api.update(existing.id, body);
      return { action: 'updated' };
    }
    await api.create(body);
    return { action: 'created' };
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 403 || status === 404) {
      return {
        action: 'skipped',
        warning:
          'tokengate could not comment on the pull request (HTTP ' +
          status +
          '): the token needs `pull-requests: write` (fork pull requests get a read-only token). Annotations, the job summary and the gate are unaffected.',
      };
    }
    return {
      action: 'skipped',
      warning: `tokengate could not update its pull-request comment (${(err as Error).message}); annotations, the job summary and the gate are unaffected.`,
    };
  }
}
