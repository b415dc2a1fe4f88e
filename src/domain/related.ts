/**
 * Weights of one link two articles share. An author in common says most about a reader's interest;
 * a tag both sources named outweighs one Gazette derived from the text on either side, which is noisier.
 */
export const relatedWeights = { author: 3, explicitTag: 2, derivedTag: 1 } as const;

/** The scoring rule in words, for the documentation of related results. */
export const relatedScoring =
  `Each author in common adds ${relatedWeights.author}, each tag both articles name explicitly adds ` +
  `${relatedWeights.explicitTag}, and a tag derived on either side adds ${relatedWeights.derivedTag}.`;
