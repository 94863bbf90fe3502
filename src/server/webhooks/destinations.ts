/**
 * Where webhooks may deliver. A webhook URL is chosen by a partner, and the server POSTs the
 * consent feed (member ids and their choices) to it, so an unchecked URL would let any holder
 * of a partner key make the server call its own network: the database, a cloud metadata
 * service (169.254.169.254), an admin port on localhost (server-side request forgery). So:
 * - at registration, the URL must be `https:` with no credentials in it, and a host given as
 *   an IP address or `localhost` must be an allowed destination;
 * - at delivery, every address the host name resolves to is checked when the socket connects
 *   (request-filtering-agent), so a name that resolves, or later re-resolves, to a private
 *   address is refused too; redirects are never followed.
 * Allowed: public unicast addresses, plus the addresses and CIDR ranges the operator lists
 * (`traingate serve --webhook-allow-ip 10.2.0.0/16`). `--webhook-allow-private` lifts the
 * address check and accepts `http:` — for development and tests with local receivers.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import {
  type RequestFilteringAgentOptions,
  RequestFilteringHttpAgent,
  RequestFilteringHttpsAgent,
} from "request-filtering-agent";
import { TrainGateError } from "../../errors.js";

/** The operator's rule for webhook destinations. */
export interface WebhookDestinations {
  /** Any address and `http:` are accepted (development only). */
  readonly allowPrivate: boolean;
  /** Addresses and CIDR ranges accepted even though they are not public. */
  readonly allowIps: readonly string[];
}

/** The default: public `https:` destinations only. */
export const PUBLIC_ONLY: WebhookDestinations = { allowPrivate: false, allowIps: [] };

/** Parses `--webhook-allow-ip` values: each an IPv4/IPv6 address or CIDR range. */
export function parseAllowIps(values: readonly string[]): string[] {
  return values.map((v) => {
    const s = v.trim();
    if (isIP(s) !== 0) return s;
    try {
      ipaddr.parseCIDR(s);
      return s;
    } catch {
      throw new TrainGateError(
        "TG_E_USAGE",
        `--webhook-allow-ip ${JSON.stringify(v)}: expected an IP address or a CIDR range such as 10.2.0.0/16`,
      );
    }
  });
}

function allowedAddress(address: string, rule: WebhookDestinations): boolean {
  if (rule.allowPrivate) return true;
  const parsed = ipaddr.process(address);
  for (const entry of rule.allowIps) {
    if (isIP(entry) !== 0) {
      if (ipaddr.process(entry).toString() === parsed.toString()) return true;
    } else {
      const [range, bits] = ipaddr.parseCIDR(entry);
      if (range.kind() === parsed.kind() && parsed.match(range, bits)) return true;
    }
  }
  return parsed.range() === "unicast";
}

/**
 * Why `url` may not be registered as a webhook under `rule`, or null when it may. Host names
 * other than `localhost` are checked again at each delivery, after DNS.
 */
export function webhookUrlProblem(url: string, rule: WebhookDestinations): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "the webhook url is not a valid URL";
  }
  if (u.protocol !== "https:" && !(rule.allowPrivate && u.protocol === "http:")) {
    return "the webhook url must use https: (consent changes are personal data)";
  }
  if (u.username !== "" || u.password !== "") {
    return "the webhook url must not carry credentials; the signature header authenticates deliveries";
  }
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) {
    return allowedAddress(host, rule)
      ? null
      : `the webhook url's address ${host} is not public; the server operator can allow it with --webhook-allow-ip`;
  }
  const name = host.toLowerCase().replace(/\.$/, "");
  if ((name === "localhost" || name.endsWith(".localhost")) && !rule.allowPrivate) {
    return "the webhook url points at localhost; the server operator can allow local receivers with --webhook-allow-private";
  }
  return null;
}

/** Throws TG_E_BAD_INPUT when `url` may not be registered. */
export function assertWebhookUrl(url: string, rule: WebhookDestinations): void {
  const problem = webhookUrlProblem(url, rule);
  if (problem !== null) throw new TrainGateError("TG_E_BAD_INPUT", problem, { url });
}

/** One pair of keep-alive agents per rule, so deliveries reuse connections. */
const AGENTS = new WeakMap<
  WebhookDestinations,
  { http: RequestFilteringHttpAgent; https: RequestFilteringHttpsAgent }
>();

function agentsFor(rule: WebhookDestinations) {
  let agents = AGENTS.get(rule);
  if (agents === undefined) {
    const options: RequestFilteringAgentOptions & { keepAlive: boolean } = {
      keepAlive: true,
      allowPrivateIPAddress: rule.allowPrivate,
      allowIPAddressList: [...rule.allowIps],
    };
    agents = {
      http: new RequestFilteringHttpAgent(options),
      https: new RequestFilteringHttpsAgent(options),
    };
    AGENTS.set(rule, agents);
  }
  return agents;
}

/** The answer of one delivery. */
export interface PostResult {
  readonly status: number;
}

/**
 * POSTs `body` to `url`, connecting only to addresses `rule` allows (checked after DNS, at
 * connect time), without following redirects. Rejects on a refused address, a network error
 * or after `timeoutMs`.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  rule: WebhookDestinations,
  timeoutMs: number,
): Promise<PostResult> {
  const problem = webhookUrlProblem(url, rule);
  if (problem !== null) return Promise.reject(new Error(problem));
  const secure = url.startsWith("https:");
  const agent = secure ? agentsFor(rule).https : agentsFor(rule).http;
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: "POST",
        agent,
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve({ status: res.statusCode ?? 0 }));
        res.once("error", reject);
      },
    );
    req.once("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once("error", reject);
    req.end(body);
  });
}
