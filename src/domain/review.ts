/** The clinician's review of one frame, persisted with the session. */
export interface ReviewState {
  /** The class the clinician settled on (the model's when confirmed); absent = not reviewed. */
  reviewedClass?: string;
  note?: string;
  /** ISO 8601 time of the last change. */
  reviewedAt?: string;
}

/** Reviews keyed by the app's frame id. */
export type ReviewMap = Record<string, ReviewState>;

/** Worst last: 'unfamiliar' = flagged by the familiarity check, whatever the top probability. */
export type ConfidenceLevel = 'confident' | 'uncertain' | 'low' | 'unfamiliar';

/** Top probability >= confident -> confident; < low -> low; otherwise uncertain. */
export interface ConfidenceThresholds {
  confident: number;
  low: number;
}

/** What the review logic needs to know about a frame (the app maps its store to this). */
export interface ReviewableFrame {
  id: string;
  predictedClass: string;
  /** Top probability, 0..1. */
  confidence: number;
  /** Flagged by the familiarity check (unlike the training images); absent = not flagged or not checked. */
  unfamiliar?: boolean;
  review?: ReviewState;
}
