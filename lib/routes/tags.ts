/**
 * The groups the OpenAPI document lists operations under, with what each holds: every route names one (`tag` in
 * ./route.ts). A route of a new group adds it here, with its description, which the document and `/docs` show.
 */
export const routeTags = {
  identity: 'Users, sessions and tokens, passwords, multi-factor authentication, and user management for admins.',
  accounts: 'Accounts in one currency each: open, read, list, rename, freeze, close; balances and statements.',
  transactions: 'Money movements: transfers, multi-entry transactions and reversals, each made safe to retry by an '
    + '`Idempotency-Key`.',
  holds: 'Two-phase payments: holds that reserve funds out of an account, then are captured in full or in part, '
    + 'voided, or expire.',
  events: 'The events of committed changes (accounts, transactions, holds), as webhooks deliver them.',
  webhooks: 'Webhook endpoints: URLs that receive the caller\'s events as signed POSTs (Standard Webhooks), retried '
    + 'for 24 hours, and the record of every delivery attempt.',
  meta: 'The API describing itself: this document, its reference page and the pages of its problem types.',
} as const;

/** The name of a group of operations. */
export type RouteTag = keyof typeof routeTags;
