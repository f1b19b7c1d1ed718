import type { LibraryModel } from './types.js';

const VERBS = ['get', 'post', 'put', 'patch', 'request'];

/**
 * requests and httpx: what the server fetches itself. Both verify the server's TLS certificate unless told
 * `verify=False`, so what an identity provider's token endpoint answers over https comes from that provider.
 */
export const httpClients: LibraryModel = {
  library: 'requests / httpx',
  httpFetches: {
    functions: ['requests', 'requests.api', 'httpx'].flatMap((m) => VERBS.map((v) => `${m}.${v}`)),
    sessions: ['requests.Session', 'requests.sessions.Session', 'httpx.Client'],
    methods: VERBS,
  },
};
