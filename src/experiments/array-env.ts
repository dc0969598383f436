/**
 * Which shard a job-array task runs: from `--shard`, else from Slurm's array variables
 * (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT and/or SLURM_ARRAY_TASK_MIN/MAX), else from a
 * Kubernetes Indexed Job's JOB_COMPLETION_INDEX with the completions count passed in (the Job's
 * `completions` is not exposed to the pod, so it comes from `--completions` or GUIDANCE_LAB_COMPLETIONS).
 */
import type { GridShare } from '../runtime/grid-share';

/** The environment variable that passes an Indexed Job's completions count when `--completions` is not given. */
export const COMPLETIONS_VAR = 'GUIDANCE_LAB_COMPLETIONS';

/** A chosen shard and a one-line reason naming where it came from. */
export interface ShardChoice {
  shard: GridShare;
  reason: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Returns the shard of this task: `flag` when given, else the one the Slurm or Kubernetes variables in
 * `env` describe (`completions`: the Indexed Job's count, else env GUIDANCE_LAB_COMPLETIONS), else the
 * whole grid (1/1); throws naming the variable when a value is not an integer or out of range, or when
 * both engines' variables are set.
 */
export function resolveShard(flag: GridShare | undefined, env: Env, completions?: number): ShardChoice {
  const slurm = env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '';
  const k8s = env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '';
  if (flag) {
    const ignored = slurm || k8s ? ' (given, so the job-array variables are ignored)' : '';
    return { shard: flag, reason: `--shard ${flag.k}/${flag.n}${ignored}` };
  }
  if (slurm && k8s) {
    throw new Error('both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set; pass --shard k/n to say which shard this task runs');
  }
  if (slurm) return slurmShard(env);
  if (k8s) return indexedJobShard(env, completions);
  return { shard: { k: 1, n: 1 }, reason: 'no --shard and no job-array variables: the whole grid' };
}

/** Returns the shard of a Slurm array task: task IDs min…max (contiguous, no step) map to shards 1…n in order. */
function slurmShard(env: Env): ShardChoice {
  const id = envInt(env, 'SLURM_ARRAY_TASK_ID');
  const count = optionalEnvInt(env, 'SLURM_ARRAY_TASK_COUNT');
  const min = optionalEnvInt(env, 'SLURM_ARRAY_TASK_MIN');
  const max = optionalEnvInt(env, 'SLURM_ARRAY_TASK_MAX');
  if (count === undefined && (min === undefined || max === undefined)) {
    throw new Error(
      'SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor both SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX are',
    );
  }
  const lo = min ?? 0;
  const n = count ?? (max as number) - lo + 1;
  if (n < 1) throw new Error(`Slurm array of ${n} tasks (SLURM_ARRAY_TASK_MIN=${lo}, SLURM_ARRAY_TASK_MAX=${max}); need at least 1`);
  if (max !== undefined && max - lo + 1 !== n) {
    throw new Error(
      `Slurm array is not contiguous: SLURM_ARRAY_TASK_MIN=${lo}, SLURM_ARRAY_TASK_MAX=${max} but SLURM_ARRAY_TASK_COUNT=${n}; ` +
        'submit with --array=a-b (no step or list, a %limit is fine) or pass --shard k/n',
    );
  }
  const hi = lo + n - 1;
  if (id < lo || id > hi) throw new Error(`SLURM_ARRAY_TASK_ID=${id} is outside the array's task IDs ${lo}…${hi}`);
  const k = id - lo + 1;
  const vars = [
    `SLURM_ARRAY_TASK_ID=${id}`,
    ...(min === undefined ? [] : [`SLURM_ARRAY_TASK_MIN=${min}`]),
    count === undefined ? `SLURM_ARRAY_TASK_MAX=${max}` : `SLURM_ARRAY_TASK_COUNT=${count}`,
  ];
  return { shard: { k, n }, reason: `Slurm array task: ${vars.join(', ')}` };
}

/** Returns the shard of a Kubernetes Indexed Job pod: completion index i of n is shard i + 1. */
function indexedJobShard(env: Env, completions: number | undefined): ShardChoice {
  const index = envInt(env, 'JOB_COMPLETION_INDEX');
  const n = completions ?? optionalEnvInt(env, COMPLETIONS_VAR);
  const source = completions !== undefined ? `--completions ${completions}` : `${COMPLETIONS_VAR}=${n}`;
  if (n === undefined) {
    throw new Error(
      `JOB_COMPLETION_INDEX=${index} is set but the completions count is not: ` +
        `pass --completions n or set ${COMPLETIONS_VAR} (the Job's spec.completions)`,
    );
  }
  if (!Number.isInteger(n) || n < 1) throw new Error(`completions must be an integer ≥ 1; got ${n} (${source})`);
  if (index >= n) throw new Error(`JOB_COMPLETION_INDEX=${index} is out of range for ${n} completions (indices 0…${n - 1}; ${source})`);
  return { shard: { k: index + 1, n }, reason: `Kubernetes Indexed Job: JOB_COMPLETION_INDEX=${index}, ${source}` };
}

function optionalEnvInt(env: Env, name: string): number | undefined {
  return env[name] === undefined || env[name] === '' ? undefined : envInt(env, name);
}

function envInt(env: Env, name: string): number {
  const text = env[name] ?? '';
  if (!/^\d+$/.test(text.trim())) throw new Error(`${name} must be an integer ≥ 0; got "${text}"`);
  return Number(text.trim());
}
