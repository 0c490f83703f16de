import type { ApprovalVote } from '../store/index.js';
import type { Vote } from './quorum.js';

/** quorumVote is a stored vote as quorum.ts reads it. */
export function quorumVote(vote: ApprovalVote): Vote {
  return {
    approverId: vote.approverId,
    approverGroups: vote.approverGroups,
    decision: vote.decision,
    at: new Date(vote.at),
  };
}
