import { Injectable } from '@nestjs/common';
import { Actor, RequestContext } from '#src/kernel/context/request-context';
import { Lead, LeadView, viewOf } from '../domain/lead';

/** Who is calling, as the leads feature needs to know it: partner side or internal, and by whom. */
@Injectable()
export class LeadCaller {
  constructor(private readonly context: RequestContext) {}

  /** A Partner or Agent user: bound to its partner organization, never sees internal fields. */
  get partnerSide(): Actor | undefined {
    const actor = this.context.actor;
    return actor && (actor.role === 'Partner' || actor.role === 'Agent') ? actor : undefined;
  }

  /** Staff, Admin and system actors (jobs, CLI, other features' use cases) see internal fields. */
  get isInternal(): boolean {
    return this.partnerSide === undefined;
  }

  /** What status history records as `by`: the user's sub, or the system actor's name. */
  get by(): string {
    const by = this.context.actor?.sub ?? this.context.system;
    if (!by) throw new Error('No actor in context for a lead change');
    return by;
  }

  view(lead: Lead): LeadView {
    return viewOf(lead, this.isInternal);
  }
}
