/** Child process for integrity.test.ts: from time argv[4] on, opens the cache argv[2] argv[5] times, each adding model "argv[3]-i". */
import { SweepCache, type RowDigests } from '../../src/experiments';
import { claimToken } from '../../src/experiments/claims';

const [dir, id, startAt, times] = process.argv.slice(2);
while (Date.now() < Number(startAt));
for (let i = 0; i < Number(times); i++) {
  const digests: RowDigests = { models: { [`${id}-${i}`]: 'd' }, featurizer: 'f', reference: 'r' };
  SweepCache.open(dir, digests, claimToken());
}
