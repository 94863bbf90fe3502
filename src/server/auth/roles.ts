/** Who a request is, and which callers a route admits. Roles are the ledger's (API keys). */
import type { Role } from "../../ledger/ledger-store.js";

export { ROLES, type Role } from "../../ledger/ledger-store.js";

/** Who is calling, once authenticated. */
export type Principal =
  | {
      readonly kind: "member";
      readonly memberId: string;
      readonly via: "bearer" | "cookie";
      /** The `country` claim of the member's token, when the identity provider sends one. */
      readonly country?: string | undefined;
    }
  | {
      readonly kind: "service";
      /** The API key id, or `demo-admin` for the demo admin session. */
      readonly keyId: string;
      readonly roles: readonly Role[];
      readonly via: "bearer" | "cookie";
    };

/** The audience of a route: who may call it. Every route declares one. */
export type Audience = "public" | "member" | "admin" | "partner" | "demo";

/** Route config every TrainGate route carries (`config` in Fastify route options). */
export interface RouteAccess {
  readonly audience: Audience;
  /** For admin routes: the roles that may call it (any one suffices). */
  readonly roles?: readonly Role[];
}

/** A stable label of a principal for rate limits, idempotency and the audit log. */
export function principalLabel(p: Principal): string {
  return p.kind === "member" ? `member:${p.memberId}` : `key:${p.keyId}`;
}
