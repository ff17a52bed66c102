import type { Role } from '../identity/model';

/*
 * What the ledger's records say of where they came from, shared by transactions and holds (./model.ts and
 * ./hold-model.ts, which re-export nothing of each other).
 */

/** A client's metadata: string keys to string values, bounded by the `metadata` schema of `./fields.ts`. */
export type Metadata = Record<string, string>;

/**
 * Who moved the money, kept on every transaction for the audit trail: the caller as its token proved it, and the
 * request as API Gateway saw it (`null` for a transfer made by a script, outside any request).
 */
export interface Initiator {
  userId: string;
  role: Role;
  requestId: string | null;
  sourceIp: string | null;
}
