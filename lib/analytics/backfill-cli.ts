import { parseArgs } from "node:util";
import { backfill } from "#lib/analytics/backfill";
import { isDay } from "#lib/analytics/buckets";
import { isMetricId, METRIC_IDS, type MetricId } from "#lib/analytics/metrics";
import { runRollup } from "#lib/analytics/rollup";

/**
 * `npm run analytics:backfill -- --from 2026-01-01 --to 2026-03-31 [--metric deals.won]…
 * [--dry-run] [--no-rollup]`
 *
 * Recomputes the day counters of the range from the records and the event feed (see
 * `backfill.ts` and docs/analytics.md), then runs the rollup so that weeks, months and derived
 * figures follow. It talks to the table the functions use: `TABLE_NAME` and the usual AWS
 * credentials and region, or `DYNAMODB_ENDPOINT` for DynamoDB Local (`npm start` prints both).
 */
const usage = `Usage: npm run analytics:backfill -- --from YYYY-MM-DD --to YYYY-MM-DD [--metric <id>]... [--dry-run] [--no-rollup]
Metrics: ${METRIC_IDS.join(", ")}`;

const fail = (message: string): never => {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
};

const { values } = parseArgs({
  options: {
    from: { type: "string" },
    to: { type: "string" },
    metric: { type: "string", multiple: true },
    "dry-run": { type: "boolean", default: false },
    "no-rollup": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}
const from = values.from ?? fail("--from is required");
const to = values.to ?? fail("--to is required");
if (!isDay(from) || !isDay(to)) fail("--from and --to are calendar days: YYYY-MM-DD");
if (from > to) fail("--from must not be after --to");
const metrics: MetricId[] = (values.metric ?? [])
  .flatMap((m) => m.split(","))
  .map((m) => (isMetricId(m) ? m : fail(`No metric ${m}`)));
if (!process.env.TABLE_NAME) fail("TABLE_NAME names the table to backfill");

const summary = await backfill({
  from,
  to,
  ...(metrics.length > 0 ? { metrics } : {}),
  dryRun: values["dry-run"],
});
console.log(JSON.stringify(summary, null, 2));
if (!values["dry-run"] && !values["no-rollup"]) {
  const rollup = await runRollup({ scheduledTime: new Date().toISOString() });
  console.log(JSON.stringify({ rollup }, null, 2));
}
