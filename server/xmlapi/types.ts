import type { Queryable } from "@/db/client";
import type { ApiAccount } from "@/server/services/auth/api";
import type { ServiceContext } from "@/server/services/context";
import { REQUEST_ERRORS, type RequestErrorCode } from "./codes";
import { el, type OutNode, type XNode } from "./xml";

export interface XmlCall {
  db: Queryable;
  /** Root element name (lower-cased): the function. */
  root: string;
  node: XNode;
}

export interface AuthedCall extends XmlCall {
  account: ApiAccount;
  ctx: ServiceContext;
}

/** A request-level failure: the answer's root carries error/errormsg/errormsgru (HTTP 200). */
export class XmlRequestError extends Error {
  constructor(
    readonly code: RequestErrorCode,
    readonly detail?: string,
  ) {
    super(detail ?? REQUEST_ERRORS[code][0]);
  }
}

export function errorAnswer(root: string, code: RequestErrorCode, detail?: string): OutNode {
  const [en, ru] = REQUEST_ERRORS[code];
  return el(root, { error: code, errormsg: en, errormsgru: detail && detail !== ru ? `${ru}: ${detail}` : ru });
}
