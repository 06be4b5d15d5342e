import { Injectable } from '@nestjs/common';
import { Actor, RequestContext } from '#src/kernel/context/request-context';
import type { ChangeActor } from '../domain/opportunity';
import type { StageActor } from '../domain/opportunity-stage';

/** Who is calling, as the opportunities feature needs to know it: partner side or tenant side, and by whom. */
@Injectable()
export class OpportunityCaller {
  constructor(private readonly context: RequestContext) {}

  /** A Partner or Agent user: bound to its partner organization. */
  get partnerSide(): Actor | undefined {
    const actor = this.context.actor;
    return actor && (actor.role === 'Partner' || actor.role === 'Agent') ? actor : undefined;
  }

  /** Staff, Admin and system actors (jobs, CLI) may make tenant-side moves (backward stages, reopen, convert). */
  get side(): StageActor {
    return this.partnerSide === undefined ? 'internal' : 'partner';
  }

  /** What the stage history records as `by`: the user's sub, or the system actor's name. */
  get by(): string {
    const by = this.context.actor?.sub ?? this.context.system;
    if (!by) throw new Error('No actor in context for an opportunity change');
    return by;
  }

  /** The caller as a stage change records it, now. */
  changeActor(): ChangeActor {
    return { side: this.side, by: this.by, at: new Date() };
  }
}
