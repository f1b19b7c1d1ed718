import type { LibraryModel, MethodTable } from './types.js';

const clientSteps = [
  'authorize_redirect',
  'authorize_access_token',
  'parse_id_token',
  'userinfo',
  'fetch_access_token',
  'create_client',
  'authorize',
  'authorized_response',
];
/** On the registry itself, and on each provider registered on it (`oauth.google.authorize_redirect(...)`). */
const oauthClient: MethodTable = Object.fromEntries(
  clientSteps.flatMap((m) => [
    [m, 'identity-provider'],
    [`*.${m}`, 'identity-provider'],
  ]),
);

const authorizationServer = {
  create_authorization_response: 'identity-provider',
  create_token_response: 'identity-provider',
  create_endpoint_response: 'identity-provider',
  get_consent_grant: 'identity-provider',
  validate_consent_request: 'identity-provider',
} as const;

/**
 * python3-saml's service-provider steps: redirecting to the identity provider, consuming its response (ACS) and its
 * logout (SLS), and serving the SP metadata the identity provider must fetch without credentials.
 */
const samlAuth: MethodTable = {
  login: 'identity-provider',
  logout: 'identity-provider',
  process_response: 'identity-provider',
  process_slo: 'identity-provider',
  get_settings: 'identity-provider',
};
const samlSettings: MethodTable = {
  get_sp_metadata: 'identity-provider',
  validate_metadata: 'identity-provider',
};

const oauthProvider: MethodTable = {
  token_handler: 'identity-provider',
  revoke_handler: 'identity-provider',
  authorize_handler: 'identity-provider',
  invalid_response: 'identity-provider',
};

/**
 * Authlib, Flask-OAuthlib, Flask-Dance, Flask-OIDC, python3-saml (OneLogin), pysaml2 and python-cas: the steps of a
 * sign-in with an identity provider (OAuth/OIDC redirect and code exchange, SAML request/response/metadata/logout,
 * CAS ticket validation), and an OAuth server's own token, authorisation and revocation endpoints.
 */
export const identityProviders: LibraryModel = {
  library: 'authlib / flask-oauthlib / flask-dance / flask-oidc / python3-saml / pysaml2 / python-cas',
  relevance: ['authlib'],
  classes: {
    'authlib.ResourceProtector': {
      role: 'auth-extension',
      guards: { __call__: { kind: 'auth', switch: 'optional' } },
    },
    'flask_oidc.OpenIDConnect': {
      role: 'auth-extension',
      guards: {
        // flask-oidc 1.x: accept_token() lets requests without a token through unless require_token=True.
        accept_token: { kind: 'optional', switch: 'require_token' },
        require_login: { kind: 'auth' },
        require_keycloak_role: { kind: 'auth' },
      },
    },
  },
  // Flask-OAuthlib's provider: `@oauth.require_oauth('email')` rejects requests without a valid token.
  guards: { 'flask_oauthlib.require_oauth': { kind: 'auth' } },
  functions: {
    'onelogin.saml2.auth.OneLogin_Saml2_Auth': 'identity-provider',
    'onelogin.saml2.settings.OneLogin_Saml2_Settings': 'identity-provider',
    'onelogin.saml2.utils.OneLogin_Saml2_Utils': 'identity-provider',
    'saml2.client.Saml2Client': 'identity-provider',
    'saml2.config.SPConfig': 'identity-provider',
    'saml2.config.Config': 'identity-provider',
    'saml2.metadata.create_metadata_string': 'identity-provider',
    'saml2.metadata.entity_descriptor': 'identity-provider',
    'saml2.metadata.entities_descriptor': 'identity-provider',
    'cas.CASClient': 'identity-provider',
    'flask_dance.contrib.github.github': 'identity-provider',
    'flask_dance.contrib.google.google': 'identity-provider',
    'authlib.integrations.requests_client.OAuth2Session': 'identity-provider',
    'requests_oauthlib.OAuth2Session': 'identity-provider',
  },
  identities: [
    'authlib.integrations.flask_oauth2.current_token',
    'authlib.flask.oauth2.current_token',
    'flask_oauthlib.provider.oauth2.current_token',
  ],
  instances: {
    'authlib.integrations.flask_client.OAuth': oauthClient,
    'authlib.flask.client.OAuth': oauthClient,
    'flask_oauthlib.client.OAuth': oauthClient,
    'authlib.integrations.flask_oauth2.AuthorizationServer': authorizationServer,
    'authlib.flask.oauth2.AuthorizationServer': authorizationServer,
    // An OAuth 2 server's endpoints, as decorators around the project's view (`@oauth.token_handler`).
    'flask_oauthlib.provider.OAuth2Provider': oauthProvider,
    'flask_oauthlib.provider.oauth2.OAuth2Provider': oauthProvider,
    'flask_oidc.OpenIDConnect': {
      authenticate_or_redirect: 'identity-provider',
      redirect_to_auth_server: 'identity-provider',
      user_getinfo: 'identity-provider',
      logout: 'logs-out',
    },
    'cas.CASClient': { verify_ticket: 'identity-provider', get_login_url: 'identity-provider' },
    'onelogin.saml2.auth.OneLogin_Saml2_Auth': samlAuth,
    'onelogin.saml2.settings.OneLogin_Saml2_Settings': samlSettings,
  },
  // The SAML auth object is usually built by a project helper from settings it assembles (`auth =
  // saml.init_saml_auth(req)`), often through an attribute that holds the class: its receiver is told by name.
  unresolved: [
    { receiver: /^(saml_?)?auth$|saml/i, methods: samlAuth },
    { receiver: /settings$|saml/i, methods: samlSettings },
  ],
};
