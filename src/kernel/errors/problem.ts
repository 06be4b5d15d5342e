import { ERROR_CATALOGUE, ErrorCode, problemType } from './error-catalogue';
import type { FieldError } from './domain-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** RFC 9457 problem details, as every error response carries them. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  errors?: FieldError[];
}

export function buildProblem(
  code: ErrorCode,
  detail: string,
  requestId: string,
  errors?: readonly FieldError[],
): ProblemDocument {
  const { status, title } = ERROR_CATALOGUE[code];
  const problem: ProblemDocument = { type: problemType(code), title, status, detail, code, requestId };
  if (errors && errors.length > 0) problem.errors = [...errors];
  return problem;
}
