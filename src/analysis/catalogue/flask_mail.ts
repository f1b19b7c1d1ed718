import type { LibraryModel } from './types.js';

/**
 * Flask-Mail: `Message(subject, recipients, …)` composes a message to `recipients`; a `send(msg)` or
 * `send_message(msg)` of the extension or one of its connections mails it. A message mailed only to the address a
 * looked-up record holds reaches that record's owner alone (an account-recovery mail).
 */
export const flaskMail: LibraryModel = {
  library: 'flask-mail',
  mail: {
    messages: { 'flask_mail.Message': { keyword: 'recipients', position: 1 } },
    sendMethods: ['send', 'send_message'],
  },
};
