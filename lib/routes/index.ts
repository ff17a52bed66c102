import { route as getBalance } from './accounts/balance';
import { route as closeAccount } from './accounts/close';
import { route as createAccount } from './accounts/create';
import { route as freezeAccount } from './accounts/freeze';
import { route as getAccount } from './accounts/get';
import { route as listAccounts } from './accounts/list';
import { route as listAccountHolds } from './accounts/holds';
import { route as listAccountTransactions } from './accounts/transactions';
import { route as unfreezeAccount } from './accounts/unfreeze';
import { route as updateAccount } from './accounts/update';
import { route as getEvent } from './events/get';
import { route as listEvents } from './events/list';
import { route as docs } from './meta/docs';
import { route as docsAsset } from './meta/docs-asset';
import { route as notFound } from './meta/not-found';
import { route as openapi } from './meta/openapi';
import { route as problemPage } from './meta/problem';
import { route as captureHold } from './holds/capture';
import { route as createHold } from './holds/create';
import { route as getHold } from './holds/get';
import { route as voidHold } from './holds/void';
import type { Route } from './route';
import { route as createTransaction } from './transactions/create';
import { route as getTransaction } from './transactions/get';
import { route as reverseTransaction } from './transactions/reverse';
import { route as createTransfer } from './transfers/create';
import { route as listUsers } from './users/list';
import { route as login } from './users/login';
import { route as logout } from './users/logout';
import { route as me } from './users/me';
import { route as confirmMfa } from './users/mfa-confirm';
import { route as enrolMfa } from './users/mfa-enrol';
import { route as changePassword } from './users/password';
import { route as refreshSession } from './users/refresh';
import { route as register } from './users/register';
import { route as updateUser } from './users/update';
import { route as createWebhookEndpoint } from './webhooks/create';
import { route as deleteWebhookEndpoint } from './webhooks/delete';
import { route as listWebhookDeliveries } from './webhooks/deliveries';
import { route as getWebhookEndpoint } from './webhooks/get';
import { route as listWebhookEndpoints } from './webhooks/list';

/**
 * Every route of the HTTP API, in the order the OpenAPI document lists them, the catch-all last. Only the document,
 * the deploy and the tests import this list: a handler imports its own route's module, so that its bundle holds no
 * other route's schemas or token code.
 */
export const routes: readonly Route[] = [
  register, login, refreshSession, logout, me, changePassword, enrolMfa, confirmMfa, listUsers, updateUser,
  createAccount, listAccounts, getAccount, updateAccount, getBalance, listAccountTransactions, freezeAccount, unfreezeAccount,
  closeAccount, listAccountHolds, createTransfer, createTransaction, getTransaction, reverseTransaction,
  createHold, getHold, captureHold, voidHold, listEvents, getEvent,
  createWebhookEndpoint, listWebhookEndpoints, getWebhookEndpoint, deleteWebhookEndpoint, listWebhookDeliveries,
  openapi, docs, docsAsset, problemPage, notFound,
];
