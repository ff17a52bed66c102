import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { config } from '../config';
import { WebhookUrlRefusedError } from './errors';

/*
 * Where webhooks may be delivered. A deployed stage delivers only over `https`, and never to an address that is not
 * public (private, loopback, link-local, carrier-grade NAT, documentation, multicast, the cloud metadata service): a
 * webhook URL must not reach inside the network the platform runs in (SSRF). A host name is resolved when the
 * endpoint is registered, and again at every delivery, which then connects to the very address it checked
 * (./send.ts), so a name that changes its answer between check and use (DNS rebinding) reaches nothing private.
 * On a laptop's stage (`npm start`, the tests) loopback `http` is allowed too, so a developer can receive locally.
 */

/** The longest URL accepted. */
export const urlLengthMax = 2048;

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23],
  ['2001:db8::', 32], ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) blocked.addSubnet(network, prefix, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Host names that are never public, whatever they resolve to. */
const privateNames = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/** An IPv4 address written inside IPv6 (`::ffff:10.0.0.1`) is checked as the IPv4 address it is. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

/** Whether an address is public: one a webhook may be delivered to from a deployed stage. */
export function isPublicAddress(address: string): boolean {
  const plain = unmapped(address);
  const family = isIP(plain);
  if (family === 0) return false;
  return !blocked.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether an address is a loopback one (127/8, ::1). */
export function isLoopbackAddress(address: string): boolean {
  const plain = unmapped(address);
  const family = isIP(plain);
  return family !== 0 && loopback.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

/** The rules of one stage: whether loopback `http` is allowed (a laptop's stage only). */
export interface UrlPolicy {
  allowLoopback: boolean;
}

/**
 * This process's policy: loopback is allowed only on the `local` and `test` stages run against DynamoDB Local (a
 * deployed function never has a DynamoDB endpoint set), and never inside a real Lambda.
 */
export const stagePolicy: UrlPolicy = {
  allowLoopback: ['local', 'test'].includes(config.stage) && config.dynamoEndpoint !== undefined
    && (process.env.AWS_LAMBDA_FUNCTION_NAME === undefined || process.env.IS_OFFLINE === 'true'),
};

/** A URL that passed the checks its syntax allows before any name is resolved. */
export interface CheckedUrl {
  url: URL;
  /** The host as the resolver takes it: an IPv6 literal without its brackets. */
  host: string;
}

/** Checks a URL's form: scheme, no credentials, a host that is not a private name. Throws `WebhookUrlRefusedError`. */
export function checkUrlForm(raw: string, policy: UrlPolicy): CheckedUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlRefusedError('it is not an absolute URL');
  }
  if (raw.length > urlLengthMax) throw new WebhookUrlRefusedError(`it is longer than ${urlLengthMax} characters`);
  if (url.protocol !== 'https:' && !(policy.allowLoopback && url.protocol === 'http:')) {
    throw new WebhookUrlRefusedError(policy.allowLoopback ? 'it must be https (or http to a loopback address)' : 'it must be https');
  }
  if (url.username !== '' || url.password !== '') throw new WebhookUrlRefusedError('it may not hold credentials');
  if (url.hash !== '') throw new WebhookUrlRefusedError('it may not hold a fragment');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '' || (isIP(host) === 0 && privateNames.test(host.replace(/\.$/, '')))) {
    throw new WebhookUrlRefusedError('its host is not a public name');
  }
  return { url, host };
}

/**
 * Checks the addresses a URL's host resolved to: every one must be public, or, where the policy allows loopback,
 * every one loopback (a name that mixes both is refused). `http` is allowed only to loopback. Answers the address to
 * connect to.
 */
export function checkAddresses(checked: CheckedUrl, addresses: ReadonlyArray<{ address: string; family: number }>, policy: UrlPolicy) {
  if (addresses.length === 0) throw new WebhookUrlRefusedError('its host has no address');
  const allLoopback = policy.allowLoopback && addresses.every(({ address }) => isLoopbackAddress(address));
  if (!allLoopback && !addresses.every(({ address }) => isPublicAddress(address))) {
    throw new WebhookUrlRefusedError('its host resolves to an address that is not public');
  }
  if (checked.url.protocol === 'http:' && !allLoopback) throw new WebhookUrlRefusedError('it must be https');
  return addresses[0]!;
}

/** Resolves a host (an IP literal resolves to itself), as the delivery will, every address of it. */
export async function resolveHost(host: string): Promise<Array<{ address: string; family: number }>> {
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family }];
  try {
    return await lookup(host, { all: true, verbatim: true });
  } catch {
    return [];
  }
}

/**
 * Checks a URL completely, as registration does: its form, then every address its host resolves to now. Throws
 * `WebhookUrlRefusedError`; answers the URL as it will be stored.
 */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy = stagePolicy): Promise<string> {
  const checked = checkUrlForm(raw, policy);
  checkAddresses(checked, await resolveHost(checked.host), policy);
  return checked.url.toString();
}
