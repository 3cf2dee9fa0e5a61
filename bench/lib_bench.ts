// Micro-benchmarks of the library's hot paths: `deno task bench`.
import { SEED_CLEURA_DOMAINS } from "../lib/testing/mod.ts";
import { emulatedInstances } from "../lib/testing/emulator.ts";
import {
  flattenRegions,
  mintJwt,
  parseCloudInstances,
  parseDomains,
  selectInstances,
} from "../mod.ts";

const seed = JSON.parse(SEED_CLEURA_DOMAINS);
const domains = parseDomains(seed);
const many = Array.from(
  { length: 100 },
  (_, i) => ({ ...domains[i % 3]!, id: `d${i}` }),
);
const raw10k = emulatedInstances({
  id: 900,
  organizationId: 1,
  instanceCount: 10_000,
});
const instances10k = parseCloudInstances(raw10k, 900);

Deno.bench(
  "mintJwt (HS256, cached key)",
  { group: "jwt", baseline: true },
  async () => {
    await mintJwt({
      apiKey: "bench-api-key",
      organizationId: 42,
      deploymentId: 7,
    });
  },
);

Deno.bench("mintJwt × 128 at once (throughput)", { group: "jwt" }, async () => {
  await Promise.all(
    Array.from(
      { length: 128 },
      () => mintJwt({ apiKey: "bench-api-key", organizationId: 42 }),
    ),
  );
});

Deno.bench("parseDomains (seed, 3 domains)", { group: "parse" }, () => {
  parseDomains(seed);
});

Deno.bench("flattenRegions (100 domains)", { group: "parse" }, () => {
  flattenRegions(many);
});

Deno.bench("parseCloudInstances (10,000)", { group: "instances" }, () => {
  parseCloudInstances(raw10k, 900);
});

Deno.bench("selectInstances: filter status + page of 50 (10,000)", {
  group: "instances",
}, () => {
  selectInstances(instances10k, { status: "running", offset: 500, limit: 50 });
});

Deno.bench("selectInstances: nameContains + page of 50 (10,000)", {
  group: "instances",
}, () => {
  selectInstances(instances10k, { nameContains: "vm-900-09", limit: 50 });
});
