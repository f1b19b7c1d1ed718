import type { LibraryModel } from './types.js';

/** Verifying a signature over a request body: constant-time comparison, and the providers' SDKs. */
export const webhooks: LibraryModel = {
  library: 'hmac / stripe / svix / twilio / slack-sdk / github-webhook',
  functions: {
    'hmac.compare_digest': 'verifies-signature',
    'secrets.compare_digest': 'verifies-signature',
    'stripe.Webhook.construct_event': 'verifies-signature',
    'stripe.WebhookSignature.verify_header': 'verifies-signature',
  },
  instances: {
    'svix.webhooks.Webhook': { verify: 'verifies-signature' },
    'twilio.request_validator.RequestValidator': { validate: 'verifies-signature' },
    'slack_sdk.signature.SignatureVerifier': {
      is_valid_request: 'verifies-signature',
      is_valid: 'verifies-signature',
    },
  },
};
