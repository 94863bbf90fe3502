/**
 * IP addresses: dotted-quad IPv4 with each part at most 255, and IPv6 in full, compressed
 * (`::`) and IPv4-suffixed forms, checked by Node's own parser.
 */
import { isIPv6 } from "node:net";
import type { Span } from "../span.js";

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, "g");
/** Loose IPv6 candidates: hex groups and colons (at least two), maybe an IPv4 tail. */
const IPV6_CANDIDATE =
  /(?<![\w:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}(?![\w:])/gi;

/** Appends an `ip` span for each IPv4 or IPv6 address in `text`. */
export function detectIps(text: string, out: Span[]): void {
  if (text.includes(".")) {
    IPV4.lastIndex = 0;
    for (let m = IPV4.exec(text); m !== null; m = IPV4.exec(text)) {
      out.push({ start: m.index, end: m.index + m[0].length, type: "ip" });
    }
  }
  const first = text.indexOf(":");
  if (first >= 0 && text.indexOf(":", first + 1) > 0) {
    IPV6_CANDIDATE.lastIndex = 0;
    for (let m = IPV6_CANDIDATE.exec(text); m !== null; m = IPV6_CANDIDATE.exec(text)) {
      if (m[0].length >= 3 && isIPv6(m[0])) {
        out.push({ start: m.index, end: m.index + m[0].length, type: "ip" });
      }
    }
  }
}
