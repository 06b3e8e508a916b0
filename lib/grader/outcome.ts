/** What one evaluation of a check found. The engine turns it into a learner-facing message. */
export interface Outcome {
  passed: boolean;
  /** What the check wanted, in words: `3 ready replicas of Deployment "web"`. */
  expected: string;
  /** What the sandbox showed, in words: `1 ready; pods web-7d4b9-x2k4p are ImagePullBackOff`. */
  found: string;
}

export function outcome(passed: boolean, expected: string, found: string): Outcome {
  return { passed, expected, found };
}

/** Thrown when the sandbox cannot be graded for a reason the learner can't fix (no cluster, no daemon). */
export class GradingUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GradingUnavailable';
  }
}

export function listNames(names: string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
