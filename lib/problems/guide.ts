/**
 * What each problem `code` means and what a client should do about it: the page its `type` (`/problems/<code>`)
 * answers with. Every code of the catalogue (lib/errors.ts) and `internal_error` has one (tests/unit/problems.test.ts).
 */
export const problemGuide: Readonly<Record<string, { means: string; todo: string }>> = {
  validation_failed: {
    means: "The body, query, path or a header breaks the operation's schema, or names a field or query parameter it does not take.",
    todo: 'Read `errors`: each entry names the field (`body.amount`, `query.limit`, `header.idempotency-key`) and the rule it broke. Fix the request; retrying it unchanged fails the same way.',
  },
  idempotency_key_required: {
    means: 'A money-moving POST came without an `Idempotency-Key` header.',
    todo: 'Send a unique key (a UUID) of 1–255 printable ASCII characters with no comma, and reuse it for every retry of that same request.',
  },
  malformed_json: { means: 'The body is not JSON, or holds a `__proto__` key.', todo: 'Send a JSON document, encoded in UTF-8.' },
  invalid_cursor: {
    means: 'The `cursor` was not issued for this list: it was altered, or comes from another list, account, owner or time range, or from before a key rotation.',
    todo: 'Pass back `nextCursor` exactly as received, with the same filters; or start again from the first page, without `cursor`.',
  },
  unauthorized: {
    means: 'No valid access token: missing, malformed, expired, revoked, or sent twice.',
    todo: 'Send `Authorization: Bearer <accessToken>`. When it has expired, spend the refresh token at `POST /api/v1/users/token/refresh`, or log in again.',
  },
  invalid_credentials: {
    means: 'The email and password do not match a user (the same answer for an unknown email), or the TOTP code is wrong or already used.',
    todo: 'Ask the person again. Repeated failures lock the email for a while (`429 too_many_attempts`).',
  },
  invalid_refresh_token: {
    means: 'The refresh token is unknown, expired or already spent (which revokes its session), or its session or user is no longer live.',
    todo: 'Log in again. Spend each refresh token once, and keep only the newest.',
  },
  mfa_required: {
    means: 'At login (401): the user has MFA on and no `totp` was sent. On an action (403): it needs a session opened with a TOTP code.',
    todo: "Log in again with `totp`, the current code of the user's authenticator app.",
  },
  forbidden: {
    means: "The caller is known but may not do this: an admin-only action, or another user's accounts.",
    todo: 'Do not retry; ask an admin to act, or act on your own resources.',
  },
  user_disabled: { means: 'An admin has disabled this user.', todo: 'Ask an admin to enable the user; logging in again will not help.' },
  account_not_found: {
    means: "No such account, or one the caller may not see: the answer is the same on purpose, so ids cannot be probed.",
    todo: 'Check the id: it comes from `POST /v1/accounts` or `GET /v1/accounts`.',
  },
  transaction_not_found: {
    means: "No such transaction, or none of its entries is on an account of the caller's.",
    todo: 'Check the id: it comes from the answer of the movement, or from a statement.',
  },
  hold_not_found: {
    means: 'No such hold, or the caller neither placed it nor owns either of its accounts.',
    todo: 'Check the id: it comes from the answer of `POST /v1/holds`, or from an account\'s list of holds.',
  },
  event_not_found: {
    means: 'No such event, or it is older than the 30 days events are kept, or it touches none of the caller\'s accounts.',
    todo: 'Check the id: it comes from `GET /v1/events` or a webhook delivery (`webhook-id`).',
  },
  webhook_endpoint_not_found: {
    means: 'No such webhook endpoint, or one the caller neither owns nor may see, or one already deleted.',
    todo: 'Check the id: it comes from the answer of `POST /v1/webhook-endpoints`, or from `GET /v1/webhook-endpoints`.',
  },
  route_not_found: { means: 'No operation has this method and path.', todo: 'Check the path against the reference at `/docs`.' },
  user_not_found: { means: "No user has this id, or the caller's own user is gone.", todo: 'Check the id, from `GET /api/v1/users`.' },
  method_not_allowed: {
    means: 'The path exists, but not with this method.',
    todo: 'Use one of the methods the `Allow` header lists.',
  },
  email_taken: { means: 'A user with this email already exists.', todo: 'Log in instead, or register with another email.' },
  mfa_not_pending: { means: 'There is no MFA enrolment to confirm.', todo: 'Start one with `POST /api/v1/users/me/mfa`, then confirm it.' },
  payload_too_large: { means: 'The body is over 64 KiB.', todo: 'Send a smaller body: fewer entries or shorter metadata.' },
  unsupported_media_type: {
    means: 'The body was not sent as `application/json` (with no charset, or UTF-8).',
    todo: 'Send `Content-Type: application/json`.',
  },
  insufficient_funds: { means: 'A debited user account does not hold enough.', todo: 'Fund the account first, or move less. Nothing was written.' },
  currency_mismatch: { means: "An account is not in its entry's currency.", todo: 'Move money only between accounts of the currency you name.' },
  same_account: { means: 'The source and destination are one account.', todo: 'Name two different accounts.' },
  balance_limit_exceeded: {
    means: 'A balance would pass 2^53 − 1 minor units, beyond which a JSON number is no longer exact.',
    todo: 'Move less, or spread the money over accounts.',
  },
  account_frozen: {
    means: 'A debit from a frozen account (credits still land), or its owner closing it.',
    todo: 'Ask an admin to unfreeze the account.',
  },
  account_closed: { means: 'The account is closed, for good: it takes no movement, freeze or close.', todo: 'Use another account.' },
  account_not_empty: { means: 'Only an account at balance 0 can be closed.', todo: 'Move its balance out first, then close it.' },
  unbalanced_transaction: {
    means: "A transaction's debits and credits differ in some currency.",
    todo: 'Make the debits equal the credits in each currency.',
  },
  partial_reversal_unsupported: {
    means: 'A partial `amount` was asked for a reversal of a transaction that is not one debit and one credit.',
    todo: 'Reverse such a transaction in full (no `amount`).',
  },
  reversal_exceeds_original: {
    means: 'The reversals of a transaction would add up to more than it (or number more than 100).',
    todo: "Reverse at most what remains: the original's amount less its `reversedAmount`.",
  },
  not_reversible: { means: 'The transaction is itself a reversal.', todo: 'Post a new movement instead.' },
  hold_not_pending: {
    means: 'The hold is already captured, voided or expired: a hold is resolved once.',
    todo: 'Read the hold (`GET /v1/holds/{id}`) for its status; a capture\'s transaction is named by `transactionId`.',
  },
  hold_expired: {
    means: 'The hold passed its `expiresAt`: it can no longer be captured or voided, and its funds are released.',
    todo: 'Place a new hold if the payment is still wanted; give `expiresInSeconds` for a longer one (up to 30 days).',
  },
  capture_exceeds_hold: {
    means: 'The capture asks for more than the hold reserved.',
    todo: 'Capture at most the hold\'s `amount`; move anything more with a transfer.',
  },
  webhook_url_refused: {
    means: 'The webhook URL is not `https`, holds credentials or a fragment, or its host is not public: a private, loopback, link-local or metadata name or address, or a name that resolves to one.',
    todo: 'Register an `https` URL whose host resolves only to public addresses. To receive on a laptop, run the platform there (`npm start`), which also allows loopback `http`.',
  },
  webhook_endpoint_limit: {
    means: 'The owner already has as many live webhook endpoints as one may (20).',
    todo: 'Delete an endpoint no longer used (`DELETE /v1/webhook-endpoints/{id}`), or subscribe one endpoint to more event types.',
  },
  idempotency_key_reused: {
    means: 'This `Idempotency-Key` is already bound to a request with another body.',
    todo: 'Use a new key for a new request; a retry must repeat its first body exactly.',
  },
  self_change_refused: {
    means: 'An admin tried to change its own role or disable itself, which could leave no admin to undo it.',
    todo: 'Ask another admin.',
  },
  invalid_totp: { means: "The code is not the pending secret's current one.", todo: "Send the code the authenticator app shows now; check the device's clock." },
  too_many_attempts: {
    means: 'Too many failed logins for this email, or from this address: no password is checked for now.',
    todo: 'Wait the seconds `Retry-After` gives, then try again.',
  },
  ledger_busy: {
    means: 'The accounts stayed contended through every bounded retry. Nothing was written.',
    todo: 'Retry after a short, jittered wait, with the same `Idempotency-Key`.',
  },
  ledger_unavailable: {
    means: 'The ledger did not confirm the write: it may or may not have been made.',
    todo: 'Retry with the same `Idempotency-Key` to learn the outcome safely; never with a new key.',
  },
  storage_unavailable: { means: 'The database kept throttling or timing out a read, or the token signing secret could not be read.', todo: 'Retry after a short, jittered wait.' },
  registration_busy: { means: 'Too many registrations of one email at once.', todo: 'Retry after a short wait.' },
  internal_error: {
    means: 'A bug on our side. The answer says nothing more; our log has it.',
    todo: 'Retry later; if it persists, report the time and the request. A money-moving request may be retried with the same `Idempotency-Key`.',
  },
};
