/**
 * What the file schemas share (metadata.json, session files, the trainer's run files): a parse that
 * lists every problem as "<path> must be ..., got <value>", and the small pieces several files use.
 * Schema messages say what a value must be ("must be in 0..1"); the path and the value are added
 * here. A `rawCheck` or `partialCheck` (a rule across fields) writes its whole message itself.
 */
import * as v from 'valibot';

/** A value as a message shows it: JSON cut to `max` characters; NaN and Infinity as themselves. */
export function show(value: unknown, max = 40): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const s = JSON.stringify(value);
  if (s === undefined) return String(value);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export interface MessageOptions {
  /** Where the value sits in its file, e.g. `config`: messages then read "config.epochs must be ...". */
  at?: string;
  /** Words added after a path step, e.g. a frame's file name after `frames[2]`. */
  label?: (keys: readonly unknown[], value: unknown) => string | undefined;
}

const KINDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  Object: 'an object',
  Array: 'a list',
};

/** For a schema or check given no message of its own: "must be a string", "must be >=0". */
const fallbackMessage = (issue: v.BaseIssue<unknown>) =>
  `must be ${issue.expected ? (KINDS[issue.expected] ?? issue.expected) : `valid (${issue.type})`}`;

/** One line per problem, at most one per path (the first found there: a wrong type hides the range check). */
export function issueMessages(issues: readonly v.BaseIssue<unknown>[], opts: MessageOptions = {}): string[] {
  const byPath = new Map<string, string>();
  for (const issue of issues) {
    let at = opts.at ?? '';
    const keys: unknown[] = [];
    for (const step of issue.path ?? []) {
      const key = step.key;
      keys.push(key);
      at += typeof key === 'number' ? `[${key}]` : `${at ? '.' : ''}${String(key)}`;
      at += opts.label?.(keys, step.value) ?? '';
    }
    if (byPath.has(at)) continue;
    const last = issue.path?.at(-1);
    let text: string;
    if (last?.origin === 'key' && issue.input === undefined && /^(loose_|strict_)?object$/.test(issue.type)) text = `${at} is missing`;
    else if (issue.type === 'raw_check' || issue.type === 'partial_check') text = at ? `${at} ${issue.message}` : issue.message;
    else text = `${at ? `${at} ` : ''}${issue.message}, got ${show(issue.input)}`;
    byPath.set(at, text);
  }
  return [...byPath.values()];
}

export type Checked<T> = { success: true; output: T } | { success: false; problems: string[] };

/** Parses `value`, listing every problem found (not only the first). */
export function parseAll<S extends v.GenericSchema>(schema: S, value: unknown, opts?: MessageOptions): Checked<v.InferOutput<S>> {
  const result = v.safeParse(schema, value, { message: fallbackMessage });
  return result.success ? { success: true, output: result.output } : { success: false, problems: issueMessages(result.issues, opts) };
}

/** A file that does not match its schema; the message names the file and each problem. */
export class SchemaError extends Error {
  override name = 'SchemaError';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
  }
}

/** Parses `value` as `file` holds it, or throws a SchemaError naming the file and every problem. */
export function parseFile<S extends v.GenericSchema>(schema: S, value: unknown, file: string): v.InferOutput<S> {
  const r = parseAll(schema, value);
  if (!r.success) throw new SchemaError(file, r.problems);
  return r.output;
}

/** Steps of an issue's path, for a rawCheck's `addIssue({ path })`: its message then reads "<path> <message>". */
export const itemStep = (input: unknown[], key: number): v.ArrayPathItem => ({
  type: 'array',
  origin: 'value',
  input,
  key,
  value: input[key],
});
export const fieldStep = (input: Record<string, unknown>, key: string): v.ObjectPathItem => ({
  type: 'object',
  origin: 'value',
  input,
  key,
  value: input[key],
});

/**
 * Whether a rawCheck can read these fields of an object: none has an issue yet (other fields may
 * be anything, so only these are typed).
 */
export function fieldsValid<T, K extends keyof T & string>(
  dataset: v.OutputDataset<T, v.BaseIssue<unknown>>,
  ...keys: K[]
): dataset is v.OutputDataset<T, v.BaseIssue<unknown>> & { value: Pick<T, K> } {
  if (typeof dataset.value !== 'object' || dataset.value === null) return false;
  return !dataset.issues?.some((issue) => {
    const key = issue.path?.[0]?.key;
    return key === undefined || keys.some((k) => k === key);
  });
}

/** A file's top level: a JSON object (valibot's `object` alone would take an array). */
export const jsonObject = v.custom<Record<string, unknown>>(
  (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
  'expected a JSON object',
);

/** A count of things: an integer >= 0. */
export const count = v.message(v.pipe(v.number(), v.integer(), v.minValue(0)), 'must be a count (an integer >= 0)');

export const nonEmptyString = v.message(v.pipe(v.string(), v.nonEmpty()), 'must be a non-empty string');

/** A share of frames or a probability: 0..1. */
export const share = v.message(v.pipe(v.number(), v.minValue(0), v.maxValue(1)), 'must be in 0..1');

/**
 * A measured number that may be NaN (the loss of a diverged epoch, a metric of no frames): JSON
 * writes NaN as null, so null reads back as NaN.
 */
export const measured = v.message(
  v.pipe(
    v.union([v.number(), v.nan(), v.null()]),
    v.transform((x) => x ?? Number.NaN),
  ),
  'must be a number (null for NaN)',
);
