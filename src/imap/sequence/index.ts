export {
  STAR,
  MAX_UINT32,
  parseSequenceSet,
  formatSequenceSet,
  usesStar,
  normalizeSequenceSet,
  sequenceSetExceeds,
  iterateSequenceSet,
  resolveSequenceSet,
  resolveUidSet,
  resolveUidSetIndexes,
  formatUidSet,
  lowerBound,
} from './sequence-set.js';
export type { SeqBound, SequenceRange, SequenceSet } from './sequence-set.js';
