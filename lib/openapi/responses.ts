import * as z from 'zod/mini';
import { adminUserView, mfaEnrolmentView, tokenPairView, userPageView, userView } from '../identity/views';
import { eventViewSchema } from '../events/schemas';
import { accountView, balanceView, holdView, pageOf, transactionView } from '../ledger/views';
import { createdWebhookEndpointView, webhookAttemptView, webhookEndpointView } from '../webhooks/schemas';

/**
 * The schemas of successful answers, by the name a route declares (`response: 'account'`). A route names its answer
 * rather than importing the schema so that its handler's bundle holds none of them: only this document reads them,
 * and the deployed bundles get the document built at package time. (The `me` bundle, which parses no object, would
 * otherwise carry zod's object schemas for its answer alone.)
 */
export const responses = {
  user: userView,
  adminUser: adminUserView,
  userPage: userPageView,
  tokenPair: tokenPairView,
  mfaEnrolment: mfaEnrolmentView,
  account: accountView,
  accountPage: pageOf(accountView),
  balance: balanceView,
  transaction: transactionView,
  transactionPage: pageOf(transactionView),
  hold: holdView,
  holdPage: pageOf(holdView),
  event: eventViewSchema,
  eventPage: pageOf(eventViewSchema),
  webhookEndpoint: webhookEndpointView,
  webhookEndpointCreated: createdWebhookEndpointView,
  webhookEndpointPage: pageOf(webhookEndpointView),
  webhookAttemptPage: pageOf(webhookAttemptView),
  openApiDocument: z.looseObject({ openapi: z.string() }),
};

/** The name of a response schema a route can declare. */
export type ResponseName = keyof typeof responses;
