import { Webhook } from 'standardwebhooks';
import { checkAddresses, checkUrlForm, checkWebhookUrl, isPublicAddress } from '../../lib/webhooks/url-policy';
import { retryDelaysSeconds, retryWindowMs, nextAttemptMs } from '../../lib/webhooks/schedule';
import { newWebhookSecret, signatureHeaders } from '../../lib/webhooks/signing';
import { deliveryIdOf, readerOf } from '../../lib/webhooks/enqueue';

const deployed = { allowLoopback: false };
const local = { allowLoopback: true };

/** The code a URL check refuses with, or `allowed`. */
async function verdict(url: string, policy: { allowLoopback: boolean }): Promise<string> {
  try {
    await checkWebhookUrl(url, policy);
    return 'allowed';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

describe('the webhook URL policy', () => {
  it.each([
    ['10.1.2.3'], ['172.16.0.1'], ['172.31.255.255'], ['192.168.1.1'], ['127.0.0.1'], ['127.8.8.8'], ['169.254.169.254'],
    ['100.64.0.1'], ['0.0.0.0'], ['224.0.0.1'], ['255.255.255.255'], ['::1'], ['::'], ['fc00::1'], ['fd12:3456::1'],
    ['fe80::1'], ['::ffff:10.0.0.1'], ['::ffff:127.0.0.1'], ['fd00:ec2::254'], ['64:ff9b::a00:1'],
  ])('holds %s not public', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([['93.184.215.14'], ['8.8.8.8'], ['172.32.0.1'], ['100.128.0.1'], ['2606:4700::1111'], ['::ffff:8.8.8.8']])('holds %s public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    ['https://10.0.0.5/hook'], ['https://192.168.0.10/hook'], ['https://127.0.0.1/hook'], ['https://169.254.169.254/latest/meta-data'],
    ['https://[::1]/hook'], ['https://[fe80::1]/hook'], ['https://[fd00::5]/hook'], ['https://0.0.0.0/hook'], ['https://100.64.1.1/'],
    ['http://93.184.215.14/hook'], ['http://127.0.0.1:8080/hook'], ['ftp://93.184.215.14/'], ['https://localhost/hook'],
    ['https://metadata.google.internal/computeMetadata/v1/'], ['https://user:pass@93.184.215.14/'], ['not a url'],
    ['https://93.184.215.14/#frag'], ['https://[::ffff:10.0.0.1]/hook'], ['https://[::ffff:7f00:1]/hook'],
  ])('refuses %s when deployed, as webhook_url_refused', async (url) => {
    expect(await verdict(url, deployed)).toBe('webhook_url_refused');
  });

  it('allows https to a public address when deployed, and keeps the URL as given', async () => {
    expect(await checkWebhookUrl('https://93.184.215.14/hooks?x=1', deployed)).toBe('https://93.184.215.14/hooks?x=1');
    expect(await verdict('https://[2606:4700::1111]:8443/h', deployed)).toBe('allowed');
  });

  it('allows loopback http (and https) on a local stage, and still refuses private addresses and public http', async () => {
    expect(await verdict('http://127.0.0.1:8080/hook', local)).toBe('allowed');
    expect(await verdict('http://[::1]:8080/hook', local)).toBe('allowed');
    expect(await verdict('https://127.0.0.1/hook', local)).toBe('allowed');
    expect(await verdict('http://10.0.0.5/hook', local)).toBe('webhook_url_refused');
    expect(await verdict('http://169.254.169.254/', local)).toBe('webhook_url_refused');
    expect(await verdict('http://93.184.215.14/hook', local)).toBe('webhook_url_refused');
  });

  it('refuses a name that resolves to any private address, or that mixes loopback and public ones (DNS rebinding)', () => {
    const checked = checkUrlForm('https://hooks.example.com/x', deployed);
    expect(checkAddresses(checked, [{ address: '93.184.215.14', family: 4 }], deployed)).toEqual({ address: '93.184.215.14', family: 4 });
    expect(() => checkAddresses(checked, [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.1', family: 4 }], deployed)).toThrow(/not public/);
    expect(() => checkAddresses(checked, [], deployed)).toThrow(/no address/);
    const http = checkUrlForm('http://receiver.test/x', local);
    expect(checkAddresses(http, [{ address: '127.0.0.1', family: 4 }], local).address).toBe('127.0.0.1');
    expect(() => checkAddresses(http, [{ address: '127.0.0.1', family: 4 }, { address: '93.184.215.14', family: 4 }], local)).toThrow(/not public/);
    expect(() => checkAddresses(http, [{ address: '93.184.215.14', family: 4 }], local)).toThrow(/https/);
    expect(() => checkAddresses(checked, [{ address: '127.0.0.1', family: 4 }], deployed)).toThrow(/not public/);
  });
});

describe('webhook signatures', () => {
  it('are Standard Webhooks signatures, which the standardwebhooks package verifies, over the exact body', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    const body = JSON.stringify({ id: 'evt-1', type: 'account.created', data: { note: 'é "quoted"' } });
    const headers = signatureHeaders(secret, 'evt-1', Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-id']).toBe('evt-1');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
    const stale = signatureHeaders(secret, 'evt-1', Math.floor(Date.now() / 1000) - 3600, body);
    expect(() => new Webhook(secret).verify(body, stale)).toThrow();
  });
});

describe('the retry schedule', () => {
  it('backs off from seconds to hours, and gives up once 24 hours have passed since the first attempt', () => {
    const noJitter = () => 0;
    let firstMs = 1_000_000;
    let nowMs = firstMs;
    const waits: number[] = [];
    for (let attempts = 1; ; attempts += 1) {
      const next = nextAttemptMs(attempts, firstMs, nowMs, noJitter);
      if (next === null) break;
      waits.push((next - nowMs) / 1000);
      nowMs = next;
    }
    expect(waits.slice(0, retryDelaysSeconds.length)).toEqual([...retryDelaysSeconds]);
    expect(nowMs - firstMs).toBeGreaterThanOrEqual(retryWindowMs);
    expect(nowMs - firstMs).toBeLessThan(retryWindowMs + 8 * 3600 * 1000);
    firstMs = 0;
    expect(nextAttemptMs(3, firstMs, 10_000, () => 1)).toBe(10_000 + 132_000);
  });
});

describe('deliveries', () => {
  it('are one per event and endpoint, and an admin-scoped endpoint reads as an admin with admin power', () => {
    expect(deliveryIdOf('e1', 'w1')).toBe(deliveryIdOf('e1', 'w1'));
    expect(deliveryIdOf('e1', 'w1')).not.toBe(deliveryIdOf('e1', 'w2'));
    expect(deliveryIdOf('e1', 'w1')).toMatch(/^[0-9a-f]{32}$/);
    expect(readerOf({ ownerId: 'u', scope: 'admin' })).toEqual({ userId: 'u', role: 'admin', mfa: true });
    expect(readerOf({ ownerId: 'u', scope: 'owner' })).toEqual({ userId: 'u', role: 'user', mfa: false });
  });
});
