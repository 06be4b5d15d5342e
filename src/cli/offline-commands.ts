import { AUDIT_VERIFY_FLAGS, auditVerify } from './audit-verify.command';

type Flags = Record<string, string | undefined>;

export interface OfflineCommand {
  readonly flags: string[];
  /** The JSON to print and the exit code (a verdict can be "broken" without being an error). */
  readonly run: (flags: Flags) => Promise<{ output: unknown; exitCode: number }>;
}

/** Commands that need neither configuration nor a database: main.ts runs them before loading either. */
export const OFFLINE_COMMANDS: Record<string, OfflineCommand> = {
  'audit:verify': { flags: AUDIT_VERIFY_FLAGS, run: auditVerify },
};
