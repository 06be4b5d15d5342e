// Reads what Schemathesis reported (its NDJSON event stream, --report ndjson) and decides whether a
// role's run passed: every operation of the OpenAPI document got at least one request with a
// response, no check failed, and Schemathesis reported no error. Counted here rather than taken
// from its exit code alone, so a run that silently skipped operations (filtered, unreachable,
// schema errors) fails too.

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `METHOD /path/{template}` of every operation in an OpenAPI 3 document. */
export function countSpecOperations(spec: { paths?: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(spec.paths ?? {}).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

export interface RoleOutcome {
  readonly role: string;
  readonly ok: boolean;
  /** Operations of the document that got at least one response. */
  readonly tested: string[];
  readonly untested: string[];
  /** Test cases that got a response (all phases). */
  readonly examples: number;
  /** Failed checks (distinct test case and check). */
  readonly failures: number;
  /** Errors Schemathesis reported (network errors, schema errors, crashes of the run). */
  readonly errors: number;
  /** Failures the hooks' filter_failure dropped (400s of the context rules, tools/schemathesis/hooks.py). */
  readonly filtered: number;
  readonly line: string;
}

interface Recorder {
  label?: string;
  cases?: Record<string, { value?: { method?: string; path?: string } }>;
  checks?: Record<string, { name?: string; status?: string }[]>;
  interactions?: Record<string, { response?: { status_code?: number } | null }>;
  filtered_failures?: Record<string, number>;
}

export function summariseNdjson(role: string, ndjson: string, specOperations: string[], exitCode: number | null, seconds: number): RoleOutcome {
  const spec = new Set(specOperations);
  const tested = new Set<string>();
  const failed = new Set<string>();
  let examples = 0;
  let errors = 0;
  let filtered = 0;
  let finished = false;
  for (const line of ndjson.split('\n')) {
    if (line.trim() === '') continue;
    const event = JSON.parse(line) as Record<string, Record<string, unknown>>;
    const [kind] = Object.keys(event);
    const payload = event[kind];
    if (kind === 'NonFatalError' || kind === 'FatalError') errors++;
    if (kind === 'EngineFinished') finished = true;
    if (kind !== 'ScenarioFinished') continue;
    const recorder = (payload.recorder ?? {}) as Recorder;
    for (const [caseId, interaction] of Object.entries(recorder.interactions ?? {})) {
      if (typeof interaction?.response?.status_code !== 'number') continue;
      examples++;
      const value = recorder.cases?.[caseId]?.value;
      const label = value?.method && value.path ? `${value.method.toUpperCase()} ${value.path}` : recorder.label;
      if (label !== undefined && spec.has(label)) tested.add(label);
    }
    for (const count of Object.values(recorder.filtered_failures ?? {})) filtered += count;
    for (const [caseId, checks] of Object.entries(recorder.checks ?? {})) {
      for (const check of checks) if (check.status === 'failure') failed.add(`${caseId} ${check.name}`);
    }
  }
  if (!finished) errors++;
  const untested = specOperations.filter((op) => !tested.has(op));
  const ok = exitCode === 0 && failed.size === 0 && errors === 0 && untested.length === 0 && tested.size === spec.size;
  const line =
    `${role}: ${ok ? 'passed' : 'FAILED'}: ${spec.size} operations in spec, ${tested.size} tested, ${examples} examples, ` +
    `${failed.size} failures, ${errors} errors (${filtered} context-rule 400s accepted), exit ${exitCode}, ${seconds.toFixed(0)} s` +
    (untested.length > 0 ? `; not tested: ${untested.join(', ')}` : '');
  return { role, ok, tested: [...tested], untested, examples, failures: failed.size, errors, filtered, line };
}
