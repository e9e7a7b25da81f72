// node bench.mjs /path/to/metadata.json — median time per parse of each bundled schema, interleaved.
import { readFileSync } from 'node:fs';
const json = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const libs = {};
for (const name of ['valibot', 'zod', 'zod-mini']) libs[name] = (await import(`./dist/${name}.mjs`)).parse;
for (const [name, parse] of Object.entries(libs)) {
  const ok = parse(json);
  if (!ok.success) throw new Error(`${name} rejects the real file: ${JSON.stringify(ok.issues ?? ok.error)}`);
  const bad = parse({ ...json, input: { size: 3 } });
  if (bad.success) throw new Error(`${name} accepts a bad file`);
}
const BATCH = 20,
  ROUNDS = 200,
  samples = Object.fromEntries(Object.keys(libs).map((k) => [k, []]));
for (let r = 0; r < ROUNDS + 10; r++) {
  for (const [name, parse] of Object.entries(libs)) {
    const t0 = performance.now();
    for (let i = 0; i < BATCH; i++) parse(json);
    if (r >= 10) samples[name].push((performance.now() - t0) / BATCH); // first 10 rounds: warm-up
  }
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
};
for (const [name, s] of Object.entries(samples))
  console.log(`${name.padEnd(9)} median ${(median(s) * 1000).toFixed(0)} µs per parse (min ${(Math.min(...s) * 1000).toFixed(0)})`);
