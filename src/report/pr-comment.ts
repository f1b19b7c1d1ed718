import { COMMENT_MARKER } from './markdown.js';

/** The part of Octokit the comment sink uses (passed in, so tests can use a real HTTP server or a stub). */
export interface CommentApi {
  list(): Promise<{ id: number; body?: string | null }[]>;
  create(body: string): Promise<void>;
  update(id: number, body: string): Promise<void>;
}

export type CommentOutcome = { action: 'created' | 'updated' } | { action: 'skipped'; warning: string };

/**
 * Keep one comment per pull request: find it by its hidden marker and update it in place, or create it.
 * A 403 (fork pull request, read-only token) becomes one warning naming the permission; nothing else fails.
 */
export async function upsertComment(api: CommentApi, body: string): Promise<CommentOutcome> {
  try {
    const existing = (await api.list()).find((c) => c.body?.includes(COMMENT_MARKER));
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
