// The floor of an action's cold start (bundled by bench/cold-start.mjs as the
// actions are): the design's packages loaded (@actions/core, zod), the policy
// read as the actions read it (js-yaml) and validated by a one-line schema,
// git asked for HEAD, one output set. Every gate needs at least this much;
// what an action costs beyond it is ours.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { setOutput } from "@actions/core";
import { load } from "js-yaml";
import * as z from "zod";

const Policy = z.object({ environments: z.array(z.object({ name: z.string() }).passthrough()) }).passthrough();
const policy = Policy.parse(load(readFileSync("release-gates.yml", "utf8")));
const head = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
setOutput("status", policy.environments.length > 0 && head ? "pass" : "fail");
