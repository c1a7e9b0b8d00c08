/**
 * What the board shows about moves in flight and moves the API refused: a plain reducer, so the
 * rules are testable without a browser. A move is `pending` from the drop until the API answers;
 * a CONFLICT (someone moved or changed the deal first) leaves a notice naming where the deal is now.
 */

export interface MoveNotice {
  dealId: string;
  dealName: string;
  kind: 'conflict' | 'error';
  message: string;
}

export interface BoardMovesState {
  /** Target stage id per deal whose move is waiting for the API. */
  pending: Readonly<Record<string, string>>;
  /** Newest first; at most one per deal. */
  notices: readonly MoveNotice[];
}

export const INITIAL_MOVES: BoardMovesState = { pending: {}, notices: [] };

export type BoardMovesAction =
  | { type: 'started'; dealId: string; toStageId: string }
  | { type: 'succeeded'; dealId: string }
  | { type: 'conflicted'; dealId: string; dealName: string; currentStageName: string | null; movedBy?: string | null }
  | { type: 'failed'; dealId: string; dealName: string; message: string }
  | { type: 'dismissed'; dealId: string };

function withoutPending(pending: Readonly<Record<string, string>>, dealId: string): Record<string, string> {
  const next = { ...pending };
  delete next[dealId];
  return next;
}

function withNotice(notices: readonly MoveNotice[], notice: MoveNotice): MoveNotice[] {
  return [notice, ...notices.filter((n) => n.dealId !== notice.dealId)];
}

export function boardMovesReducer(state: BoardMovesState, action: BoardMovesAction): BoardMovesState {
  switch (action.type) {
    case 'started':
      return {
        pending: { ...state.pending, [action.dealId]: action.toStageId },
        notices: state.notices.filter((n) => n.dealId !== action.dealId),
      };
    case 'succeeded':
      return { ...state, pending: withoutPending(state.pending, action.dealId) };
    case 'conflicted': {
      const where = action.currentStageName ? `It is now in ${action.currentStageName}.` : 'It is no longer on this board.';
      return {
        pending: withoutPending(state.pending, action.dealId),
        notices: withNotice(state.notices, {
          dealId: action.dealId,
          dealName: action.dealName,
          kind: 'conflict',
          message: `“${action.dealName}” was changed by someone else before your move. ${where}`,
        }),
      };
    }
    case 'failed':
      return {
        pending: withoutPending(state.pending, action.dealId),
        notices: withNotice(state.notices, { dealId: action.dealId, dealName: action.dealName, kind: 'error', message: action.message }),
      };
    case 'dismissed':
      return { ...state, notices: state.notices.filter((n) => n.dealId !== action.dealId) };
  }
}

/** The current values the API sends with a CONFLICT of a deal (`extensions.current`). */
export interface CurrentDealState {
  stageId: string | null;
  version: number | null;
  status: string | null;
}

/** Reads `extensions.current` of a CONFLICT error; null when it is not there. */
export function currentDealOf(extensions: Readonly<Record<string, unknown>> | undefined): CurrentDealState | null {
  const current = extensions?.current;
  if (typeof current !== 'object' || current === null) return null;
  const c = current as Record<string, unknown>;
  return {
    stageId: typeof c.stageId === 'string' ? c.stageId : null,
    version: typeof c.version === 'number' ? c.version : null,
    status: typeof c.status === 'string' ? c.status : null,
  };
}
