/**
 * Rules for webhook target URLs, to keep deliveries from being pointed at our own network (SSRF):
 * HTTPS only, no credentials in the URL, and no `localhost` or IP literals in private, loopback,
 * link-local or otherwise non-public ranges. `allowInsecure` (development and tests) lifts
 * the HTTPS and address rules, never the credentials rule.
 *
 * Host names are checked as written; resolving them (DNS rebinding) is checked again at delivery.
 */
import { BlockList, isIP } from 'node:net';

export const MAX_URL_LENGTH = 2048;

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 (embeds IPv4)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

export type WebhookUrlResult = { ok: true; url: string } | { ok: false; reason: string };

/** True for `localhost`, `*.localhost` and IP literals outside public unicast ranges. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const family = isIP(host);
  if (family === 4) return blocked.check(host, 'ipv4');
  if (family === 6) return blocked.check(host, 'ipv6');
  return false;
}

/** Checks and normalizes a webhook URL. */
export function checkWebhookUrl(raw: string, options: { allowInsecure?: boolean } = {}): WebhookUrlResult {
  const text = raw.trim();
  if (!text) return { ok: false, reason: 'url must not be empty' };
  if (text.length > MAX_URL_LENGTH) return { ok: false, reason: `url must be at most ${MAX_URL_LENGTH} characters` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: 'url is not a valid absolute URL' };
  }
  const insecure = options.allowInsecure === true;
  if (url.protocol !== 'https:' && !(insecure && url.protocol === 'http:')) {
    return { ok: false, reason: insecure ? 'url must use http or https' : 'url must use https' };
  }
  if (url.username || url.password) return { ok: false, reason: 'url must not contain credentials' };
  if (!url.hostname) return { ok: false, reason: 'url must have a host' };
  if (!insecure && isPrivateHost(url.hostname)) {
    return { ok: false, reason: 'url must not point to localhost or a private, loopback or link-local address' };
  }
  url.hash = '';
  return { ok: true, url: url.href };
}
